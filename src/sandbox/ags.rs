//! A strict fake of AGS, the Authentication Gateway Service (`shared/providers.md` §2), on its
//! own port: discovery, the three sign-on calls with their headers and parameter names
//! checked, devices known by client id, JWT-shaped tokens that expire and rotate on refresh
//! within a refresh window and a fixed cap, sign-out, 300 for a user with two accounts, and
//! 403 with any platform code on demand (`POST /__sandbox/ags/platform_error`).

use super::control::{one, with_body};
use super::fake::{DemoAccount, FakeService, Handled, demo_account};
use crate::core::account::ProviderId;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::ags_discovery::{discovery, read_parameters};
use super::ags_wire::{error, jwt, platform_error, raw_token};
use super::faults::{FaultKind, after_fault_string_lifetime, fault_reply};
use super::fixtures::ags as fx;
use super::server::{Reply, Request};
use super::state::{SandboxState, issue_secret, issued, random_token};

pub const DISCOVERY: &str = "ags.discovery";
pub const SIGN_ON: &str = "ags.sign_on";
pub const SIGN_ON_SESSION: &str = "ags.sign_on_session_token";
pub const SUBSEQUENT: &str = "ags.subsequent_sign_on";
pub const REFRESH: &str = "ags.refresh";
pub const SIGN_OUT: &str = "ags.sign_out";
pub const ENDPOINTS: [&str; 6] = [
    DISCOVERY,
    SIGN_ON,
    SIGN_ON_SESSION,
    SUBSEQUENT,
    REFRESH,
    SIGN_OUT,
];
/// How a 403 body is written (its shape is not documented): a JSON `code`, a nested JSON
/// `error.errorCode` string, or plain text.
pub const ERRORS_ENDPOINT: &str = "ags.errors";
pub const ERROR_VARIANTS: [&str; 3] = ["json", "nested", "text"];
/// How a 300 answer's `accountInformation` is written: an object or a string.
pub const ACCOUNTS_ENDPOINT: &str = "ags.account_information";
pub const ACCOUNT_VARIANTS: [&str; 2] = ["object", "string"];
/// `echo`: a refused session token is quoted back in a text answer, with terminal escapes.
pub const SESSION_VARIANTS: [&str; 2] = ["plain", "echo"];

pub const ACCESS_LIFETIME: Duration = Duration::from_secs(3600);
pub const REFRESH_WINDOW: Duration = Duration::from_secs(172_800);
pub const FIXED_CAP: Duration = Duration::from_secs(2_592_000);
const USER_TOKEN_LIFETIME: Duration = Duration::from_secs(300);

struct Access {
    expires_at: OffsetDateTime,
}

struct Refresh {
    account_id: String,
    client_id: String,
    expires_at: OffsetDateTime,
    fixed_expires_at: OffsetDateTime,
}

struct UserToken {
    account_id: String,
    expires_at: OffsetDateTime,
}

#[derive(Default)]
pub struct AgsFake {
    access: Mutex<HashMap<String, Access>>,
    refresh: Mutex<HashMap<String, Refresh>>,
    user_tokens: Mutex<HashMap<String, UserToken>>,
    devices: Mutex<HashSet<String>>,
    /// How many devices were ever registered (client ids are never reused).
    registered: AtomicU32,
    /// Platform codes to answer the next sign-ons with, in order.
    platform_errors: Mutex<Vec<u32>>,
}

impl AgsFake {
    /// Makes the next `times` sign-on calls answer 403 with `code`.
    pub fn queue_platform_error(&self, code: u32, times: u32) {
        let mut queue = self.platform_errors.lock().expect("platform errors lock");
        queue.extend(std::iter::repeat_n(code, times as usize));
    }

    /// Forgets every registered device, as an operator deleting them would.
    pub fn delete_devices(&self) {
        self.devices.lock().expect("devices lock").clear();
    }

    pub async fn handle(&self, state: &SandboxState, request: &Request) -> Reply {
        let endpoint = match (request.method.as_str(), request.path.as_str()) {
            ("GET", "/ags/servicediscovery") => DISCOVERY,
            ("POST", "/ags/signOn") => SIGN_ON,
            ("POST", "/ags/signOnWithSessionToken") => SIGN_ON_SESSION,
            ("POST", "/ags/subsequentSignOn") => SUBSEQUENT,
            ("POST", "/ags/refresh") => REFRESH,
            ("POST", "/ags/signOut") => SIGN_OUT,
            _ => {
                return error(
                    404,
                    "not_found",
                    &format!("no route {} {}", request.method, request.path),
                );
            }
        };
        let fault = state.record_call(endpoint);
        // An "expired bearer" fault makes the presented refresh or session token count as expired.
        let expire = fault.is_some_and(|fault| fault.kind == FaultKind::ExpiredBearer);
        if let Some(fault) = fault
            && let Some(reply) =
                fault_reply(fault, || error(500, "internal_error", "internal error")).await
        {
            return reply;
        }
        if request
            .header("x-correlation-id")
            .is_none_or(|id| id.trim().is_empty())
        {
            return error(
                400,
                "missing_correlation_id",
                "the x-correlation-id header is required",
            );
        }
        match request.header("nv-tenant-id") {
            None => return error(400, "missing_tenant", "the nv-tenant-id header is required"),
            Some(tenant) if tenant != fx::TENANT => {
                return error(404, "unknown_tenant", "no such tenant");
            }
            Some(_) => {}
        }
        let now = state.now();
        let reply = match endpoint {
            DISCOVERY => Reply::json(200, &discovery()),
            REFRESH => self.refresh(request, now, expire),
            SIGN_OUT => self.sign_out(request, now),
            _ => self.sign_on(state, endpoint, request, now, expire),
        };
        after_fault_string_lifetime(fault, reply)
    }

    fn sign_on(
        &self,
        state: &SandboxState,
        endpoint: &str,
        request: &Request,
        now: OffsetDateTime,
        expire: bool,
    ) -> Reply {
        match request.header("x-auth-service-id") {
            None => {
                return error(
                    400,
                    "missing_auth_service",
                    "the x-auth-service-id header is required on sign-on",
                );
            }
            Some(service) if service != fx::SERVICE_ID => {
                return error(
                    404,
                    "unknown_auth_service",
                    "no such authentication service",
                );
            }
            Some(_) => {}
        }
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return error(400, "bad_body", "the body must be JSON");
        };
        let spec_path = if endpoint == SIGN_ON_SESSION {
            "/signOnWithSessionToken"
        } else {
            "/signOn"
        };
        let parameters = match read_parameters(&body, spec_path) {
            Ok(parameters) => parameters,
            Err(message) => return error(400, "bad_parameters", &message),
        };
        let client_id = match self.device(&body) {
            Ok(client_id) => client_id,
            Err(reply) => return reply,
        };
        if let Some(code) = {
            let mut queue = self.platform_errors.lock().expect("platform errors lock");
            (!queue.is_empty()).then(|| queue.remove(0))
        } {
            return platform_error(state, code);
        }
        let account_id = match endpoint {
            SIGN_ON_SESSION => {
                let presented = parameters.get("sessionToken").map(String::as_str);
                if expire {
                    return error(
                        401,
                        "invalid_session_token",
                        "the session token has expired",
                    );
                }
                if presented != Some(fx::SESSION_TOKEN) {
                    if state.variant(SIGN_ON_SESSION).as_deref() == Some("echo") {
                        // A careless server: the token echoed back, with terminal escapes.
                        let text = format!(
                            "invalid session token {}\x1b[2J\x1b[31m\r\nsee \u{202e}support",
                            presented.unwrap_or_default()
                        );
                        return Reply::raw(401, "text/plain; charset=utf-8", text.as_bytes());
                    }
                    return error(
                        401,
                        "invalid_session_token",
                        "the session token is not valid",
                    );
                }
                fx::ACCOUNTS[0].0.to_string()
            }
            SUBSEQUENT => {
                let token = request.header("User-Token").unwrap_or_default();
                let entry = self
                    .user_tokens
                    .lock()
                    .expect("user tokens lock")
                    .remove(token);
                match entry {
                    Some(entry) if entry.expires_at > now => entry.account_id,
                    _ => {
                        return error(
                            401,
                            "invalid_user_token",
                            "the User-Token is unknown, used or expired",
                        );
                    }
                }
            }
            _ => {
                let user = parameters
                    .get("Username")
                    .map(String::as_str)
                    .unwrap_or_default();
                if parameters.get("Password").map(String::as_str) != Some(fx::PASSWORD)
                    || ![fx::USERNAME, fx::HOUSEHOLD_USERNAME].contains(&user)
                {
                    return error(
                        401,
                        "invalid_credentials",
                        "the username or password is wrong",
                    );
                }
                if user == fx::HOUSEHOLD_USERNAME {
                    return self.several_accounts(state, now);
                }
                fx::ACCOUNTS[0].0.to_string()
            }
        };
        let answer = self.issue(&account_id, &client_id, now, now + FIXED_CAP);
        Reply::json(201, &answer)
    }

    /// The client id the call signs on as: a known `clientId`, or a new device.
    fn device(&self, body: &Value) -> Result<String, Reply> {
        let mut devices = self.devices.lock().expect("devices lock");
        match (
            body.get("clientId").and_then(Value::as_str),
            body.get("deviceInformation"),
        ) {
            (Some(_), Some(_)) => Err(error(
                400,
                "bad_body",
                "send clientId or deviceInformation, not both",
            )),
            (Some(client_id), None) if devices.contains(client_id) => Ok(client_id.to_string()),
            (Some(_), None) => Err(error(
                403,
                "20003",
                "the device was deleted (platform code 20003)",
            )),
            (None, Some(Value::Object(_))) => {
                let number = self.registered.fetch_add(1, Ordering::SeqCst);
                let client_id = format!("SBX_{}", 100 + number);
                devices.insert(client_id.clone());
                Ok(client_id)
            }
            _ => Err(error(
                400,
                "bad_body",
                "a first sign-on sends deviceInformation (an object); later ones clientId",
            )),
        }
    }

    fn several_accounts(&self, state: &SandboxState, now: OffsetDateTime) -> Reply {
        let as_string = state.variant(ACCOUNTS_ENDPOINT).as_deref() == Some("string");
        let mut tokens = self.user_tokens.lock().expect("user tokens lock");
        let accounts: Vec<Value> = fx::ACCOUNTS
            .iter()
            .map(|(id, name)| {
                let token = issue_secret(24);
                tokens.insert(
                    token.clone(),
                    UserToken {
                        account_id: id.to_string(),
                        expires_at: now + USER_TOKEN_LIFETIME,
                    },
                );
                let information = if as_string {
                    json!(format!("{name} ({id})"))
                } else {
                    json!({"accountId": id, "displayName": name})
                };
                json!({"accountInformation": information, "userAccountToken": token})
            })
            .collect();
        Reply::json(300, &json!({ "accounts": accounts }))
    }

    fn refresh(&self, request: &Request, now: OffsetDateTime, expire: bool) -> Reply {
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return error(400, "bad_body", "the body must be JSON with parameters");
        };
        if !body.get("parameters").is_some_and(Value::is_array) {
            return error(400, "bad_body", "the body must carry a parameters array");
        }
        let token = raw_token(request);
        let entry = self.refresh.lock().expect("refresh lock").remove(token);
        let Some(entry) = entry else {
            return error(
                401,
                "invalid_refresh_token",
                "the refresh token is unknown or was used already",
            );
        };
        if expire || now >= entry.expires_at {
            let code = if now >= entry.fixed_expires_at {
                "fixed_refresh_expired"
            } else {
                "refresh_expired"
            };
            return error(401, code, "the refresh token has expired; sign on again");
        }
        let answer = self.issue(
            &entry.account_id,
            &entry.client_id,
            now,
            entry.fixed_expires_at,
        );
        Reply::json(200, &answer)
    }

    fn sign_out(&self, request: &Request, now: OffsetDateTime) -> Reply {
        let token = raw_token(request);
        match self.access.lock().expect("access lock").remove(token) {
            Some(access) if access.expires_at > now => {
                Reply::json(200, &json!({"status": "signed out"}))
            }
            _ => error(
                401,
                "invalid_access_token",
                "the access token is unknown or expired",
            ),
        }
    }

    /// A fresh token pair; the refresh token lives for the window, never past the fixed cap.
    fn issue(
        &self,
        account_id: &str,
        client_id: &str,
        now: OffsetDateTime,
        fixed: OffsetDateTime,
    ) -> Value {
        let access_expires = now + ACCESS_LIFETIME;
        let refresh_expires = (now + REFRESH_WINDOW).min(fixed);
        let claims = |typ: &str, exp: OffsetDateTime| {
            json!({"accountId": account_id, "deviceId": client_id, "tenantId": fx::TENANT, "typ": typ,
                "exp": exp.unix_timestamp(), "fixed_exp": fixed.unix_timestamp(), "jti": random_token(12)})
        };
        let access = issued(jwt(&claims("DevAuthN", access_expires)));
        let refresh = issued(jwt(&claims("RefreshAuthN", refresh_expires)));
        self.access.lock().expect("access lock").insert(
            access.clone(),
            Access {
                expires_at: access_expires,
            },
        );
        self.refresh.lock().expect("refresh lock").insert(
            refresh.clone(),
            Refresh {
                account_id: account_id.into(),
                client_id: client_id.into(),
                expires_at: refresh_expires,
                fixed_expires_at: fixed,
            },
        );
        json!({
            "access_token": access,
            "refresh_token": refresh,
            "client_id": client_id,
            "accountId": account_id,
            "token_type": "bearer",
            "expires_in": ACCESS_LIFETIME.as_secs(),
            "refresh_expires_in": (refresh_expires - now).whole_seconds(),
            "fixed_refresh_expires_in": (fixed - now).whole_seconds(),
        })
    }
}

impl FakeService for AgsFake {
    const PROVIDER: ProviderId = crate::core::provider::ags::ID;
    const ENDPOINTS: &'static [&'static str] = &ENDPOINTS;
    const VARIANTS: &'static [(&'static str, &'static [&'static str])] = &[
        (ERRORS_ENDPOINT, &ERROR_VARIANTS),
        (ACCOUNTS_ENDPOINT, &ACCOUNT_VARIANTS),
        (SIGN_ON_SESSION, &SESSION_VARIANTS),
    ];

    fn new(_origin: &str) -> Self {
        Self::default()
    }

    async fn serve(&self, state: &SandboxState, request: &Request, _origin: &str) -> Handled {
        self.handle(state, request).await.into()
    }

    fn settings(&self, origin: &str) -> Value {
        json!({"base_url": origin})
    }

    fn demo_accounts(&self, origin: &str) -> Vec<DemoAccount> {
        let account = demo_account(
            super::fixtures::AGS_DEMO,
            Self::PROVIDER,
            "An AGS session kept fresh with access and refresh tokens.",
            &[
                ("base_url", origin),
                ("tenant_id", fx::TENANT),
                ("auth_service_id", fx::SERVICE_ID),
            ],
        );
        let secret = (
            "session_token".into(),
            crate::core::secret::SecretString::new(fx::SESSION_TOKEN),
        );
        vec![(account, vec![secret])]
    }

    fn control(&self, method: &str, route: &str, request: &Request) -> Option<Reply> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct PlatformError {
            code: u32,
            #[serde(default = "one")]
            times: u32,
        }
        match (method, route) {
            ("POST", "platform_error") => Some(with_body(request, |body: PlatformError| {
                if !(20000..=20099).contains(&body.code) {
                    return Err(
                        "platform codes run from 20000 to 20099 (20001 ... 20022 are documented)"
                            .into(),
                    );
                }
                self.queue_platform_error(body.code, body.times);
                Ok(json!({"ok": true}))
            })),
            ("POST", "delete_devices") => {
                self.delete_devices();
                Some(Reply::json(200, &json!({"ok": true})))
            }
            _ => None,
        }
    }
}
