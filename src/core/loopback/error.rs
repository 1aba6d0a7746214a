//! What can go wrong while waiting for a browser sign-in to come back.

use std::time::Duration;

use crate::core::error::{ErrorKind, Remedy, UserFacing};

#[derive(Debug, thiserror::Error)]
pub enum LoopbackError {
    /// The redirect URI is not a plain-http loopback address, so the app cannot receive it.
    #[error(
        "the redirect URI {redirect_uri} is not a loopback address (http://127.0.0.1, [::1] or localhost), so sso-launcher cannot receive the sign-in answer"
    )]
    NotLoopback { redirect_uri: String },
    /// The registered port is taken by another program.
    #[error(
        "port {port} is in use by another program, so the sign-in answer to {redirect_uri} cannot be received"
    )]
    PortBusy { port: u16, redirect_uri: String },
    /// The registered port needs privileges this process does not have (ports below 1024).
    #[error(
        "this process may not listen on port {port} (needed for the redirect URI {redirect_uri})"
    )]
    PortNotPermitted { port: u16, redirect_uri: String },
    #[error("could not listen on {address}: {detail}")]
    Bind { address: String, detail: String },
    /// No redirect arrived in time (`refused`: answers that came with a wrong or missing
    /// `state`, from another page, were refused meanwhile).
    #[error("no sign-in answer arrived at {redirect_uri} within {} s{}", after.as_secs(), refused_note(*refused))]
    TimedOut {
        after: Duration,
        redirect_uri: String,
        refused: u32,
    },
    /// The flow was cancelled (by the user, or by a newer sign-in of the same account).
    #[error("the sign-in was cancelled")]
    Cancelled,
    /// The provider redirected with an error (e.g. `access_denied`).
    #[error("the provider ended the sign-in: {error}{}", description.as_ref().map(|d| format!(": {d}")).unwrap_or_default())]
    Denied {
        error: String,
        description: Option<String>,
    },
}

/// The same redirect URI on a high port (what to ask a vendor to register instead).
fn with_high_port(redirect_uri: &str) -> String {
    url::Url::parse(redirect_uri)
        .ok()
        .and_then(|mut uri| uri.set_port(Some(53682)).ok().map(|()| uri.to_string()))
        .unwrap_or_else(|| "http://127.0.0.1:53682/callback".into())
}

impl UserFacing for LoopbackError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::NotLoopback { .. } | Self::PortBusy { .. } | Self::PortNotPermitted { .. } => {
                ErrorKind::Config
            }
            Self::Bind { .. } => ErrorKind::Internal,
            _ => ErrorKind::BrowserFlow,
        }
    }

    fn remedy(&self) -> Option<Remedy> {
        Some(Remedy::Advice(match self {
            Self::NotLoopback { .. } => "Ask the provider to register a loopback redirect URI such as http://127.0.0.1:53682/callback.".into(),
            Self::PortBusy { port, .. } => format!("Close the program using port {port} (`ss -ltnp 'sport = :{port}'` shows it) and try again, or have another loopback port registered with the provider."),
            Self::PortNotPermitted { redirect_uri, .. } => format!("Ask the provider to register a loopback redirect URI with a port above 1024, such as {}.", with_high_port(redirect_uri)),
            Self::Bind { .. } => "Check that loopback networking works on this machine.".into(),
            Self::TimedOut { .. } => "Finish signing in in the browser sooner, or raise the loopback timeout.".into(),
            Self::Cancelled => "Start the sign-in again when you are ready.".into(),
            Self::Denied { error, .. } if error == "access_denied" => "Sign in again and allow access when the provider asks.".into(),
            Self::Denied { .. } => "Check the account's settings (client id, scopes, redirect URI) against the provider's registration.".into(),
        }))
    }
}

fn refused_note(refused: u32) -> String {
    match refused {
        0 => String::new(),
        1 => "; 1 answer with a wrong or missing state (not from this sign-in) was refused".into(),
        n => format!(
            "; {n} answers with a wrong or missing state (not from this sign-in) were refused"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_privileged_port_hint_names_the_same_uri_on_a_high_port() {
        let err = LoopbackError::PortNotPermitted {
            port: 80,
            redirect_uri: "http://127.0.0.1/sso/return".into(),
        };
        let Some(Remedy::Advice(advice)) = err.remedy() else {
            panic!("{:?}", err.remedy())
        };
        assert!(
            advice.contains("http://127.0.0.1:53682/sso/return"),
            "{advice}"
        );
    }
}
