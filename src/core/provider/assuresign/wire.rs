//! Reading DocumentNOW's answers: the JSON body, or its error code, summary and details
//! turned into what happened and what to do.

use serde_json::Value;
use url::Url;

use super::{NAME, Stage};
use crate::core::http::HttpResponse;
use crate::core::provider::ProviderError;
use crate::core::provider::json::{body_as_json, string_at};
use crate::core::server_text::{EXCERPT_CHARS, excerpt};

/// Reads an AssureSign answer: the JSON on success, or its error envelope
/// (`{"errorCode","summary","details"}`) turned into a clear error.
pub(super) fn read_answer(response: &HttpResponse, stage: Stage) -> Result<Value, ProviderError> {
    let answer = body_as_json(NAME, response)?;
    let error_code = string_at(&answer, &["errorCode"]);
    if response.status.is_success() && error_code.is_none() {
        return Ok(answer);
    }
    let code = error_code.unwrap_or("").to_string();
    let summary = string_at(&answer, &["summary"]).unwrap_or("");
    let details: Vec<&str> = answer
        .get("details")
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut message = match (code.is_empty(), summary.is_empty()) {
        (false, false) => format!("{code}: {summary}"),
        (false, true) => code.clone(),
        (true, false) => format!("HTTP {}: {summary}", response.status.as_u16()),
        (true, true) => format!("HTTP {}", response.status.as_u16()),
    };
    if !details.is_empty() {
        message.push_str(&format!(" ({})", details.join("; ")));
    }
    // The server's words, short and clean, and never what this app sent.
    let message = excerpt(&message, 2 * EXCERPT_CHARS, &response.sent);
    if response.status.is_server_error() || code == "INTERNAL_SERVER_ERROR" {
        return Err(ProviderError::ServerFailure {
            provider: NAME,
            message,
        });
    }
    match (stage, code.as_str()) {
        (Stage::SsoToken, "FORBIDDEN") => Err(ProviderError::SessionRejected { provider: NAME }),
        (Stage::Authentication, "FORBIDDEN") => Err(ProviderError::Rejected {
            provider: NAME,
            code,
            message,
            hint: "Check api_username, context_username and the API key (or username and password in credentials mode), and that the API user is enabled.".into(),
        }),
        (_, "NOT_FOUND") => Err(ProviderError::Rejected {
            provider: NAME,
            code,
            message,
            hint: "Check the environment and base URLs, and the envelope id if one is set.".into(),
        }),
        _ => Err(ProviderError::Rejected {
            provider: NAME,
            code,
            message,
            hint: "Check the account's settings (environment, base URLs, user names).".into(),
        }),
    }
}

pub(super) fn join(origin: &Url, path: &str) -> Url {
    origin
        .join(path)
        .expect("documented paths join onto an origin")
}
