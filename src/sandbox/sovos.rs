//! A strict fake of Sovos Signer's identity provider (see `shared/providers.md` §5): an
//! OpenID provider on its own port. This step serves discovery, the signing keys and the
//! token endpoint's `client_credentials` grant.

use super::fake::{DemoAccount, FakeService, Handled, demo_account};
use crate::core::account::ProviderId;
use crate::core::secret::SecretString;
use openidconnect::JsonWebKeyId;
use openidconnect::core::CoreRsaPrivateSigningKey;
use serde_json::json;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine as _;
use time::OffsetDateTime;

use super::faults::{FaultKind, after_fault, fault_reply};
use super::fixtures::sovos as fx;
use super::server::{Reply, Request};
use super::sovos_code::{Client, CodeFlow};
use super::state::{SandboxState, issue_secret};

pub const DISCOVERY: &str = "sovos.discovery";
pub const JWKS: &str = "sovos.jwks";
pub const TOKEN: &str = "sovos.token";
/// `other_subject_on_refresh`: a refresh's ID token names another user than the sign-in's;
/// the others give an ID token a client must refuse, each for one reason.
pub const TOKEN_VARIANTS: [&str; 9] = [
    "plain",
    "echo_secret",
    "other_subject_on_refresh",
    "bad_signature",
    "alg_none",
    "wrong_aud",
    "wrong_iss",
    "expired",
    "at_hash_mismatch",
];
pub const AUTHORIZE: &str = "sovos.authorize";
pub const LOGIN: &str = "sovos.login";
pub const ENDPOINTS: [&str; 5] = [DISCOVERY, JWKS, TOKEN, AUTHORIZE, LOGIN];
pub const TOKEN_PATH: &str = "/oauth2/token";
pub const AUTHORIZE_PATH: &str = "/oauth2/auth";
pub const LOGIN_PATH: &str = "/oauth2/login";
/// "OAuth tokens are valid for 60 minutes."
pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(60 * 60);

pub const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";
pub const JWKS_PATH: &str = "/.well-known/jwks.json";
pub const SIGNING_KEY_ID: &str = "sandbox-sovos-1";
/// A published test key: it signs sandbox tokens only, and is parsed, never generated, at start.
const SIGNING_KEY_PEM: &str = include_str!("../../assets/sandbox/oidc-signing-key.pem");

pub struct SovosFake {
    issuer: String,
    /// Issued API tokens and when they expire (for the Signer API, later).
    api_tokens: Mutex<HashMap<String, OffsetDateTime>>,
    code_flow: CodeFlow,
}

impl SovosFake {
    pub fn with_issuer(issuer: String) -> Self {
        let signing_key = CoreRsaPrivateSigningKey::from_pem(
            SIGNING_KEY_PEM,
            Some(JsonWebKeyId::new(SIGNING_KEY_ID.into())),
        )
        .expect("the bundled sandbox key is a valid PKCS#1 RSA key");
        Self {
            code_flow: CodeFlow::new(issuer.clone(), signing_key),
            issuer,
            api_tokens: Mutex::default(),
        }
    }

    pub async fn handle(&self, state: &SandboxState, request: &Request) -> Reply {
        let endpoint = match request.path.as_str() {
            DISCOVERY_PATH => DISCOVERY,
            JWKS_PATH => JWKS,
            TOKEN_PATH => TOKEN,
            AUTHORIZE_PATH => AUTHORIZE,
            LOGIN_PATH => LOGIN,
            _ => return error(404, "not_found", &format!("no route for {}", request.path)),
        };
        let fault = state.record_call(endpoint);
        if let Some(fault) = fault
            && let Some(reply) =
                fault_reply(fault, || error(500, "server_error", "internal error")).await
        {
            return reply;
        }
        match (endpoint, request.method.as_str()) {
            (TOKEN, _) if fault.is_some_and(|fault| fault.kind == FaultKind::ExpiredBearer) => {
                // The client secret or refresh token presented counts as revoked.
                return error(401, "invalid_client", "the client credentials have expired");
            }
            (TOKEN, _) => return after_fault(fault, self.token(state, request)),
            (AUTHORIZE, "GET") => return self.code_flow.authorize(request),
            (LOGIN, "POST") => return self.code_flow.login(state, request),
            (AUTHORIZE | LOGIN, _) => return error(405, "invalid_request", "wrong method"),
            _ => {}
        }
        if request.method != "GET" {
            return error(405, "invalid_request", "use GET");
        }
        match endpoint {
            DISCOVERY => Reply::json(200, &self.discovery()),
            _ => {
                let keys = self.code_flow.jwks();
                Reply::json(200, &serde_json::to_value(keys).expect("JWKS serialises"))
            }
        }
    }

    fn token(&self, state: &SandboxState, request: &Request) -> Reply {
        if request.method != "POST" {
            return error(405, "invalid_request", "the token endpoint takes POST");
        }
        let is_form = request.header("content-type").is_some_and(|value| {
            value
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
        if !is_form {
            return error(
                400,
                "invalid_request",
                "send the parameters as application/x-www-form-urlencoded",
            );
        }
        let form = request.form();
        let client = match authenticate_client(state, request, &form) {
            Ok(client) => client,
            Err(reply) => return reply,
        };
        match form.get("grant_type").map(String::as_str) {
            Some("client_credentials") => self.client_credentials(state, &client, &form),
            Some("authorization_code") => self.code_flow.exchange_code(state, &client, &form),
            Some("refresh_token") => self.code_flow.refresh(state, &client, &form),
            Some(other) => error(
                400,
                "unsupported_grant_type",
                &format!("grant_type {other} is not supported here"),
            ),
            None => error(400, "invalid_request", "grant_type is required"),
        }
    }

    /// `client_credentials` with `audience`, for the confidential client only.
    fn client_credentials(
        &self,
        state: &SandboxState,
        client: &Client,
        form: &HashMap<String, String>,
    ) -> Reply {
        if client.id != fx::CLIENT_ID {
            return error(
                400,
                "unauthorized_client",
                "a public client may not use client_credentials",
            );
        }
        if form.get("audience").map(String::as_str) != Some(fx::AUDIENCE) {
            return error(
                400,
                "invalid_request",
                &format!("audience must be {}", fx::AUDIENCE),
            );
        }
        let token = issue_secret(32);
        let expires_at = state.now() + ACCESS_TOKEN_LIFETIME;
        self.api_tokens
            .lock()
            .expect("tokens lock")
            .insert(token.clone(), expires_at);
        Reply::json(
            200,
            &json!({
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": ACCESS_TOKEN_LIFETIME.as_secs(),
            }),
        )
    }

    fn discovery(&self) -> serde_json::Value {
        let at = |path: &str| format!("{}{path}", self.issuer);
        json!({
            "issuer": self.issuer,
            "authorization_endpoint": at("/oauth2/auth"),
            "token_endpoint": at("/oauth2/token"),
            "jwks_uri": at(JWKS_PATH),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email", "phone", "birthdate", "credential", "offline", "offline_access"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "none"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "code_challenge_methods_supported": ["S256"],
            "acr_values_supported": ["urn:acr:face", "urn:acr:fpt", "urn:acr:moc-fpt"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "at_hash", "name", "email", "phone_number", "birthdate"],
        })
    }
}

/// The confidential client authenticates with client_secret_basic only (as the docs ask);
/// the public client names itself in the body and has no secret.
fn authenticate_client(
    state: &SandboxState,
    request: &Request,
    form: &HashMap<String, String>,
) -> Result<Client, Reply> {
    if form.contains_key("client_secret") {
        return Err(error(
            400,
            "invalid_request",
            "this client authenticates with client_secret_basic, not a secret in the body",
        ));
    }
    match (
        basic_credentials(request),
        form.get("client_id").map(String::as_str),
    ) {
        (Some((id, secret)), _) if id == fx::CLIENT_ID && secret == fx::CLIENT_SECRET => {
            Ok(Client { id })
        }
        // The `echo_secret` variant: a careless server quotes the refused secret back, with
        // terminal escapes.
        (Some((_, secret)), _) if state.variant(TOKEN).as_deref() == Some("echo_secret") => {
            Err(error(
                401,
                "invalid_client",
                &format!("client secret {secret} is not valid\x1b[2J\x1b[31m"),
            ))
        }
        (Some(_), _) => Err(error(401, "invalid_client", "client authentication failed")),
        (None, Some(fx::PUBLIC_CLIENT_ID)) => Ok(Client {
            id: fx::PUBLIC_CLIENT_ID.into(),
        }),
        (None, _) => Err(error(
            401,
            "invalid_client",
            "client_secret_basic authentication is required",
        )),
    }
}

/// Client id and secret from `Authorization: Basic`, each form-decoded (RFC 6749 §2.3.1).
fn basic_credentials(request: &Request) -> Option<(String, String)> {
    let encoded = request.header("authorization")?.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    let decode = |part: &str| {
        url::form_urlencoded::parse(format!("v={part}").as_bytes())
            .next()
            .map(|(_, value)| value.into_owned())
    };
    Some((decode(id)?, decode(secret)?))
}

/// The OAuth error body Sovos documents.
fn error(status: u16, code: &str, description: &str) -> Reply {
    Reply::json(
        status,
        &json!({"error": code, "error_description": description}),
    )
}

impl FakeService for SovosFake {
    const PROVIDER: ProviderId = crate::core::provider::sovos::ID;
    const ENDPOINTS: &'static [&'static str] = &ENDPOINTS;
    const VARIANTS: &'static [(&'static str, &'static [&'static str])] =
        &[(TOKEN, &TOKEN_VARIANTS)];

    fn new(origin: &str) -> Self {
        Self::with_issuer(origin.to_string())
    }

    async fn serve(&self, state: &SandboxState, request: &Request, _origin: &str) -> Handled {
        self.handle(state, request).await.into()
    }

    fn settings(&self, origin: &str) -> serde_json::Value {
        json!({"issuer": origin})
    }

    fn demo_accounts(&self, origin: &str) -> Vec<DemoAccount> {
        let browser = demo_account(
            super::fixtures::SOVOS_DEMO,
            Self::PROVIDER,
            "Signs in through your browser on the sandbox's Sovos login page.",
            &[("issuer", origin), ("client_id", fx::PUBLIC_CLIENT_ID)],
        );
        let api = demo_account(
            super::fixtures::SOVOS_API_DEMO,
            Self::PROVIDER,
            "An API token for the sandbox's Sovos Signer (client_credentials).",
            &[
                ("issuer", origin),
                ("client_id", fx::CLIENT_ID),
                ("grant", "client_credentials"),
            ],
        );
        let secret = ("client_secret".into(), SecretString::new(fx::CLIENT_SECRET));
        vec![(browser, Vec::new()), (api, vec![secret])]
    }

    fn demo_credentials(&self) -> Option<serde_json::Value> {
        Some(json!({"client_id": fx::CLIENT_ID, "client_secret": fx::CLIENT_SECRET}))
    }
}
