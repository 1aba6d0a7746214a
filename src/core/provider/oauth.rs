//! Turning `oauth2`/`openidconnect` failures into clear provider errors. Shared by the OAuth
//! providers; bodies are never quoted (a half-broken answer may hold a token).

use oauth2::RequestTokenError;
use oauth2::basic::BasicErrorResponse;
use openidconnect::DiscoveryError;

use super::ProviderError;
use crate::core::http::HttpError;
use crate::core::server_text::{EXCERPT_CHARS, SentValues, excerpt};

/// A failed token request.
pub fn token_error(
    provider: &'static str,
    err: RequestTokenError<HttpError, BasicErrorResponse>,
) -> ProviderError {
    match err {
        RequestTokenError::ServerResponse(answer) => {
            let code = answer.error().as_ref().to_string();
            let message = match answer.error_description() {
                Some(description) => format!("{code}: {description}"),
                None => code.clone(),
            };
            // Short and clean; what was sent is already out of it (see `execute_oauth`).
            let message = excerpt(&message, 2 * EXCERPT_CHARS, &SentValues::default());
            if matches!(code.as_str(), "server_error" | "temporarily_unavailable") {
                return ProviderError::ServerFailure { provider, message };
            }
            ProviderError::Rejected {
                provider,
                hint: hint_for(&code).into(),
                code,
                message,
            }
        }
        RequestTokenError::Request(err) => ProviderError::Http(err),
        RequestTokenError::Parse(err, _body) => ProviderError::Malformed {
            provider,
            what: format!("the token answer {}", unreadable(&err)),
        },
        RequestTokenError::Other(what) => ProviderError::Malformed { provider, what },
    }
}

/// A failed OpenID discovery (metadata or signing keys).
pub fn discovery_error(provider: &'static str, err: DiscoveryError<HttpError>) -> ProviderError {
    match err {
        DiscoveryError::Request(err) => ProviderError::Http(err),
        DiscoveryError::Response(status, _body, _) if status.is_server_error() => {
            ProviderError::ServerFailure {
                provider,
                message: format!("its OpenID discovery answered HTTP {status}"),
            }
        }
        DiscoveryError::Response(status, _body, detail) => ProviderError::Malformed {
            provider,
            what: format!("its OpenID discovery answered HTTP {status} ({detail})"),
        },
        DiscoveryError::Parse(err) => ProviderError::Malformed {
            provider,
            what: format!("its OpenID discovery document {}", unreadable(&err)),
        },
        DiscoveryError::Validation(detail) => ProviderError::Malformed {
            provider,
            what: format!("its OpenID discovery document failed validation: {detail}"),
        },
        DiscoveryError::UrlParse(err) => ProviderError::Settings {
            provider,
            message: format!("the issuer URL cannot be used: {err}"),
        },
        DiscoveryError::Other(what) => ProviderError::Malformed { provider, what },
        _ => ProviderError::Malformed {
            provider,
            what: "its OpenID discovery failed".into(),
        },
    }
}

fn hint_for(code: &str) -> &'static str {
    match code {
        "invalid_client" | "unauthorized_client" => {
            "Check client_id and the client secret; the client must be allowed this grant type."
        }
        "invalid_grant" => "The code or refresh token is no longer valid: sign in again.",
        "invalid_scope" => "Check the scopes setting against what the provider allows.",
        "invalid_request" | "invalid_target" => {
            "Check the account settings (audience, redirect URI) against the provider's registration."
        }
        "unsupported_grant_type" => "The provider does not allow this grant type for the client.",
        _ => "Check the account settings against the provider's registration.",
    }
}

/// What is wrong with an answer `serde` could not read, in words that never quote the answer
/// (serde's own messages quote the values it met, and a value may be a token).
fn unreadable(err: &serde_path_to_error::Error<serde_json::Error>) -> String {
    use serde_json::error::Category;
    let inner = err.inner();
    // The path can hold the server's own key names: short and clean.
    let path = excerpt(&err.path().to_string(), 60, &SentValues::default());
    let at = if path == "." || path.is_empty() {
        "at its top level".to_string()
    } else {
        format!("at {path}")
    };
    let message = inner.to_string();
    match inner.classify() {
        Category::Eof => "is cut short".into(),
        Category::Syntax => "is not valid JSON".into(),
        // The field names are this app's own, never the server's values.
        Category::Data if message.starts_with("missing field") => {
            let field = message.split('`').nth(1).unwrap_or("a required field");
            format!("lacks {field}")
        }
        Category::Data if message.starts_with("invalid type") => {
            format!("has a value of the wrong type {at}")
        }
        Category::Data => format!("has a value this app cannot use {at}"),
        Category::Io => "could not be read".into(),
    }
}
