//! Entry points for coverage-guided fuzzing (`fuzz/`, built with the `fuzzing` feature and
//! without the window): the same readers the property tests exercise. Each takes any bytes
//! and must return without panicking.

use std::path::Path;

use crate::core::audit::AuditRecord;
use crate::core::http::HttpResponse;
use crate::core::provider::{Remembered, answer_readers};
use crate::core::server_text::SentValues;
use crate::core::store::settings::{SETTINGS_SCHEMA_VERSION, Settings};

/// A provider's answer: two bytes choose the status, one the content type, the rest is the
/// body; every provider's readers read it.
pub fn provider_answer(data: &[u8]) {
    let [high, low, kind, body @ ..] = data else {
        return;
    };
    let status = 100 + u16::from_be_bytes([*high, *low]) % 500;
    let content_type = match kind % 4 {
        0 => None,
        1 => Some("application/json".to_string()),
        2 => Some("text/html; charset=utf-8".to_string()),
        _ => Some("text/plain".to_string()),
    };
    let response = HttpResponse {
        status: reqwest::StatusCode::from_u16(status).unwrap_or(reqwest::StatusCode::OK),
        content_type,
        headers: Default::default(),
        body: body.to_vec(),
        sent: SentValues::default(),
    };
    for (_, read) in answer_readers() {
        read(&response);
    }
}

/// What a local client sends the loopback listener: its request head, then the address the
/// listener would read from its target and Host.
pub fn listener_request(data: &[u8]) {
    use crate::core::loopback::{host_is_ours, wire};
    let Ok(head) = wire::parse_head(data) else {
        return;
    };
    let authority = "127.0.0.1:53682";
    if head
        .host
        .as_deref()
        .is_some_and(|host| host_is_ours(host, authority))
        && let Ok(target) = url::Url::parse(&format!("http://{authority}{}", head.target))
    {
        let _ = target.query_pairs().count();
    }
}

/// The files the app reads back: accounts.toml, settings.toml, a remembered state, an audit
/// line.
pub fn config_files(data: &[u8]) {
    let path = Path::new("fuzz.toml");
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::core::store::accounts::parse(path, text);
        if let Ok(settings) = crate::core::store::toml_file::parse_versioned::<Settings>(
            path,
            text,
            SETTINGS_SCHEMA_VERSION,
        ) {
            let _ = settings.check();
        }
    }
    let _ = serde_json::from_slice::<Remembered>(data);
    for line in data.split(|byte| *byte == b'\n') {
        let _ = serde_json::from_slice::<AuditRecord>(line);
    }
}
