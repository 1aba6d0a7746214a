//! Reading provider answers that should be JSON, with clear errors when they are not.

use serde_json::Value;

use super::ProviderError;
use crate::core::http::HttpResponse;

/// The body as JSON. An HTML page or unreadable text becomes a `Malformed` error that says
/// what arrived (never the body itself: a half-broken answer may still carry a token).
pub fn body_as_json(
    provider: &'static str,
    response: &HttpResponse,
) -> Result<Value, ProviderError> {
    let status = response.status.as_u16();
    if response.is_html() {
        let what = format!(
            "an HTML page (HTTP {status}) instead of JSON{}",
            html_title(response)
        );
        return Err(if response.status.is_server_error() {
            ProviderError::ServerFailure {
                provider,
                message: what,
            }
        } else {
            ProviderError::Malformed { provider, what }
        });
    }
    if response.body.iter().all(u8::is_ascii_whitespace) {
        return Err(ProviderError::Malformed {
            provider,
            what: format!("an empty answer (HTTP {status})"),
        });
    }
    serde_json::from_slice(&response.body).map_err(|err| ProviderError::Malformed {
        provider,
        what: format!("invalid JSON (HTTP {status}): {}", err.classify_name()),
    })
}

/// A string at a path of object keys, if present and non-empty.
pub fn string_at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(value, |node, key| node.get(key))
        .and_then(Value::as_str)
        .filter(|text| !text.trim().is_empty())
}

fn html_title(response: &HttpResponse) -> String {
    let text = String::from_utf8_lossy(&response.body);
    let lower = text.to_ascii_lowercase();
    let title = lower.find("<title>").and_then(|start| {
        let start = start + "<title>".len();
        lower[start..]
            .find("</title>")
            .map(|end| text[start..start + end].trim().to_string())
    });
    match title {
        Some(title) if !title.is_empty() => {
            format!(" titled \"{}\"", title.chars().take(80).collect::<String>())
        }
        _ => String::new(),
    }
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Eof => "the answer ends too early",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "unexpected data",
            serde_json::error::Category::Io => "read error",
        }
    }
}
