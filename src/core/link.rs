//! `sso-launcher://` links, for a helpdesk wiki or a ticket. Any web page can open one, so a
//! link names an account by its id and nothing more (never a secret, a setting or a
//! command), and the app asks before acting on it.

use crate::core::account::AccountId;
use crate::core::error::{ErrorKind, Remedy, UserFacing};

pub const SCHEME: &str = "sso-launcher";
/// Longer than any link this app writes; anything longer is refused unread.
const MAX_LENGTH: usize = 256;

/// What a link asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRequest {
    Launch(AccountId),
}

/// The link that launches `account`.
pub fn launch_link(account: AccountId) -> String {
    format!("{SCHEME}://launch/{account}")
}

/// Whether a command-line argument is meant as a link (the rest is checked by [`parse`]).
pub fn looks_like_link(arg: &str) -> bool {
    arg.get(..SCHEME.len() + 1)
        .is_some_and(|start| start.eq_ignore_ascii_case(&format!("{SCHEME}:")))
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Not a link of this app, or not one it could have written.
    #[error("the link is not a valid sso-launcher link: {0}")]
    Malformed(String),
    /// A well-formed link asking for something links may not do.
    #[error("the link asks to '{0}', which links cannot do (they can only launch an account)")]
    UnknownAction(String),
}

impl UserFacing for LinkError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Usage
    }

    fn remedy(&self) -> Option<Remedy> {
        Some(Remedy::Advice(format!(
            "A launch link looks like {SCHEME}://launch/<account id>; the window's account menu copies one. Nothing was run."
        )))
    }
}

/// Reads a link. Only `sso-launcher://launch/<account id>` is accepted, exactly: no user,
/// port, query or fragment.
pub fn parse(text: &str) -> Result<LinkRequest, LinkError> {
    let malformed = |why: &str| Err(LinkError::Malformed(why.into()));
    if text.len() > MAX_LENGTH {
        return malformed("it is far longer than a launch link");
    }
    if !looks_like_link(text) {
        return malformed(&format!("it does not start with {SCHEME}://"));
    }
    let Ok(url) = url::Url::parse(text.trim()) else {
        return malformed("it cannot be read as an address");
    };
    if !url.username().is_empty() || url.password().is_some() || url.port().is_some() {
        return malformed("it carries a user name, password or port");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return malformed("it carries more than an account id");
    }
    let Some(action) = url.host_str().filter(|host| !host.is_empty()) else {
        return malformed(&format!("it has no action after {SCHEME}://"));
    };
    if !action.eq_ignore_ascii_case("launch") {
        return Err(LinkError::UnknownAction(printable(action)));
    }
    let path = url.path().strip_prefix('/').unwrap_or(url.path());
    let id = path.strip_suffix('/').unwrap_or(path);
    match id.parse::<AccountId>() {
        Ok(id) if id != AccountId::nil() => Ok(LinkRequest::Launch(id)),
        _ if id.is_empty() => malformed("it names no account"),
        _ => malformed("the account id in it is not an account id"),
    }
}

/// At most 40 printable characters of untrusted text, for messages.
fn printable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_launch_link_round_trips() {
        let id = AccountId::new_random();
        let link = launch_link(id);
        assert_eq!(parse(&link), Ok(LinkRequest::Launch(id)));
        assert_eq!(parse(&format!("{link}/")), Ok(LinkRequest::Launch(id)));
        assert_eq!(parse(&link.to_uppercase()), Ok(LinkRequest::Launch(id)));
    }

    #[test]
    fn anything_else_is_refused_with_a_reason() {
        let id = AccountId::new_random();
        for (link, reason) in [
            (
                format!("sso-launcher://launch/{id}?then=rm"),
                "more than an account id",
            ),
            (
                format!("sso-launcher://launch/{id}#x"),
                "more than an account id",
            ),
            (format!("sso-launcher://user:pw@launch/{id}"), "user name"),
            (format!("sso-launcher://launch:8080/{id}"), "port"),
            ("sso-launcher://launch/".into(), "names no account"),
            (
                "sso-launcher://launch/not-an-id".into(),
                "not an account id",
            ),
            (
                format!("sso-launcher://launch/{id}/extra"),
                "not an account id",
            ),
            (format!("sso-launcher:launch/{id}"), "no action"),
            ("https://example.com/".into(), "does not start with"),
            (
                format!("sso-launcher://launch/{}", "a".repeat(400)),
                "longer",
            ),
            (
                format!("sso-launcher://launch/{}", AccountId::nil()),
                "not an account id",
            ),
        ] {
            match parse(&link) {
                Err(LinkError::Malformed(why)) => assert!(why.contains(reason), "{link}: {why}"),
                other => panic!("{link}: {other:?}"),
            }
        }
        assert_eq!(
            parse(&format!("sso-launcher://delete/{id}")),
            Err(LinkError::UnknownAction("delete".into()))
        );
    }
}
