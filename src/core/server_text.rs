//! Text a server sent, made fit to quote in an error, the audit log, a terminal or the window:
//! short, without control characters (a terminal would obey escape sequences) or text-direction
//! overrides, and without any value this app sent in the request (a server that echoes a
//! session token or a password in its error must not put it in the audit log).

use std::fmt;

use crate::core::secret::SecretString;

/// The longest excerpt of a server's text an error quotes.
pub const EXCERPT_CHARS: usize = 120;
/// Values shorter than this are not searched for (they would match ordinary words).
const SHORTEST_SENT: usize = 6;
/// Request headers whose values are never secret and are common words.
const PLAIN_HEADERS: [&str; 7] = [
    "accept",
    "accept-encoding",
    "content-length",
    "content-type",
    "date",
    "host",
    "user-agent",
];

/// The values a request carried: header values, query values, and the values of a form or
/// JSON body. `Debug` shows only how many.
#[derive(Clone, Default)]
pub struct SentValues(Vec<SecretString>);

impl fmt::Debug for SentValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SentValues([{} redacted])", self.0.len())
    }
}

impl SentValues {
    /// What `request` sends.
    pub fn of(request: &reqwest::Request) -> Self {
        let mut values = Vec::new();
        for (name, value) in request.headers() {
            if PLAIN_HEADERS.contains(&name.as_str()) {
                continue;
            }
            let Ok(text) = value.to_str() else { continue };
            values.push(text.to_string());
            // `Bearer TOKEN`, `Basic base64(user:password)`: the credential, and its parts.
            if let Some((_, credential)) = text.split_once(' ') {
                values.push(credential.to_string());
                values.extend(basic_parts(credential));
            }
        }
        values.extend(
            request
                .url()
                .query_pairs()
                .map(|(_, value)| value.into_owned()),
        );
        if let Some(body) = request.body().and_then(reqwest::Body::as_bytes) {
            values.extend(body_values(body));
        }
        Self(
            values
                .into_iter()
                .filter(|value| value.chars().count() >= SHORTEST_SENT)
                .map(SecretString::new)
                .collect(),
        )
    }

    /// `body` with every value sent replaced (a body that is not UTF-8 is kept as it is: it
    /// is never quoted).
    pub fn redact_bytes(&self, body: &[u8]) -> Vec<u8> {
        match std::str::from_utf8(body) {
            Ok(text) => self.redact(text).into_bytes(),
            Err(_) => body.to_vec(),
        }
    }

    /// `text` with every value sent replaced.
    fn redact(&self, text: &str) -> String {
        let mut text = text.to_string();
        // Longest first, so a value that contains another is replaced whole.
        let mut values: Vec<&str> = self.0.iter().map(SecretString::expose_secret).collect();
        values.sort_by_key(|value| std::cmp::Reverse(value.len()));
        for value in values {
            if text.contains(value) {
                text = text.replace(value, "[sent value]");
            }
        }
        text
    }
}

fn basic_parts(credential: &str) -> Vec<String> {
    use base64::Engine as _;
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(credential.trim()) else {
        return Vec::new();
    };
    let Ok(text) = String::from_utf8(decoded) else {
        return Vec::new();
    };
    let mut parts = vec![text.clone()];
    if let Some((user, password)) = text.split_once(':') {
        parts.push(user.to_string());
        parts.push(password.to_string());
    }
    parts
}

/// The string values of a form or JSON body (the raw body too, when it is neither).
fn body_values(body: &[u8]) -> Vec<String> {
    fn strings(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::String(text) => out.push(text.clone()),
            serde_json::Value::Array(items) => items.iter().for_each(|item| strings(item, out)),
            serde_json::Value::Object(fields) => {
                fields.values().for_each(|item| strings(item, out))
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) {
        strings(&json, &mut out);
    } else if body.contains(&b'=') {
        out.extend(url::form_urlencoded::parse(body).map(|(_, value)| value.into_owned()));
    } else if let Ok(text) = std::str::from_utf8(body) {
        out.push(text.to_string());
    }
    out
}

/// At most `max_chars` of `text`: what was sent is replaced, control and direction characters
/// are dropped, and runs of white space become one space.
pub fn excerpt(text: &str, max_chars: usize, sent: &SentValues) -> String {
    let redacted = sent.redact(text);
    let mut clean = String::with_capacity(redacted.len().min(max_chars * 4));
    let mut last_space = true;
    for c in redacted.chars() {
        let c = if c.is_whitespace() { ' ' } else { c };
        if c == ' ' {
            if !last_space {
                clean.push(' ');
            }
            last_space = true;
        } else if !c.is_control() && !is_direction_control(c) {
            clean.push(c);
            last_space = false;
        }
    }
    let clean = clean.trim();
    if clean.chars().count() <= max_chars {
        return clean.to_string();
    }
    let mut cut: String = clean.chars().take(max_chars).collect();
    cut.push('…');
    cut
}

/// `text` without control characters other than line breaks, and without direction
/// overrides: what reaches a terminal or the audit log whatever an error quoted.
pub fn printable(text: &str) -> String {
    text.chars()
        .filter(|&c| c == '\n' || !(c.is_control() || is_direction_control(c)))
        .collect()
}

/// A redirect's target, as far as it is safe to show: scheme, host and path (the query and
/// fragment may carry what was sent, or a token the other site issued).
pub fn url_excerpt(location: &str, sent: &SentValues) -> String {
    let shown = match url::Url::parse(location) {
        Ok(url) => format!(
            "{}://{}{}",
            url.scheme(),
            url.host_str().unwrap_or(""),
            url.path()
        ),
        Err(_) => location.split(['?', '#']).next().unwrap_or("").to_string(),
    };
    excerpt(&shown, EXCERPT_CHARS, sent)
}

/// Unicode's bidirectional overrides and isolates: they make a terminal or a label show text in
/// another order than it is.
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(values: &[&str]) -> SentValues {
        SentValues(values.iter().copied().map(SecretString::new).collect())
    }

    #[test]
    fn an_excerpt_has_no_control_characters_and_nothing_sent() {
        let text = "bad token sess-1234567890\x1b[31m red\r\n\u{202E}reversed\u{0007} end";
        let shown = excerpt(text, 200, &sent(&["sess-1234567890"]));
        assert_eq!(shown, "bad token [sent value][31m red reversed end");
        assert_eq!(
            excerpt(&"a".repeat(300), 10, &SentValues::default()),
            "aaaaaaaaaa…"
        );
    }

    #[test]
    fn a_request_gives_its_credentials_and_their_parts() {
        let client = reqwest::Client::new();
        let request = client
            .post("https://api.example.com/token?customer=acme-corporation")
            .header("Authorization", "Basic dXNlci1uYW1lOnMzY3IzdC1wYXNz")
            .header("User-Token", "session-abcdef")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("grant_type=password&password=hunter22")
            .build()
            .unwrap();
        let values = SentValues::of(&request);
        let shown = excerpt(
            "user-name s3cr3t-pass session-abcdef hunter22 acme-corporation application/x-www-form-urlencoded",
            200,
            &values,
        );
        assert_eq!(
            shown,
            "[sent value] [sent value] [sent value] [sent value] [sent value] application/x-www-form-urlencoded"
        );
    }

    #[test]
    fn a_redirect_shows_where_not_what() {
        let shown = url_excerpt(
            "https://login.example.com/portal?token=abc&user=me#frag",
            &SentValues::default(),
        );
        assert_eq!(shown, "https://login.example.com/portal");
    }
}
