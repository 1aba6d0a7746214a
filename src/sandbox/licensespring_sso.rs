//! The LicenseSpring fake's hosted sign-in (the user pool page the SSO URL points at) and
//! `POST /api/v4/activate_license`, which takes the code or id_token that came back and
//! answers a license signed with `LicenseSignature` (RSA-SHA256 over the body).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine as _;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::EncodePublicKey;
use rsa::signature::{SignatureEncoding, Signer};
use serde_json::{Value, json};
use sha2::Sha256;
use time::OffsetDateTime;
use url::Url;

use super::fixtures::licensespring as fx;
use super::server::{Reply, Request};
use super::state::{issue_secret, issued, random_token};
use crate::core::loopback::pages::escape_html as escape;

const CODE_LIFETIME: Duration = Duration::from_secs(300);
const ID_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);
/// The redirect URI the vendor registered for the sandbox's customer account, until the
/// control API sets another.
pub const DEFAULT_REDIRECT_URI: &str = "http://127.0.0.1:53682/callback";
const SIGNING_KEY_PEM: &str = include_str!("../../assets/sandbox/oidc-signing-key.pem");

struct Pending {
    redirect_uri: String,
    token_mode: bool,
    state: Option<String>,
}

pub struct SsoSite {
    redirect_uri: Mutex<String>,
    pending: Mutex<HashMap<String, Pending>>,
    /// Issued codes and id_tokens, each usable once, until their expiry.
    grants: Mutex<HashMap<String, OffsetDateTime>>,
    signing_key: SigningKey<Sha256>,
}

impl Default for SsoSite {
    fn default() -> Self {
        let key = rsa::RsaPrivateKey::from_pkcs1_pem(SIGNING_KEY_PEM).expect("sandbox key parses");
        Self {
            redirect_uri: Mutex::new(DEFAULT_REDIRECT_URI.into()),
            pending: Mutex::default(),
            grants: Mutex::default(),
            signing_key: SigningKey::new(key),
        }
    }
}

impl SsoSite {
    pub fn redirect_uri(&self) -> String {
        self.redirect_uri.lock().expect("redirect lock").clone()
    }

    /// Sets the customer account's registered redirect URI (control API).
    pub fn set_redirect_uri(&self, uri: String) {
        *self.redirect_uri.lock().expect("redirect lock") = uri;
    }

    /// The vendor public key that verifies `LicenseSignature`, as base64 DER (SPKI).
    pub fn vendor_public_key(&self) -> String {
        let key = rsa::RsaPublicKey::from(self.signing_key.as_ref());
        let der = key.to_public_key_der().expect("public key encodes");
        base64::engine::general_purpose::STANDARD.encode(der.as_bytes())
    }

    /// `GET /sso/authorize`: the user pool's sign-in page, for the registered redirect URI only.
    pub fn authorize(&self, request: &Request) -> Reply {
        let redirect_uri = request.query_param("redirect_uri").unwrap_or_default();
        if redirect_uri != self.redirect_uri() {
            return Reply::html(
                400,
                crate::core::loopback::pages::failure(
                    "Sign-in refused",
                    "redirect_uri does not match the one registered for this customer account.",
                ),
            );
        }
        let token_mode = match request.query_param("response_type") {
            Some("code") => false,
            Some("token") => true,
            _ => {
                return Reply::html(
                    400,
                    crate::core::loopback::pages::failure(
                        "Sign-in refused",
                        "response_type must be code or token.",
                    ),
                );
            }
        };
        let transaction = random_token(16);
        self.pending.lock().expect("pending lock").insert(
            transaction.clone(),
            Pending {
                redirect_uri: redirect_uri.into(),
                token_mode,
                state: request.query_param("state").map(str::to_string),
            },
        );
        Reply::html(
            200,
            format!(
                "<!doctype html><html><head><meta charset=\"utf-8\"><title>LicenseSpring sign-in (sandbox)</title></head><body>\
                 <h1>Sign in to your license (sandbox)</h1><form method=\"post\" action=\"/sso/login\">\
                 <input type=\"hidden\" name=\"transaction\" value=\"{transaction}\">\
                 <label>E-mail <input name=\"username\" value=\"{user}\"></label> <label>Password <input name=\"password\" type=\"password\"></label>\
                 <p>Sandbox password: <code>{password}</code></p>\
                 <button name=\"decision\" value=\"allow\">Sign in</button> <button name=\"decision\" value=\"deny\">Cancel</button></form></body></html>",
                transaction = escape(&transaction),
                user = escape(fx::USER_EMAIL),
                password = escape(fx::USER_PASSWORD),
            ),
        )
    }

    /// `POST /sso/login`: back to the redirect URI with a code (query) or tokens (fragment).
    pub fn login(&self, now: OffsetDateTime, request: &Request) -> Reply {
        let form = request.form();
        let field = |name: &str| form.get(name).map(String::as_str).unwrap_or("");
        let Some(pending) = self
            .pending
            .lock()
            .expect("pending lock")
            .remove(field("transaction"))
        else {
            return Reply::html(
                400,
                crate::core::loopback::pages::failure(
                    "Sign-in expired",
                    "Start the sign-in again from the app.",
                ),
            );
        };
        let mut answer: Vec<(&str, String)> = Vec::new();
        if field("decision") != "allow" {
            answer.push(("error", "access_denied".into()));
        } else if field("username") != fx::USER_EMAIL || field("password") != fx::USER_PASSWORD {
            return Reply::html(
                401,
                crate::core::loopback::pages::failure(
                    "Wrong e-mail or password",
                    "Go back and try again.",
                ),
            );
        } else if pending.token_mode {
            let id_token = issued(id_token(now));
            self.grants
                .lock()
                .expect("grants lock")
                .insert(id_token.clone(), now + ID_TOKEN_LIFETIME);
            answer.extend([
                ("id_token", id_token),
                ("access_token", issue_secret(24)),
                ("expires_in", "3600".into()),
                ("token_type", "Bearer".into()),
            ]);
        } else {
            let code = issue_secret(18);
            self.grants
                .lock()
                .expect("grants lock")
                .insert(code.clone(), now + CODE_LIFETIME);
            answer.push(("code", code));
        }
        if let Some(state) = pending.state {
            answer.push(("state", state));
        }
        let encoded = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(answer)
            .finish();
        let mut target = Url::parse(&pending.redirect_uri).expect("registered URI is a URL");
        if pending.token_mode {
            target.set_fragment(Some(&encoded));
        } else {
            target.set_query(Some(&encoded));
        }
        Reply::Redirect(target.to_string())
    }

    /// `POST /api/v4/activate_license` (already signed-checked): the documented fields, one
    /// grant used once, and a signed license.
    pub fn activate(&self, now: OffsetDateTime, request: &Request) -> Reply {
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return error(400, "invalid_request", "the body must be JSON");
        };
        let text = |key: &str| {
            body.get(key)
                .and_then(Value::as_str)
                .filter(|value| !value.is_empty())
        };
        if text("hardware_id").is_none() {
            return error(400, "missing_hardware_id", "hardware_id is required");
        }
        if text("product") != Some(fx::PRODUCT) {
            return error(400, "unknown_product", "Provided product was not found");
        }
        if text("customer_account_code") != Some(fx::CUSTOMER) {
            return error(
                400,
                "unknown_customer_account",
                "Provided customer account was not found",
            );
        }
        let grant = match (text("code"), text("id_token")) {
            (Some(_), Some(_)) => {
                return error(400, "invalid_request", "send code or id_token, never both");
            }
            (Some(grant), None) | (None, Some(grant)) => grant,
            (None, None) => return error(400, "invalid_request", "code or id_token is required"),
        };
        if text("redirect_uri").is_some_and(|uri| uri != self.redirect_uri()) {
            return error(400, "invalid_redirect_uri", "redirect_uri does not match");
        }
        match self.grants.lock().expect("grants lock").remove(grant) {
            Some(expires_at) if expires_at > now => {}
            _ => {
                return error(
                    400,
                    "invalid_grant",
                    "the code or id_token is unknown, used or expired",
                );
            }
        }
        let license = json!({
            "license_key": fx::LICENSE_KEY,
            "license_type": "subscription",
            "is_trial": false,
            "validity_period": "2027-12-31T23:59:59Z",
            "license_active": true,
            "license_enabled": true,
            "hardware_id": text("hardware_id"),
            "product_features": [
                {"code": "export", "name": "Export"},
                {"code": "batch", "name": "Batch signing"}
            ],
        });
        let body = license.to_string().into_bytes();
        let signature = self.signing_key.sign(&body);
        Reply::JsonWithHeader {
            status: 200,
            header: (
                "LicenseSignature",
                base64::engine::general_purpose::STANDARD.encode(signature.to_bytes()),
            ),
            body,
        }
    }
}

/// A JWT-shaped id_token naming the signed-in user (the client does not validate it; the
/// activation does).
fn id_token(now: OffsetDateTime) -> String {
    let encode =
        |value: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string());
    format!(
        "{}.{}.{}",
        encode(json!({"alg": "none"})),
        encode(
            json!({"email": fx::USER_EMAIL, "sub": "sandbox-user", "exp": (now + ID_TOKEN_LIFETIME).unix_timestamp()})
        ),
        random_token(16)
    )
}

pub fn error(status: u16, code: &str, message: &str) -> Reply {
    Reply::json(
        status,
        &json!({"status": status, "code": code, "message": message}),
    )
}
