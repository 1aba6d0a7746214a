//! Reading the License API's answers: the JSON body, or its documented error codes turned
//! into what happened and what to do.

use serde_json::Value;

use super::NAME;
use crate::core::http::HttpResponse;
use crate::core::provider::ProviderError;
use crate::core::provider::json::{body_as_json, string_at};
use crate::core::server_text::{EXCERPT_CHARS, excerpt};

/// A successful answer's JSON, or the documented error body in plain words.
pub(super) fn read_answer(response: &HttpResponse) -> Result<Value, ProviderError> {
    let body = body_as_json(NAME, response)?;
    if response.status.is_success() {
        return Ok(body);
    }
    if response.status.is_server_error() {
        return Err(ProviderError::ServerFailure {
            provider: NAME,
            message: format!("HTTP {}", response.status.as_u16()),
        });
    }
    let code = string_at(&body, &["code"]).unwrap_or("unknown").to_string();
    let detail = excerpt(
        string_at(&body, &["message"]).unwrap_or(""),
        EXCERPT_CHARS,
        &response.sent,
    );
    let (message, hint) = explain(&code);
    Err(ProviderError::Rejected {
        provider: NAME,
        message: format!(
            "{message} ({code}{})",
            if detail.is_empty() {
                String::new()
            } else {
                format!(": {detail}")
            }
        ),
        code,
        hint: hint.into(),
    })
}

pub(super) fn explain(code: &str) -> (&'static str, &'static str) {
    match code {
        "date_header_diff" => (
            "this machine's clock is more than 15 minutes off the server's",
            "Set the clock right (enable automatic time), then try again.",
        ),
        "signature_mismatch" => (
            "the request signature did not match",
            "The shared key is wrong: store the one from the LicenseSpring dashboard as the account's shared_key.",
        ),
        "invalid_api_key" => (
            "the API key is not valid",
            "Store the API key from the LicenseSpring dashboard as the account's api_key.",
        ),
        "revoked_api_key" => (
            "the API key was revoked",
            "Create a new API key in the LicenseSpring dashboard and store it.",
        ),
        "read_only_api_key" => (
            "the API key is read-only",
            "Use an API key that may activate licenses.",
        ),
        "unknown_product" => (
            "the product was not found",
            "Check the product setting (the product's short code).",
        ),
        "missing_headers"
        | "authorization_missing_params"
        | "authorization_invalid_headers"
        | "hmac_required" => (
            "the request's authorization was incomplete",
            "This is a bug in sso-launcher; please report it with the code.",
        ),
        "invalid_token" => (
            "the OAuth token is not valid",
            "Store a fresh oauth_token, or use api_key and shared_key.",
        ),
        _ => (
            "the request was refused",
            "Check product and customer_account_code against the LicenseSpring dashboard.",
        ),
    }
}
