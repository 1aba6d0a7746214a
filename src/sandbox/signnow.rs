//! A strict fake of signNow's OAuth 2 (see `shared/providers.md` §4), on its own port: the
//! token endpoint (password, authorization_code, refresh_token; the Basic token on every
//! grant; urlencoded or multipart bodies), token verification, and the authorize page, which
//! redirects only to exactly registered URIs (set through the control API).

use super::control::with_body;
use super::fake::{DemoAccount, FakeService, Handled, demo_account};
use crate::core::account::ProviderId;
use crate::core::secret::SecretString;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{Value, json};
use time::OffsetDateTime;
use url::Url;

use super::faults::{FaultKind, after_fault, fault_reply};
use super::fixtures::signnow as fx;
use super::server::{Reply, Request};
use super::state::{SandboxState, issue_secret, random_token};
use crate::core::loopback::pages::escape_html as escape;

pub const TOKEN: &str = "signnow.token";
pub const VERIFY: &str = "signnow.verify";
pub const AUTHORIZE: &str = "signnow.authorize";
pub const ENDPOINTS: [&str; 3] = [TOKEN, VERIFY, AUTHORIZE];
/// How `expires_in` is written: a number (the docs' token example), a string (the verify
/// example), or an absolute epoch time (the authorization-code example).
pub const EXPIRES_VARIANTS: [&str; 3] = ["number", "string", "absolute"];
/// The two error dialects: `{"error":..}` and `{"errors":[{"code","message"}]}`.
pub const ERROR_VARIANTS: [&str; 2] = ["oauth", "errors"];
pub const ERRORS_ENDPOINT: &str = "signnow.errors";
const ACCESS_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);
const CODE_LIFETIME: Duration = Duration::from_secs(60);

struct Issued {
    expires_at: OffsetDateTime,
}

struct Code {
    redirect_uri: String,
    expires_at: OffsetDateTime,
}

#[derive(Default)]
pub struct SignNowFake {
    access: Mutex<HashMap<String, Issued>>,
    refresh: Mutex<HashMap<String, ()>>,
    codes: Mutex<HashMap<String, Code>>,
    /// Pending authorize requests by transaction: (redirect_uri, state).
    pending: Mutex<HashMap<String, (String, String)>>,
    registered: Mutex<Vec<String>>,
}

impl SignNowFake {
    /// Registers exact redirect URIs (as in the app's dashboard).
    pub fn register_redirect_uris(&self, uris: Vec<String>) {
        self.registered
            .lock()
            .expect("registered lock")
            .extend(uris);
    }

    pub async fn handle(&self, state: &SandboxState, request: &Request) -> Reply {
        let endpoint = match (request.path.as_str(), request.method.as_str()) {
            ("/oauth2/token", "POST") => TOKEN,
            ("/oauth2/token", "GET") => VERIFY,
            ("/authorize" | "/authorize/login", _) => AUTHORIZE,
            _ => {
                return Reply::json(
                    404,
                    &json!({"errors": [{"code": 404, "message": "Not found"}]}),
                );
            }
        };
        let fault = state.record_call(endpoint);
        if let Some(fault) = fault
            && let Some(reply) = fault_reply(fault, || {
                error(state, 500, "server_error", "Internal error")
            })
            .await
        {
            return reply;
        }
        if endpoint == TOKEN && fault.is_some_and(|fault| fault.kind == FaultKind::ExpiredBearer) {
            // Whatever grant was presented counts as revoked.
            return error(
                state,
                400,
                "invalid_grant",
                "the grant has expired or been revoked",
            );
        }
        let reply = match (endpoint, request.path.as_str()) {
            (TOKEN, _) => self.token(state, request),
            (VERIFY, _) => self.verify(state, request),
            (_, "/authorize") => self.authorize(request),
            _ => self.login(state, request),
        };
        after_fault(fault, reply)
    }

    fn token(&self, state: &SandboxState, request: &Request) -> Reply {
        // Every grant needs the app's Basic token, exactly as the dashboard shows it.
        if request.header("authorization") != Some(&format!("Basic {}", fx::BASIC_TOKEN)) {
            return error(state, 401, "invalid_client", "Incorrect basic auth token");
        }
        let Some(form) = form_fields(request) else {
            return error(
                state,
                400,
                "invalid_request",
                "send the parameters as a form (multipart or urlencoded)",
            );
        };
        let field = |name: &str| form.get(name).map(String::as_str).unwrap_or("");
        if !matches!(field("scope"), "" | "*") {
            return error(state, 400, "invalid_scope", "invalid scope");
        }
        match field("grant_type") {
            "password" => {
                if field("username").is_empty() || field("password").is_empty() {
                    return error(
                        state,
                        400,
                        "invalid_request",
                        "username and password are required",
                    );
                }
                if field("username") != fx::USER_EMAIL || field("password") != fx::USER_PASSWORD {
                    return error(state, 400, "invalid_grant", "Invalid credentials.");
                }
            }
            "authorization_code" => {
                let Some(code) = self.codes.lock().expect("codes lock").remove(field("code"))
                else {
                    return error(state, 400, "invalid_grant", "the code is not valid");
                };
                if state.now() >= code.expires_at {
                    return error(state, 400, "invalid_grant", "the code has expired");
                }
                if !field("redirect_uri").is_empty() && field("redirect_uri") != code.redirect_uri {
                    return error(state, 400, "invalid_grant", "redirect_uri does not match");
                }
            }
            "refresh_token" => {
                // Single use: a second refresh with the same token fails.
                if self
                    .refresh
                    .lock()
                    .expect("refresh lock")
                    .remove(field("refresh_token"))
                    .is_none()
                {
                    return error(
                        state,
                        400,
                        "invalid_grant",
                        "the refresh token is not valid",
                    );
                }
            }
            "" => return error(state, 400, "invalid_request", "grant_type is required"),
            _ => {
                return error(
                    state,
                    400,
                    "unsupported_grant_type",
                    "unsupported grant type",
                );
            }
        }
        let access_token = issue_secret(32);
        let refresh_token = issue_secret(32);
        let now = state.now();
        self.access.lock().expect("access lock").insert(
            access_token.clone(),
            Issued {
                expires_at: now + ACCESS_LIFETIME,
            },
        );
        self.refresh
            .lock()
            .expect("refresh lock")
            .insert(refresh_token.clone(), ());
        Reply::json(
            200,
            &json!({
                "expires_in": expires_in(state, TOKEN, ACCESS_LIFETIME),
                "token_type": "bearer",
                "access_token": access_token,
                "refresh_token": refresh_token,
                "scope": "*",
                "last_login": 1,
            }),
        )
    }

    fn verify(&self, state: &SandboxState, request: &Request) -> Reply {
        let presented = request
            .header("authorization")
            .and_then(|value| value.strip_prefix("Bearer "))
            .unwrap_or("");
        let remaining = self
            .access
            .lock()
            .expect("access lock")
            .get(presented)
            .map(|issued| issued.expires_at - state.now());
        match remaining {
            Some(left) if left.is_positive() => Reply::json(
                200,
                &json!({
                    "access_token": presented,
                    "scope": "*",
                    // The docs show it as a string here.
                    "expires_in": left.whole_seconds().to_string(),
                    "token_type": "bearer",
                }),
            ),
            _ => error(
                state,
                401,
                "invalid_token",
                "Invalid token or token expired",
            ),
        }
    }

    fn authorize(&self, request: &Request) -> Reply {
        let param = |name: &str| request.query_param(name).unwrap_or("").to_string();
        if param("client_id") != fx::CLIENT_ID {
            return Reply::html(
                400,
                crate::core::loopback::pages::failure(
                    "Unknown application",
                    "The client_id is not a registered application.",
                ),
            );
        }
        let redirect_uri = param("redirect_uri");
        if !self
            .registered
            .lock()
            .expect("registered lock")
            .contains(&redirect_uri)
        {
            return Reply::html(
                400,
                crate::core::loopback::pages::failure(
                    "Redirect URI not registered",
                    "The redirect_uri must match one registered for the application exactly.",
                ),
            );
        }
        if param("response_type") != "code" {
            return Reply::html(
                400,
                crate::core::loopback::pages::failure("Unsupported", "response_type must be code."),
            );
        }
        let transaction = random_token(16);
        self.pending
            .lock()
            .expect("pending lock")
            .insert(transaction.clone(), (redirect_uri, param("state")));
        Reply::html(
            200,
            format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>signNow sandbox: sign in</title></head><body>\
             <h1>Sign in to signNow (sandbox)</h1><form method=\"post\" action=\"/authorize/login\">\
             <input type=\"hidden\" name=\"transaction\" value=\"{transaction}\">\
             <label>E-mail <input name=\"username\" value=\"{user}\"></label> <label>Password <input name=\"password\" type=\"password\"></label>\
             <p>Sandbox password: <code>{password}</code></p>\
             <button name=\"decision\" value=\"allow\">Sign in and allow</button> <button name=\"decision\" value=\"deny\">Deny</button></form></body></html>",
                transaction = escape(&transaction),
                user = escape(fx::USER_EMAIL),
                password = escape(fx::USER_PASSWORD),
            ),
        )
    }

    fn login(&self, state: &SandboxState, request: &Request) -> Reply {
        let form = request.form();
        let field = |name: &str| form.get(name).map(String::as_str).unwrap_or("");
        let Some((redirect_uri, client_state)) = self
            .pending
            .lock()
            .expect("pending lock")
            .remove(field("transaction"))
        else {
            return Reply::html(
                400,
                crate::core::loopback::pages::failure(
                    "Sign-in expired",
                    "Start again from the application.",
                ),
            );
        };
        let mut target = Url::parse(&redirect_uri).expect("registered URIs are URLs");
        if field("decision") != "allow"
            || field("username") != fx::USER_EMAIL
            || field("password") != fx::USER_PASSWORD
        {
            target
                .query_pairs_mut()
                .append_pair("error", "access_denied")
                .append_pair("error_description", "The user did not grant access");
        } else {
            let code = issue_secret(24);
            self.codes.lock().expect("codes lock").insert(
                code.clone(),
                Code {
                    redirect_uri,
                    expires_at: state.now() + CODE_LIFETIME,
                },
            );
            target.query_pairs_mut().append_pair("code", &code);
        }
        if !client_state.is_empty() {
            target.query_pairs_mut().append_pair("state", &client_state);
        }
        Reply::Redirect(target.to_string())
    }
}

fn expires_in(state: &SandboxState, endpoint: &str, lifetime: Duration) -> Value {
    match state.variant(endpoint).as_deref() {
        Some("string") => lifetime.as_secs().to_string().into(),
        Some("absolute") => (state.now() + lifetime).unix_timestamp().into(),
        _ => lifetime.as_secs().into(),
    }
}

/// The error in the dialect chosen for the sandbox (`oauth` by default).
fn error(state: &SandboxState, status: u16, code: &str, message: &str) -> Reply {
    match state.variant(ERRORS_ENDPOINT).as_deref() {
        Some("errors") => Reply::json(
            status,
            &json!({"errors": [{"code": status, "message": format!("{code}: {message}")}]}),
        ),
        _ => Reply::json(
            status,
            &json!({"error": code, "error_description": message}),
        ),
    }
}

/// The form fields of a urlencoded or multipart/form-data body (the docs show multipart; the
/// SDKs send urlencoded). `None` for any other body.
fn form_fields(request: &Request) -> Option<HashMap<String, String>> {
    let content_type = request.header("content-type")?.to_ascii_lowercase();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        return Some(request.form());
    }
    let boundary = content_type
        .strip_prefix("multipart/form-data")?
        .split("boundary=")
        .nth(1)?;
    let original = request.header("content-type")?;
    let boundary = &original[original.len() - boundary.len()..];
    let body = String::from_utf8_lossy(&request.body);
    let mut fields = HashMap::new();
    for part in body.split(&format!("--{boundary}")) {
        let Some((head, value)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let name = head
            .split("name=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next());
        if let Some(name) = name {
            fields.insert(name.to_string(), value.trim_end_matches("\r\n").to_string());
        }
    }
    Some(fields)
}

impl FakeService for SignNowFake {
    const PROVIDER: ProviderId = crate::core::provider::signnow::ID;
    const ENDPOINTS: &'static [&'static str] = &ENDPOINTS;
    const VARIANTS: &'static [(&'static str, &'static [&'static str])] = &[
        (TOKEN, &EXPIRES_VARIANTS),
        (ERRORS_ENDPOINT, &ERROR_VARIANTS),
    ];

    fn new(_origin: &str) -> Self {
        Self::default()
    }

    async fn serve(&self, state: &SandboxState, request: &Request, _origin: &str) -> Handled {
        self.handle(state, request).await.into()
    }

    fn settings(&self, origin: &str) -> Value {
        json!({"api_base_url": origin, "app_base_url": origin})
    }

    fn demo_accounts(&self, origin: &str) -> Vec<DemoAccount> {
        let account = demo_account(
            super::fixtures::SIGNNOW_DEMO,
            Self::PROVIDER,
            "A signNow token (password grant) from the sandbox.",
            &[
                ("api_base_url", origin),
                ("app_base_url", origin),
                ("username", fx::USER_EMAIL),
            ],
        );
        let secrets = vec![
            ("basic_token".into(), SecretString::new(fx::BASIC_TOKEN)),
            ("password".into(), SecretString::new(fx::USER_PASSWORD)),
        ];
        vec![(account, secrets)]
    }

    fn demo_credentials(&self) -> Option<Value> {
        Some(json!({
            "basic_token": fx::BASIC_TOKEN,
            "client_id": fx::CLIENT_ID,
            "username": fx::USER_EMAIL,
            "password": fx::USER_PASSWORD,
        }))
    }

    fn control(&self, method: &str, route: &str, request: &Request) -> Option<Reply> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct RedirectUris {
            #[serde(rename = "provider")]
            _provider: String,
            uris: Vec<String>,
        }
        (method, route).eq(&("POST", "redirect_uris")).then(|| {
            with_body(request, |body: RedirectUris| {
                if let Some(bad) = body.uris.iter().find(|uri| Url::parse(uri).is_err()) {
                    return Err(format!("'{bad}' is not a URL"));
                }
                self.register_redirect_uris(body.uris);
                Ok(json!({"ok": true}))
            })
        })
    }
}
