//! Redacting newtypes for every value that must never reach a log, a config file or an error.
//!
//! None of these implement `Display` or `Serialize`; reading the value takes a loudly named method.

use std::fmt;

/// A secret string (API key, password, bearer token). `Debug` prints `[redacted]`.
#[derive(Clone)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Call it only where the value goes on the wire or into the vault.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString([redacted])")
    }
}

impl Drop for SecretString {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// A bearer or session token a provider issued; same rules as [`SecretString`].
#[derive(Clone)]
pub struct AccessToken(SecretString);

impl AccessToken {
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::new(value))
    }

    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken([redacted])")
    }
}

/// A sign-on URL that carries a one-time token (e.g. AssureSign's 30-second `ssoToken`).
///
/// Not `Clone`: there is one of it, and it goes to the browser, the clipboard or the
/// terminal the user asked for, nowhere else. `Debug` shows only origin and path.
pub struct OneTimeUrl(url::Url);

impl OneTimeUrl {
    pub fn new(url: url::Url) -> Self {
        Self(url)
    }

    /// The full URL, token included: for the browser, the clipboard or `--print-url` only.
    pub fn reveal_for_browser(&self) -> &str {
        self.0.as_str()
    }

    /// Where the URL points, without query or fragment: safe to log.
    pub fn redacted(&self) -> String {
        let mut shown = self.0.clone();
        let had_secret_parts = shown.query().is_some() || shown.fragment().is_some();
        shown.set_query(None);
        shown.set_fragment(None);
        if had_secret_parts {
            format!("{shown}?[redacted]")
        } else {
            shown.to_string()
        }
    }
}

impl fmt::Debug for OneTimeUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OneTimeUrl({})", self.redacted())
    }
}

/// Overwrites a string's bytes before its memory is freed, so a secret does not linger in the heap.
fn wipe(value: &mut str) {
    // SAFETY: zero bytes are valid UTF-8, and the string is dropped right after.
    unsafe {
        for byte in value.as_bytes_mut() {
            std::ptr::write_volatile(byte, 0);
        }
    }
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_every_secret_type_is_redacted() {
        let secret = SecretString::new("hunter2-api-key");
        let token = AccessToken::new("eyJ-bearer-value");
        let url = OneTimeUrl::new(
            url::Url::parse("https://sb.assuresign.net/ui/simpleSetup?ssoToken=tok123").unwrap(),
        );
        let rendered = format!("{secret:?} {token:?} {url:?} {:?}", Some(&secret));
        for leaked in ["hunter2", "eyJ-bearer", "tok123"] {
            assert!(!rendered.contains(leaked), "{leaked} leaked in {rendered}");
        }
        assert!(rendered.contains("[redacted]"));
        assert!(rendered.contains("https://sb.assuresign.net/ui/simpleSetup"));
    }

    #[test]
    fn one_time_url_reveals_only_on_request() {
        let url = OneTimeUrl::new(url::Url::parse("https://x.test/p?ssoToken=abc").unwrap());
        assert_eq!(url.reveal_for_browser(), "https://x.test/p?ssoToken=abc");
        assert_eq!(url.redacted(), "https://x.test/p?[redacted]");
    }

    #[test]
    fn constant_time_eq_compares_contents() {
        assert!(constant_time_eq(b"state-1", b"state-1"));
        assert!(!constant_time_eq(b"state-1", b"state-2"));
        assert!(!constant_time_eq(b"state", b"state-1"));
    }
}
