//! A fake OpenID provider's browser sign-in: authorization code with PKCE (S256), `state` and
//! `nonce` required, a login page, ID tokens signed with the fixed key, rotating refresh
//! tokens. Strict: whatever a careful OpenID provider refuses, this refuses.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine as _;
use openidconnect::PrivateSigningKey;
use openidconnect::core::{
    CoreIdToken, CoreIdTokenClaims, CoreJsonWebKeySet, CoreJwsSigningAlgorithm,
    CoreRsaPrivateSigningKey,
};
use openidconnect::{
    AccessToken, Audience, EmptyAdditionalClaims, EndUserEmail, IssuerUrl, Nonce, StandardClaims,
    SubjectIdentifier,
};
use serde_json::json;
use sha2::Digest;
use time::OffsetDateTime;
use url::Url;

use super::oidc_idp::IdpProfile;
use super::server::{Reply, Request};
use super::state::{SandboxState, issue_secret, random_token};
use crate::core::loopback::pages::escape_html as escape;

pub const CODE_LIFETIME: Duration = Duration::from_secs(60);

/// What the client asked for at the authorize endpoint.
#[derive(Debug, Clone)]
struct AuthRequest {
    client_id: String,
    redirect_uri: Url,
    state: String,
    nonce: String,
    code_challenge: String,
    scope: String,
}

#[derive(Debug)]
struct IssuedCode {
    request: AuthRequest,
    expires_at: OffsetDateTime,
    used: bool,
}

#[derive(Debug, Clone)]
struct RefreshGrant {
    client_id: String,
    scope: String,
}

pub struct CodeFlow {
    profile: &'static IdpProfile,
    issuer: String,
    signing_key: CoreRsaPrivateSigningKey,
    pending: Mutex<HashMap<String, AuthRequest>>,
    codes: Mutex<HashMap<String, IssuedCode>>,
    refresh_tokens: Mutex<HashMap<String, RefreshGrant>>,
}

/// A client as the token endpoint authenticated it.
pub struct Client {
    pub id: String,
}

impl CodeFlow {
    pub fn new(
        profile: &'static IdpProfile,
        issuer: String,
        signing_key: CoreRsaPrivateSigningKey,
    ) -> Self {
        Self {
            profile,
            issuer,
            signing_key,
            pending: Mutex::default(),
            codes: Mutex::default(),
            refresh_tokens: Mutex::default(),
        }
    }

    /// The public half of the signing key, as a JWK set.
    pub fn jwks(&self) -> CoreJsonWebKeySet {
        CoreJsonWebKeySet::new(vec![self.signing_key.as_verification_key()])
    }
    /// `GET` at the authorize path: checks the request, then shows the login page.
    pub fn authorize(&self, request: &Request) -> Reply {
        let param = |name: &str| request.query_param(name).unwrap_or("").to_string();
        let client_id = param("client_id");
        let clients = &self.profile.clients;
        if client_id != clients.client_id && client_id != clients.public_client_id {
            return page(
                400,
                "Unknown client",
                &format!("No client is registered as '{client_id}'."),
            );
        }
        let Some(redirect_uri) = Url::parse(&param("redirect_uri"))
            .ok()
            .filter(|uri| is_registered(uri, self.profile.clients.redirect_path))
        else {
            // Never redirect to an unregistered address: say so on a page instead.
            return page(
                400,
                "Redirect URI not registered",
                "The redirect_uri is not registered for this client (a loopback http URI with the path /callback is).",
            );
        };
        let state = param("state");
        let fail = |code: &str, description: &str| {
            redirect_error(&redirect_uri, code, description, &state)
        };
        if param("response_type") != "code" {
            return fail(
                "unsupported_response_type",
                "only response_type=code is supported",
            );
        }
        if state.is_empty() {
            return fail("invalid_request", "state is required");
        }
        if param("code_challenge").is_empty() || param("code_challenge_method") != "S256" {
            return fail(
                "invalid_request",
                "PKCE with code_challenge_method=S256 is required",
            );
        }
        let scope = param("scope");
        if !scope.split(' ').any(|s| s == "openid") {
            return fail("invalid_scope", "the openid scope is required");
        }
        if param("nonce").is_empty() {
            return fail("invalid_request", "nonce is required");
        }
        let transaction = random_token(16);
        let pending = AuthRequest {
            client_id,
            redirect_uri,
            state,
            nonce: param("nonce"),
            code_challenge: param("code_challenge"),
            scope,
        };
        self.pending
            .lock()
            .expect("pending lock")
            .insert(transaction.clone(), pending);
        login_page(self.profile, &transaction, None)
    }

    /// `POST` at the login path: the user signs in (or denies), and the browser goes back to the client.
    pub fn login(&self, state: &SandboxState, request: &Request) -> Reply {
        let form = request.form();
        let field = |name: &str| form.get(name).map(String::as_str).unwrap_or("");
        let transaction = field("transaction");
        let Some(pending) = self
            .pending
            .lock()
            .expect("pending lock")
            .remove(transaction)
        else {
            return page(
                400,
                "Sign-in expired",
                "This sign-in page is no longer valid. Start again from the application.",
            );
        };
        if field("decision") == "deny" {
            return redirect_error(
                &pending.redirect_uri,
                "access_denied",
                "The user denied access",
                &pending.state,
            );
        }
        let clients = &self.profile.clients;
        if field("username") != clients.user_email || field("password") != clients.user_password {
            self.pending
                .lock()
                .expect("pending lock")
                .insert(transaction.to_string(), pending);
            return login_page(
                self.profile,
                transaction,
                Some("The e-mail or password is wrong."),
            );
        }
        let code = issue_secret(32);
        let mut target = pending.redirect_uri.clone();
        target
            .query_pairs_mut()
            .append_pair("code", &code)
            .append_pair("state", &pending.state);
        let issued = IssuedCode {
            request: pending,
            expires_at: state.now() + CODE_LIFETIME,
            used: false,
        };
        self.codes.lock().expect("codes lock").insert(code, issued);
        Reply::Redirect(target.to_string())
    }

    /// `grant_type=authorization_code`: the code, once, with the matching redirect URI and
    /// PKCE verifier, by the client it was issued to.
    pub fn exchange_code(
        &self,
        state: &SandboxState,
        client: &Client,
        form: &HashMap<String, String>,
    ) -> Reply {
        let field = |name: &str| form.get(name).map(String::as_str).unwrap_or("");
        let request = {
            let mut codes = self.codes.lock().expect("codes lock");
            let Some(issued) = codes.get_mut(field("code")) else {
                return token_error(400, "invalid_grant", "the code is not valid");
            };
            if issued.used {
                return token_error(400, "invalid_grant", "the code was already used");
            }
            issued.used = true;
            if state.now() >= issued.expires_at {
                return token_error(400, "invalid_grant", "the code has expired");
            }
            issued.request.clone()
        };
        if request.client_id != client.id {
            return token_error(
                400,
                "invalid_grant",
                "the code was issued to another client",
            );
        }
        if field("redirect_uri") != request.redirect_uri.as_str() {
            return token_error(
                400,
                "invalid_grant",
                "redirect_uri does not match the authorization request",
            );
        }
        if pkce_challenge(field("code_verifier")) != request.code_challenge {
            return token_error(
                400,
                "invalid_grant",
                "PKCE verification failed (code_verifier does not match code_challenge)",
            );
        }
        self.issue_tokens(
            state,
            &request.client_id,
            &request.scope,
            Some(&request.nonce),
            self.profile.subject,
        )
    }

    /// `grant_type=refresh_token`: rotates the refresh token (the old one stops working).
    pub fn refresh(
        &self,
        state: &SandboxState,
        client: &Client,
        form: &HashMap<String, String>,
    ) -> Reply {
        let presented = form.get("refresh_token").map(String::as_str).unwrap_or("");
        let Some(grant) = self
            .refresh_tokens
            .lock()
            .expect("refresh lock")
            .remove(presented)
        else {
            return token_error(400, "invalid_grant", "the refresh token is not valid");
        };
        if grant.client_id != client.id {
            return token_error(
                400,
                "invalid_grant",
                "the refresh token belongs to another client",
            );
        }
        // The `other_subject_on_refresh` variant: the refreshed ID token names another user,
        // which a client must refuse (OpenID Connect Core §12.2).
        let subject = match state.variant(self.profile.endpoints.token).as_deref() {
            Some("other_subject_on_refresh") => self.profile.other_subject,
            _ => self.profile.subject,
        };
        self.issue_tokens(state, &grant.client_id, &grant.scope, None, subject)
    }

    fn issue_tokens(
        &self,
        state: &SandboxState,
        client_id: &str,
        scope: &str,
        nonce: Option<&str>,
        subject: &str,
    ) -> Reply {
        let access_token = issue_secret(32);
        let now = state.now();
        let chrono_time = |at: OffsetDateTime| {
            chrono::DateTime::from_timestamp(at.unix_timestamp(), 0).expect("valid time")
        };
        // The token variants: an ID token a client must refuse, each for one reason.
        let variant = state
            .variant(self.profile.endpoints.token)
            .unwrap_or_default();
        let issuer = match variant.as_str() {
            "wrong_iss" => "https://issuer.evil.example".to_string(),
            _ => self.issuer.clone(),
        };
        let audience = match variant.as_str() {
            "wrong_aud" => "someone-else".to_string(),
            _ => client_id.to_string(),
        };
        let (issued, expires) = match variant.as_str() {
            "expired" => (
                now - Duration::from_secs(7200),
                now - Duration::from_secs(3600),
            ),
            _ => (now, now + self.profile.access_token_lifetime),
        };
        let claims = CoreIdTokenClaims::new(
            IssuerUrl::new(issuer).expect("sandbox issuer is a URL"),
            vec![Audience::new(audience)],
            chrono_time(expires),
            chrono_time(issued),
            StandardClaims::new(SubjectIdentifier::new(subject.into())).set_email(Some(
                EndUserEmail::new(self.profile.clients.user_email.into()),
            )),
            EmptyAdditionalClaims {},
        )
        .set_nonce(nonce.map(|nonce| Nonce::new(nonce.to_string())));
        let hashed = match variant.as_str() {
            "at_hash_mismatch" => AccessToken::new("another access token".into()),
            _ => AccessToken::new(access_token.clone()),
        };
        let id_token = CoreIdToken::new(
            claims.clone(),
            &self.signing_key,
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            Some(&hashed),
            None,
        )
        .expect("the sandbox key signs")
        .to_string();
        let id_token = match variant.as_str() {
            "bad_signature" => {
                // One character inside the signature changed (not the last, whose low bits
                // are padding): the same claims, no longer signed by the key.
                let mut bytes = id_token.into_bytes();
                let at = bytes.len() - 10;
                bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
                String::from_utf8(bytes).expect("base64url is ASCII")
            }
            "alg_none" => {
                let encode = |value: &serde_json::Value| {
                    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
                };
                let payload = serde_json::to_value(&claims).expect("claims serialise");
                format!(
                    "{}.{}.",
                    encode(&json!({"alg": "none", "typ": "JWT"})),
                    encode(&payload)
                )
            }
            _ => id_token,
        };
        let id_token = super::state::issued(id_token);
        let mut answer = json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": self.profile.access_token_lifetime.as_secs(),
            "scope": scope,
            "id_token": id_token,
        });
        // Like oidc-provider: a refresh token only for offline_access.
        if scope.split(' ').any(|s| s == "offline_access") {
            let refresh_token = issue_secret(32);
            self.refresh_tokens.lock().expect("refresh lock").insert(
                refresh_token.clone(),
                RefreshGrant {
                    client_id: client_id.into(),
                    scope: scope.into(),
                },
            );
            answer["refresh_token"] = refresh_token.into();
        }
        Reply::json(200, &answer)
    }
}

/// RFC 8252 §7.3: a loopback IP redirect URI matches on any port; the path must be registered.
fn is_registered(uri: &Url, path: &str) -> bool {
    uri.scheme() == "http"
        && matches!(uri.host_str(), Some("127.0.0.1" | "[::1]" | "localhost"))
        && uri.path() == path
        && uri.fragment().is_none()
}

/// base64url(SHA-256(verifier)), no padding (RFC 7636).
pub fn pkce_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()))
}

fn redirect_error(redirect_uri: &Url, code: &str, description: &str, state: &str) -> Reply {
    let mut target = redirect_uri.clone();
    target
        .query_pairs_mut()
        .append_pair("error", code)
        .append_pair("error_description", description);
    if !state.is_empty() {
        target.query_pairs_mut().append_pair("state", state);
    }
    Reply::Redirect(target.to_string())
}

pub fn token_error(status: u16, code: &str, description: &str) -> Reply {
    Reply::json(
        status,
        &json!({"error": code, "error_description": description}),
    )
}

fn page(status: u16, heading: &str, detail: &str) -> Reply {
    Reply::html(
        status,
        crate::core::loopback::pages::failure(heading, detail),
    )
}

fn login_page(profile: &IdpProfile, transaction: &str, problem: Option<&str>) -> Reply {
    let problem = problem
        .map(|text| {
            format!(
                "<p id=\"problem\" style=\"color:#8a1c1c\">{}</p>",
                escape(text)
            )
        })
        .unwrap_or_default();
    Reply::html(
        200,
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} sandbox: sign in</title>\
         <style>body{{font-family:system-ui,sans-serif;margin:3rem auto;max-width:28rem;color:#1b2a3a}}label{{display:block;margin:.6rem 0}}input{{width:100%;padding:.4rem}}</style></head><body>\
         <h1>Sign in to {title} (sandbox)</h1>{problem}\
         <form method=\"post\" action=\"{login_path}\">\
         <input type=\"hidden\" name=\"transaction\" value=\"{transaction}\">\
         <label>E-mail <input name=\"username\" autocomplete=\"username\" value=\"{user}\"></label>\
         <label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\"></label>\
         <p>Sandbox password: <code>{password}</code></p>\
         <button name=\"decision\" value=\"allow\" id=\"allow\">Sign in and allow</button> \
         <button name=\"decision\" value=\"deny\" id=\"deny\">Deny</button>\
         </form></body></html>",
            transaction = escape(transaction),
            title = escape(profile.title),
            login_path = escape(profile.login_path),
            user = escape(profile.clients.user_email),
            password = escape(profile.clients.user_password),
        ),
    )
}
