//! What can go wrong with a provider, in words for the user and a hint of what to do.

use crate::core::error::{ErrorKind, Remedy, UserFacing};
use crate::core::http::HttpError;
use crate::core::loopback::LoopbackError;

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The account's settings are incomplete or wrong.
    #[error("{provider} account settings: {message}")]
    Settings {
        provider: &'static str,
        message: String,
    },
    /// A secret the flow needs is not in the vault.
    #[error("the secret '{name}' is not set for this account")]
    MissingSecret { name: String },
    /// The provider refused the credentials or the request.
    #[error("{provider} refused the request: {message}")]
    Rejected {
        provider: &'static str,
        code: String,
        message: String,
        hint: String,
    },
    /// The provider said the session token is invalid or expired.
    #[error("{provider} said the session token is invalid or expired (FORBIDDEN)")]
    SessionRejected { provider: &'static str },
    /// The provider failed on its side (5xx).
    #[error("{provider} failed on its side: {message}")]
    ServerFailure {
        provider: &'static str,
        message: String,
    },
    /// The answer was not what the provider documents.
    #[error("{provider} sent an answer this app cannot read: {what}")]
    Malformed {
        provider: &'static str,
        what: String,
    },
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The browser part of a sign-in failed (denied, cancelled, timed out, refused).
    #[error(transparent)]
    Loopback(#[from] LoopbackError),
    /// The ID token did not pass validation (signature, issuer, audience, expiry, nonce, at_hash).
    #[error("{provider}'s ID token failed validation: {detail}")]
    InvalidIdToken {
        provider: &'static str,
        detail: String,
    },
    /// The sign-in needs a browser, and none can be used here.
    #[error("{provider} signs in through the browser, which is not possible from here")]
    NeedsBrowser { provider: &'static str },
    /// Several accounts match the sign-in and nobody could be asked which one.
    #[error("{provider} found several accounts for this sign-in: {}", .choices.join("; "))]
    ChoiceNeeded {
        provider: &'static str,
        choices: Vec<String>,
    },
    /// The provider's launch is a browser round trip with no session to hand out.
    #[error("{provider} accounts hold no session token; their launch is a sign-in in the browser")]
    NoSession { provider: &'static str },
}

impl ProviderError {
    /// The account's settings for `provider` are incomplete or wrong.
    pub fn settings(provider: &'static str, message: impl Into<String>) -> Self {
        Self::Settings {
            provider,
            message: message.into(),
        }
    }

    /// `provider`'s answer was not what it documents.
    pub fn malformed(provider: &'static str, what: impl Into<String>) -> Self {
        Self::Malformed {
            provider,
            what: what.into(),
        }
    }
}

impl UserFacing for ProviderError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Settings { .. } | Self::MissingSecret { .. } => ErrorKind::Config,
            Self::ChoiceNeeded { .. } | Self::NoSession { .. } => ErrorKind::Usage,
            Self::Rejected { .. } | Self::SessionRejected { .. } => ErrorKind::Rejected,
            Self::ServerFailure { .. } => ErrorKind::Network,
            Self::Malformed { .. } => ErrorKind::Malformed,
            Self::Http(err) => err.kind(),
            Self::Loopback(err) => err.kind(),
            Self::NeedsBrowser { .. } => ErrorKind::BrowserFlow,
            Self::InvalidIdToken { .. } => ErrorKind::Malformed,
        }
    }

    fn remedy(&self) -> Option<Remedy> {
        Some(match self {
            Self::Settings { .. } => Remedy::FixSettings,
            Self::MissingSecret { name } => Remedy::StoreSecret(name.clone()),
            Self::Rejected { hint, .. } => Remedy::advice(hint.clone()),
            Self::SessionRejected { .. } => Remedy::SignInAgain,
            Self::ServerFailure { .. } => Remedy::advice(
                "Try again in a minute; if it persists, check the provider's status page.",
            ),
            Self::Malformed { .. } => Remedy::advice(
                "Check that the base URLs in the account settings point at the provider's API (not a web page or proxy).",
            ),
            Self::Http(err) => return err.remedy(),
            Self::Loopback(err) => return err.remedy(),
            Self::NeedsBrowser { .. } => Remedy::SignInWithBrowser,
            Self::InvalidIdToken { .. } => Remedy::advice(
                "Nothing was kept. Sign in again; if it keeps failing, check issuer and client_id, and whether something between you and the provider alters the sign-in.",
            ),
            Self::ChoiceNeeded { .. } => Remedy::ChooseAccount,
            Self::NoSession { .. } => Remedy::LaunchInstead,
        })
    }
}
