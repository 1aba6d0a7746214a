//! A strict fake OpenID provider, as each OpenID Connect provider's fake serves it (see
//! `shared/providers.md` §5 for Sovos's): discovery, signing keys, the token endpoint's
//! `client_credentials`, `authorization_code` and `refresh_token` grants, and the browser
//! sign-in (in `oidc_idp_code.rs`). An [`IdpProfile`] says what differs between fakes.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine as _;
use openidconnect::JsonWebKeyId;
use openidconnect::core::CoreRsaPrivateSigningKey;
use serde_json::json;
use time::OffsetDateTime;

use super::fake::{DemoAccount, FakeService, Handled};
use super::faults::{FaultKind, after_fault, fault_reply};
use super::oidc_idp_code::{Client, CodeFlow};
use super::server::{Reply, Request};
use super::state::{SandboxState, issue_secret};
use crate::core::account::ProviderId;

/// An ID token a client must refuse, each for one reason; `other_subject_on_refresh`: a
/// refresh's ID token names another user than the sign-in's; `echo_secret`: a refused
/// client secret is quoted back.
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
pub const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";
pub const JWKS_PATH: &str = "/.well-known/jwks.json";
/// A published test key: it signs sandbox tokens only, and is parsed, never generated, at start.
const SIGNING_KEY_PEM: &str = include_str!("../../assets/sandbox/oidc-signing-key.pem");

/// The names faults and counts use for a fake's endpoints.
pub struct IdpEndpoints {
    pub discovery: &'static str,
    pub jwks: &'static str,
    pub token: &'static str,
    pub authorize: &'static str,
    pub login: &'static str,
}

/// The registered clients and the user who signs in.
pub struct IdpClients {
    /// A confidential client (client_secret_basic), allowed every grant.
    pub client_id: &'static str,
    pub client_secret: &'static str,
    /// A public client (no secret), allowed the browser sign-in only.
    pub public_client_id: &'static str,
    /// The audience `client_credentials` must name; `None`: none is asked for.
    pub audience: Option<&'static str>,
    pub user_email: &'static str,
    pub user_password: &'static str,
    /// Registered redirect path; any loopback port is accepted (RFC 8252 §7.3).
    pub redirect_path: &'static str,
}

/// What tells one fake OpenID provider from another.
pub struct IdpProfile {
    /// Shown on its login page.
    pub title: &'static str,
    pub endpoints: IdpEndpoints,
    pub authorize_path: &'static str,
    pub token_path: &'static str,
    pub login_path: &'static str,
    pub signing_key_id: &'static str,
    pub clients: IdpClients,
    /// The signed-in user's `sub`, and the one the `other_subject_on_refresh` variant swaps in.
    pub subject: &'static str,
    pub other_subject: &'static str,
    pub access_token_lifetime: Duration,
}

impl IdpEndpoints {
    pub const fn all(&self) -> [&'static str; 5] {
        [
            self.discovery,
            self.jwks,
            self.token,
            self.authorize,
            self.login,
        ]
    }
}

pub struct OidcIdp {
    profile: &'static IdpProfile,
    issuer: String,
    /// Issued API tokens and when they expire.
    api_tokens: Mutex<HashMap<String, OffsetDateTime>>,
    code_flow: CodeFlow,
}

impl OidcIdp {
    pub fn new(profile: &'static IdpProfile, issuer: String) -> Self {
        let signing_key = CoreRsaPrivateSigningKey::from_pem(
            SIGNING_KEY_PEM,
            Some(JsonWebKeyId::new(profile.signing_key_id.into())),
        )
        .expect("the bundled sandbox key is a valid PKCS#1 RSA key");
        Self {
            profile,
            code_flow: CodeFlow::new(profile, issuer.clone(), signing_key),
            issuer,
            api_tokens: Mutex::default(),
        }
    }

    pub async fn handle(&self, state: &SandboxState, request: &Request) -> Reply {
        let (names, profile) = (&self.profile.endpoints, self.profile);
        let endpoint = match request.path.as_str() {
            DISCOVERY_PATH => names.discovery,
            JWKS_PATH => names.jwks,
            path if path == profile.token_path => names.token,
            path if path == profile.authorize_path => names.authorize,
            path if path == profile.login_path => names.login,
            _ => return error(404, "not_found", &format!("no route for {}", request.path)),
        };
        let fault = state.record_call(endpoint);
        if let Some(fault) = fault
            && let Some(reply) =
                fault_reply(fault, || error(500, "server_error", "internal error")).await
        {
            return reply;
        }
        let method = request.method.as_str();
        if endpoint == names.token {
            if fault.is_some_and(|fault| fault.kind == FaultKind::ExpiredBearer) {
                // The client secret or refresh token presented counts as revoked.
                return error(401, "invalid_client", "the client credentials have expired");
            }
            return after_fault(fault, self.token(state, request));
        }
        match method {
            "GET" if endpoint == names.authorize => return self.code_flow.authorize(request),
            "POST" if endpoint == names.login => return self.code_flow.login(state, request),
            _ if endpoint == names.authorize || endpoint == names.login => {
                return error(405, "invalid_request", "wrong method");
            }
            "GET" => {}
            _ => return error(405, "invalid_request", "use GET"),
        }
        match endpoint {
            _ if endpoint == names.discovery => Reply::json(200, &self.discovery()),
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
        let client = match authenticate_client(self.profile, state, request, &form) {
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
        let clients = &self.profile.clients;
        if client.id != clients.client_id {
            return error(
                400,
                "unauthorized_client",
                "a public client may not use client_credentials",
            );
        }
        if let Some(audience) = clients.audience
            && form.get("audience").map(String::as_str) != Some(audience)
        {
            return error(
                400,
                "invalid_request",
                &format!("audience must be {audience}"),
            );
        }
        let token = issue_secret(32);
        let lifetime = self.profile.access_token_lifetime;
        let expires_at = state.now() + lifetime;
        self.api_tokens
            .lock()
            .expect("tokens lock")
            .insert(token.clone(), expires_at);
        Reply::json(
            200,
            &json!({
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": lifetime.as_secs(),
            }),
        )
    }

    fn discovery(&self) -> serde_json::Value {
        let at = |path: &str| format!("{}{path}", self.issuer);
        json!({
            "issuer": self.issuer,
            "authorization_endpoint": at(self.profile.authorize_path),
            "token_endpoint": at(self.profile.token_path),
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
    profile: &IdpProfile,
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
    let clients = &profile.clients;
    match (
        basic_credentials(request),
        form.get("client_id").map(String::as_str),
    ) {
        (Some((id, secret)), _) if id == clients.client_id && secret == clients.client_secret => {
            Ok(Client { id })
        }
        // The `echo_secret` variant: a careless server quotes the refused secret back, with
        // terminal escapes.
        (Some((_, secret)), _)
            if state.variant(profile.endpoints.token).as_deref() == Some("echo_secret") =>
        {
            Err(error(
                401,
                "invalid_client",
                &format!("client secret {secret} is not valid\x1b[2J\x1b[31m"),
            ))
        }
        (Some(_), _) => Err(error(401, "invalid_client", "client authentication failed")),
        (None, Some(id)) if id == clients.public_client_id => Ok(Client { id: id.into() }),
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

/// The OAuth error body (RFC 6749 §5.2).
fn error(status: u16, code: &str, description: &str) -> Reply {
    Reply::json(
        status,
        &json!({"error": code, "error_description": description}),
    )
}

/// A fake OpenID provider as its module declares it: the provider it fakes, its profile and
/// its demo accounts. [`IdpFake`] serves it.
pub trait IdpFakeSpec: Send + Sync + 'static {
    const PROVIDER: ProviderId;
    const PROFILE: &'static IdpProfile;
    fn demo_accounts(origin: &str) -> Vec<DemoAccount>;
}

/// The fake of an [`IdpFakeSpec`]: an [`OidcIdp`] on its own port.
pub struct IdpFake<S>(OidcIdp, std::marker::PhantomData<S>);

impl<S: IdpFakeSpec> FakeService for IdpFake<S> {
    const PROVIDER: ProviderId = S::PROVIDER;
    const ENDPOINTS: &'static [&'static str] = &S::PROFILE.endpoints.all();
    const VARIANTS: &'static [(&'static str, &'static [&'static str])] =
        &[(S::PROFILE.endpoints.token, &TOKEN_VARIANTS)];

    fn new(origin: &str) -> Self {
        Self(
            OidcIdp::new(S::PROFILE, origin.to_string()),
            std::marker::PhantomData,
        )
    }

    async fn serve(&self, state: &SandboxState, request: &Request, _origin: &str) -> Handled {
        self.0.handle(state, request).await.into()
    }

    fn settings(&self, origin: &str) -> serde_json::Value {
        json!({"issuer": origin})
    }

    fn demo_accounts(&self, origin: &str) -> Vec<DemoAccount> {
        S::demo_accounts(origin)
    }

    fn demo_credentials(&self) -> Option<serde_json::Value> {
        let clients = &S::PROFILE.clients;
        Some(json!({"client_id": clients.client_id, "client_secret": clients.client_secret}))
    }
}
