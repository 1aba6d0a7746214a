//! Reading signNow's answers: `expires_in` in its documented shapes, and both error dialects.

use std::time::Duration;

use serde_json::Value;
use time::OffsetDateTime;

use super::NAME;
use crate::core::http::HttpResponse;
use crate::core::provider::json::{body_as_json, string_at};
use crate::core::provider::{ProviderError, server_expiry};
use crate::core::server_text::{EXCERPT_CHARS, excerpt};

/// Anything above ten years of seconds is an absolute time, as in the docs' code example.
const ABSOLUTE_THRESHOLD: i64 = 10 * 365 * 24 * 3600;

/// `expires_in` as a number or a string, in seconds from now, or, above ten years of
/// seconds, an absolute epoch time.
pub(super) fn expires_at(answer: &Value, now: OffsetDateTime) -> Option<OffsetDateTime> {
    let raw = answer.get("expires_in")?;
    let value = raw
        .as_i64()
        .or_else(|| raw.as_str().and_then(|text| text.trim().parse().ok()))?;
    if value <= 0 {
        return None;
    }
    if value > ABSOLUTE_THRESHOLD {
        // An absolute time; one past what a date can hold is as absurd as a huge lifetime.
        let cap = server_expiry(now, crate::core::provider::MAX_SERVER_LIFETIME);
        return Some(OffsetDateTime::from_unix_timestamp(value).map_or(cap, |at| at.min(cap)));
    }
    Some(server_expiry(now, Duration::from_secs(value as u64)))
}

/// The JSON answer, or either error dialect (`{"error":..}` or `{"errors":[..]}`) as a clear error.
pub(super) fn read_answer(response: &HttpResponse) -> Result<Value, ProviderError> {
    let answer = body_as_json(NAME, response)?;
    if response.status.is_success()
        && answer.get("error").is_none()
        && answer.get("errors").is_none()
    {
        return Ok(answer);
    }
    let (code, message) = match (
        answer.get("error").and_then(Value::as_str),
        answer.get("errors").and_then(Value::as_array),
    ) {
        (Some(code), _) => {
            let description = string_at(&answer, &["error_description"]);
            (
                code.to_string(),
                description
                    .map(|d| format!("{code}: {d}"))
                    .unwrap_or_else(|| code.to_string()),
            )
        }
        (None, Some(errors)) => {
            let messages: Vec<String> = errors
                .iter()
                .filter_map(|e| e.get("message").and_then(Value::as_str).map(str::to_string))
                .collect();
            let code = errors
                .first()
                .and_then(|e| e.get("code"))
                .map(|c| c.to_string().trim_matches('"').to_string())
                .unwrap_or_default();
            (code, messages.join("; "))
        }
        _ => (
            response.status.as_u16().to_string(),
            format!("HTTP {}", response.status.as_u16()),
        ),
    };
    // The server's words, short and clean, and never what this app sent.
    let message = excerpt(&message, 2 * EXCERPT_CHARS, &response.sent);
    if response.status.is_server_error() {
        return Err(ProviderError::ServerFailure {
            provider: NAME,
            message,
        });
    }
    let hint = if message.contains("invalid_client") || code == "invalid_client" {
        "Check the Basic token (or client_id and client_secret) from signNow's API dashboard."
    } else if message.contains("Invalid credentials") {
        "Check the username and password."
    } else if message.contains("invalid_token") || code == "invalid_token" {
        "The token is no longer valid: sign in again (launch the account)."
    } else {
        "Check the account settings against the app's registration in signNow's dashboard."
    };
    Err(ProviderError::Rejected {
        provider: NAME,
        code,
        message,
        hint: hint.into(),
    })
}

/// Every reader of signNow's answers, on any answer (the property tests' entry point).
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn read_any(response: &HttpResponse) {
    if let Ok(answer) = read_answer(response) {
        let _ = expires_at(&answer, OffsetDateTime::now_utc());
    }
    if let Ok(answer) = serde_json::from_slice::<Value>(&response.body) {
        let _ = expires_at(&answer, OffsetDateTime::now_utc());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_in_accepts_numbers_strings_and_absolute_times() {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let in_an_hour = now + Duration::from_secs(3600);
        assert_eq!(
            expires_at(&serde_json::json!({"expires_in": 3600}), now),
            Some(in_an_hour)
        );
        assert_eq!(
            expires_at(&serde_json::json!({"expires_in": "3600"}), now),
            Some(in_an_hour)
        );
        assert_eq!(
            expires_at(&serde_json::json!({"expires_in": 1_800_003_600i64}), now),
            Some(in_an_hour)
        );
        assert_eq!(
            expires_at(&serde_json::json!({"expires_in": "1800003600"}), now),
            Some(in_an_hour)
        );
        for bad in [
            serde_json::json!({}),
            serde_json::json!({"expires_in": "soon"}),
            serde_json::json!({"expires_in": -5}),
        ] {
            assert_eq!(expires_at(&bad, now), None, "{bad}");
        }
        // Past what a date can hold, as a lifetime or as a time: a year and a day.
        let capped = Some(now + crate::core::provider::MAX_SERVER_LIFETIME);
        for absurd in [
            serde_json::json!({"expires_in": 99_999_999_999_999i64}),
            serde_json::json!({"expires_in": i64::MAX}),
        ] {
            assert_eq!(expires_at(&absurd, now), capped, "{absurd}");
        }
    }
}
