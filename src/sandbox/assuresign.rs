//! A strict fake of AssureSign DocumentNOW v3.5 (see `shared/providers.md` §1).

use super::fake::{DemoAccount, FakeService, Handled, demo_account};
use crate::core::account::ProviderId;
use crate::core::secret::SecretString;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::faults::{FaultKind, after_fault, fault_reply};
use super::fixtures::assuresign as fx;
use super::pages;
use super::server::{Reply, Request};
use super::state::{SandboxState, issue_secret};
use crate::core::provider::assuresign::{
    AUTH_API_USER_PATH, AUTH_CREDENTIALS_PATH, SSO_PATH, SSO_TOKEN_LIFETIME,
};

pub const API_USER: &str = "assuresign.api_user";
pub const CREDENTIALS: &str = "assuresign.credentials";
pub const SSO: &str = "assuresign.sso";
pub const PAGE: &str = "assuresign.page";
pub const ENDPOINTS: [&str; 4] = [API_USER, CREDENTIALS, SSO, PAGE];
/// The two documented answer shapes of apiUser authentication.
pub const API_USER_VARIANTS: [&str; 2] = ["token", "result_token"];
const TITLE: &str = "AssureSign";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Bearer,
    UserSession,
}

#[derive(Debug)]
struct Session {
    user: String,
    scheme: Scheme,
    expires_at: OffsetDateTime,
    revoked: bool,
}

#[derive(Debug)]
struct SsoGrant {
    user: String,
    expires_at: OffsetDateTime,
    used: bool,
}

#[derive(Debug, Default)]
pub struct AssureSignFake {
    sessions: Mutex<HashMap<String, Session>>,
    grants: Mutex<HashMap<String, SsoGrant>>,
}

/// What a served page tells the sandbox's owner (demo mode waits for a signed-in page).
pub enum PageOutcome {
    SignedIn,
    Refused,
}

impl AssureSignFake {
    /// Routes a request; `None` when the path is not AssureSign's.
    pub async fn handle(
        &self,
        state: &SandboxState,
        request: &Request,
    ) -> Option<(Reply, Option<PageOutcome>)> {
        let endpoint = match request.path.as_str() {
            AUTH_API_USER_PATH => API_USER,
            AUTH_CREDENTIALS_PATH => CREDENTIALS,
            SSO_PATH => SSO,
            path if path.starts_with("/ui/") => PAGE,
            _ => return None,
        };
        let fault = state.record_call(endpoint);
        if let Some(fault) = fault {
            let server_error = || {
                error(
                    500,
                    "INTERNAL_SERVER_ERROR",
                    "An unexpected error occurred.",
                )
            };
            if let Some(reply) = fault_reply(fault, server_error).await {
                return Some((reply, None));
            }
        }
        let expire_presented = fault.is_some_and(|f| f.kind == FaultKind::ExpiredBearer);
        Some(match endpoint {
            API_USER => (after_fault(fault, self.api_user(state, request)), None),
            CREDENTIALS => (after_fault(fault, self.credentials(state, request)), None),
            SSO => (
                after_fault(fault, self.sso(state, request, expire_presented)),
                None,
            ),
            _ => {
                let (reply, outcome) = self.page(state, request);
                (reply, Some(outcome))
            }
        })
    }

    fn api_user(&self, state: &SandboxState, request: &Request) -> Reply {
        let body = match json_request(request) {
            Ok(body) => body,
            Err(reply) => return reply,
        };
        let field = |name: &str| body.pointer(&format!("/request/{name}"));
        let (Some(username), Some(key), Some(context)) = (
            field("apiUsername").and_then(Value::as_str),
            field("key").and_then(Value::as_str),
            field("contextUsername").and_then(Value::as_str),
        ) else {
            return error(
                400,
                "BAD_REQUEST",
                "request.apiUsername, request.key and request.contextUsername are required",
            );
        };
        let minutes = match field("sessionLengthInMinutes") {
            None => 60,
            Some(value) => match value.as_u64().filter(|m| (1..=1440).contains(m)) {
                Some(minutes) => minutes,
                None => {
                    return error(
                        400,
                        "BAD_REQUEST",
                        "sessionLengthInMinutes must be a whole number from 1 to 1440",
                    );
                }
            },
        };
        if username != fx::API_USERNAME || key != fx::API_KEY {
            return error(403, "FORBIDDEN", "The API user name or key is not valid.");
        }
        if !fx::CONTEXT_USERS.contains(&context) {
            return error(
                403,
                "FORBIDDEN",
                "The context user is not part of this account.",
            );
        }
        let token = self.open_session(state, context, Scheme::Bearer, minutes);
        match state.variant(API_USER).as_deref() {
            Some("result_token") => Reply::json(200, &json!({"result": {"token": token}})),
            _ => Reply::json(200, &json!({"token": token})),
        }
    }

    fn credentials(&self, state: &SandboxState, request: &Request) -> Reply {
        let body = match json_request(request) {
            Ok(body) => body,
            Err(reply) => return reply,
        };
        let field = |name: &str| body.pointer(&format!("/request/authRequest/{name}"));
        let (Some(username), Some(password)) = (
            field("username").and_then(Value::as_str),
            field("password").and_then(Value::as_str),
        ) else {
            return error(
                400,
                "BAD_REQUEST",
                "request.authRequest.username and password are required",
            );
        };
        if username != fx::USERNAME || password != fx::PASSWORD {
            return error(403, "FORBIDDEN", "The user name or password is not valid.");
        }
        let minutes = field("sessionLength")
            .and_then(Value::as_u64)
            .filter(|m| (1..=1440).contains(m))
            .unwrap_or(1440);
        let token = self.open_session(state, fx::CONTEXT_USERS[0], Scheme::UserSession, minutes);
        Reply::json(
            200,
            &json!({"result": {
                "sessionToken": token,
                "accounts": [{"accountId": "a0d1c7e2", "roleId": "r-admin", "name": "Sandbox account", "isPrimary": true}],
                "lastLoginDate": crate::core::clock::rfc3339(state.now()),
            }}),
        )
    }

    fn sso(&self, state: &SandboxState, request: &Request, expire_presented: bool) -> Reply {
        if request.method != "POST" {
            return error(405, "METHOD_NOT_ALLOWED", "authentication/sso takes POST");
        }
        // No body is required; `{}` and `{"request":{}}` are also seen in the wild.
        let body_ok = request.body.iter().all(u8::is_ascii_whitespace)
            || matches!(serde_json::from_slice::<Value>(&request.body), Ok(v) if v == json!({}) || v == json!({"request": {}}));
        if !body_ok {
            return error(400, "BAD_REQUEST", "authentication/sso takes no body");
        }
        let Some((scheme, token)) = request
            .header("authorization")
            .and_then(parse_authorization)
        else {
            return error(
                403,
                "FORBIDDEN",
                "An Authorization header with a session token is required.",
            );
        };
        let now = state.now();
        let user = {
            let mut sessions = self.sessions.lock().expect("sessions lock");
            let Some(session) = sessions.get_mut(token) else {
                return error(403, "FORBIDDEN", "The session token is not valid.");
            };
            if expire_presented {
                session.revoked = true;
            }
            if session.scheme != scheme || session.revoked || now >= session.expires_at {
                return error(
                    403,
                    "FORBIDDEN",
                    "The session token is invalid or has expired.",
                );
            }
            session.user.clone()
        };
        let user = match request.header("x-as-usercontext") {
            None => user,
            Some(context) => match context.split_once(':') {
                Some((name, id)) if fx::CONTEXT_USERS.contains(&name) && !id.is_empty() => {
                    name.to_string()
                }
                _ => {
                    return error(
                        403,
                        "FORBIDDEN",
                        "X-AS-UserContext names no user this session may act as.",
                    );
                }
            },
        };
        let sso_token = issue_secret(32);
        let expires_at = now + SSO_TOKEN_LIFETIME;
        self.grants.lock().expect("grants lock").insert(
            sso_token.clone(),
            SsoGrant {
                user,
                expires_at,
                used: false,
            },
        );
        Reply::json(200, &json!({"result": {"ssoToken": sso_token}}))
    }

    fn page(&self, state: &SandboxState, request: &Request) -> (Reply, PageOutcome) {
        let refuse = |why: &str| {
            (
                Reply::html(403, pages::failure(TITLE, why)),
                PageOutcome::Refused,
            )
        };
        if request.method != "GET" {
            return refuse("This page is opened with GET.");
        }
        let Some(token) = request.query_param("ssoToken") else {
            return refuse("The link has no ssoToken. Please sign in.");
        };
        let mut grants = self.grants.lock().expect("grants lock");
        let Some(grant) = grants.get_mut(token) else {
            return refuse("The ssoToken is not valid.");
        };
        if grant.used {
            return refuse("This ssoToken has already been used; each link works once.");
        }
        if state.now() >= grant.expires_at {
            return refuse("This ssoToken has expired: links are valid for 30 seconds.");
        }
        grant.used = true;
        let page = request.path.trim_start_matches("/ui/");
        let detail = match page.split_once('/') {
            Some(("simpleSetup", envelope)) => {
                format!("Simple Setup is open for prepared envelope {envelope}.")
            }
            None if page == "simpleSetup" => "Simple Setup is open.".to_string(),
            _ => format!("The page /ui/{page} is open."),
        };
        (
            Reply::html(200, pages::signed_in(TITLE, &grant.user, &detail)),
            PageOutcome::SignedIn,
        )
    }

    fn open_session(
        &self,
        state: &SandboxState,
        user: &str,
        scheme: Scheme,
        minutes: u64,
    ) -> String {
        let token = issue_secret(48);
        let session = Session {
            user: user.to_string(),
            scheme,
            expires_at: state.now() + Duration::from_secs(minutes * 60),
            revoked: false,
        };
        self.sessions
            .lock()
            .expect("sessions lock")
            .insert(token.clone(), session);
        token
    }
}

fn parse_authorization(value: &str) -> Option<(Scheme, &str)> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let scheme = if scheme.eq_ignore_ascii_case("bearer") {
        Scheme::Bearer
    } else if scheme == "X-AS-UserSessionToken" {
        Scheme::UserSession
    } else {
        return None;
    };
    Some((scheme, token.trim()))
}

/// A POST with a JSON body, or the error reply the real service gives.
fn json_request(request: &Request) -> Result<Value, Reply> {
    if request.method != "POST" {
        return Err(error(
            405,
            "METHOD_NOT_ALLOWED",
            "This operation takes POST.",
        ));
    }
    let is_json = request
        .header("content-type")
        .is_some_and(|value| value.to_ascii_lowercase().starts_with("application/json"));
    if !is_json {
        return Err(error(
            415,
            "BAD_REQUEST",
            "Send the request as application/json.",
        ));
    }
    serde_json::from_slice(&request.body)
        .map_err(|_| error(400, "BAD_REQUEST", "The request body is not valid JSON."))
}

/// The documented error envelope.
fn error(status: u16, code: &str, summary: &str) -> Reply {
    Reply::json(
        status,
        &json!({"errorCode": code, "summary": summary, "details": []}),
    )
}

impl FakeService for AssureSignFake {
    const PROVIDER: ProviderId = crate::core::provider::assuresign::ID;
    const ENDPOINTS: &'static [&'static str] = &ENDPOINTS;
    const VARIANTS: &'static [(&'static str, &'static [&'static str])] =
        &[(API_USER, &API_USER_VARIANTS)];

    fn new(_origin: &str) -> Self {
        Self::default()
    }

    async fn serve(&self, state: &SandboxState, request: &Request, _origin: &str) -> Handled {
        match self.handle(state, request).await {
            Some((reply, page)) => Handled {
                reply,
                signed_in_page: matches!(page, Some(PageOutcome::SignedIn)),
            },
            None => error(404, "NOT_FOUND", &format!("No route for {}", request.path)).into(),
        }
    }

    fn settings(&self, origin: &str) -> Value {
        json!({"auth_base_url": origin, "api_base_url": origin})
    }

    fn demo_accounts(&self, origin: &str) -> Vec<DemoAccount> {
        let mut account = demo_account(
            super::fixtures::ASSURESIGN_DEMO,
            Self::PROVIDER,
            "Signs in to the built-in sandbox; nothing leaves this computer.",
            &[
                ("auth_base_url", origin),
                ("api_base_url", origin),
                ("api_username", fx::API_USERNAME),
                ("context_username", fx::CONTEXT_USERS[0]),
            ],
        );
        account.favourite = true;
        vec![(
            account,
            vec![("api_key".into(), SecretString::new(fx::API_KEY))],
        )]
    }

    fn demo_credentials(&self) -> Option<Value> {
        Some(json!({
            "api_username": fx::API_USERNAME,
            "api_key": fx::API_KEY,
            "context_usernames": fx::CONTEXT_USERS,
            "username": fx::USERNAME,
            "password": fx::PASSWORD,
        }))
    }
}
