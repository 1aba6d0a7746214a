//! Address settings (origins, landing pages), read the same way by every provider.

use super::{ProviderError, SignOn};
use crate::core::account::Account;
use crate::core::secret::OneTimeUrl;

/// Parses an address a person typed; the message says how one is written, not what the
/// parser missed.
pub(crate) fn parse_address(key: &str, value: &str) -> Result<url::Url, String> {
    url::Url::parse(value.trim()).map_err(|_| {
        format!("{key} '{value}' is not a valid address: write it like https://host.example.com")
    })
}

/// Parses an origin setting, `scheme://host[:port]`; anything after the authority is refused
/// so the documented paths can be appended without surprises.
pub(crate) fn parse_origin(
    provider: &'static str,
    key: &str,
    value: &str,
) -> Result<url::Url, ProviderError> {
    let refuse = |message: String| ProviderError::Settings { provider, message };
    let url = parse_address(key, value).map_err(refuse)?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(refuse(format!(
            "{key} '{value}' must be an http(s) origin like https://host[:port]"
        )));
    }
    if url.path() != "/"
        || url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(refuse(format!(
            "{key} '{value}' must be an origin only (scheme://host[:port]); the API paths are added by the app"
        )));
    }
    crate::core::http::ensure_url_allowed(&url).map_err(|_| {
        refuse(format!(
            "{key} '{value}' must use https (plain http only for loopback)"
        ))
    })?;
    Ok(url)
}

/// A token provider's `landing_url` setting: a page to open once a token is held.
pub(crate) fn landing_setting(
    provider: &'static str,
    account: &Account,
) -> Result<Option<url::Url>, ProviderError> {
    account
        .setting("landing_url")
        .map(|text| {
            parse_address("landing_url", text)
                .map_err(|message| ProviderError::Settings { provider, message })
        })
        .transpose()
}

/// What a token provider opens at launch: its landing page (no token in it), or nothing.
pub(crate) fn landing_sign_on(landing: Option<url::Url>) -> Option<SignOn> {
    landing.map(|url| SignOn {
        url: OneTimeUrl::new(url),
        lifetime: None,
    })
}
