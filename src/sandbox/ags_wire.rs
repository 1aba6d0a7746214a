//! The AGS fake's wire helpers: error bodies (in each variant's shape), the raw token of a
//! request and the JWT-shaped tokens it issues.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use super::ags::ERRORS_ENDPOINT;
use super::fixtures::ags as fx;
use super::server::{Reply, Request};
use super::state::SandboxState;

/// `Authorization` holds the raw token; a `Bearer ` prefix is accepted too (the docs do not say).
pub(super) fn raw_token(request: &Request) -> &str {
    let value = request.header("authorization").unwrap_or_default().trim();
    value.strip_prefix("Bearer ").unwrap_or(value)
}

/// A 403 with a platform code, in the body shape the variant asks for.
pub(super) fn platform_error(state: &SandboxState, code: u32) -> Reply {
    let message = "access refused by the platform";
    match state.variant(ERRORS_ENDPOINT).as_deref() {
        Some("nested") => Reply::json(
            403,
            &json!({"error": {"errorCode": code.to_string(), "description": message}}),
        ),
        Some("text") => Reply::raw(
            403,
            "text/plain; charset=utf-8",
            format!("Forbidden: {message} ({code})").as_bytes(),
        ),
        _ => Reply::json(
            403,
            &json!({"status": 403, "code": code, "message": message}),
        ),
    }
}

pub(super) fn error(status: u16, code: &str, message: &str) -> Reply {
    Reply::json(
        status,
        &json!({"status": status, "code": code, "message": message}),
    )
}

/// A JWT-shaped token (HS256 with the sandbox's key), as AGS issues.
pub(super) fn jwt(claims: &Value) -> String {
    let encode =
        |value: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string());
    let signing_input = format!(
        "{}.{}",
        encode(&json!({"alg": "HS256", "typ": "JWT"})),
        encode(claims)
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(fx::JWT_KEY.as_bytes()).expect("any key length");
    mac.update(signing_input.as_bytes());
    let signature =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{signature}")
}
