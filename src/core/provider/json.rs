//! Reading provider answers that should be JSON, with clear errors when they are not.

use serde_json::Value;

use super::ProviderError;
use crate::core::http::HttpResponse;
use crate::core::server_text::excerpt;

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
    if std::str::from_utf8(&response.body).is_err() {
        return Err(ProviderError::Malformed {
            provider,
            what: format!("text that is not UTF-8 (HTTP {status})"),
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
            format!(" titled \"{}\"", excerpt(&title, 80, &response.sent))
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

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;

    fn answer(status: u16, content_type: &str, body: &str) -> HttpResponse {
        HttpResponse {
            sent: Default::default(),
            status: StatusCode::from_u16(status).unwrap(),
            content_type: Some(content_type.into()),
            headers: Default::default(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn html_login_page_is_malformed_and_named_by_its_title() {
        let page = answer(
            200,
            "text/html",
            "<html><head><title>Company Login</title></head></html>",
        );
        let err = body_as_json("X", &page).unwrap_err();
        assert!(matches!(err, ProviderError::Malformed { .. }), "{err}");
        assert!(err.to_string().contains("\"Company Login\""), "{err}");
    }

    #[test]
    fn html_from_a_failing_server_is_a_server_failure() {
        let page = answer(503, "text/html", "<!doctype html><title>Down</title>");
        assert!(matches!(
            body_as_json("X", &page),
            Err(ProviderError::ServerFailure { .. })
        ));
    }

    #[test]
    fn empty_and_truncated_bodies_are_malformed_without_quoting_them() {
        for body in ["", "  \n", r#"{"token":"secret-value"#] {
            let err = body_as_json("X", &answer(200, "application/json", body)).unwrap_err();
            assert!(matches!(err, ProviderError::Malformed { .. }), "{err}");
            assert!(!err.to_string().contains("secret-value"), "{err}");
        }
    }

    #[test]
    fn string_at_walks_objects_and_skips_blank_values() {
        let value: Value = serde_json::json!({"result": {"token": "t", "blank": " "}});
        assert_eq!(string_at(&value, &["result", "token"]), Some("t"));
        assert_eq!(string_at(&value, &["result", "blank"]), None);
        assert_eq!(string_at(&value, &["token"]), None);
    }
}
