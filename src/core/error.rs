//! How every error is classified for the user: an exit code, a stable code for `--json`, a hint.

/// The class of a failure. Each maps to one documented exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A bug or an unexpected local failure.
    Internal,
    /// The command line was wrong.
    Usage,
    /// The config or settings file, or an account's settings, are wrong.
    Config,
    /// The OS keyring (or the chosen vault) failed.
    Vault,
    /// The provider answered and said no.
    Rejected,
    /// The provider could not be reached, or did not answer in time.
    Network,
    /// The provider answered with something that is not its documented format.
    Malformed,
    /// A browser flow was denied, cancelled or timed out.
    BrowserFlow,
    /// No account matched, or several did.
    NotFound,
}

impl ErrorKind {
    pub fn exit_code(self) -> i32 {
        match self {
            Self::Internal => 1,
            Self::Usage => 2,
            Self::Config => 3,
            Self::Vault => 4,
            Self::Rejected => 5,
            Self::Network => 6,
            Self::Malformed => 7,
            Self::BrowserFlow => 8,
            Self::NotFound => 9,
        }
    }

    /// The stable machine-readable code printed in `--json` errors.
    pub fn code(self) -> &'static str {
        match self {
            Self::Internal => "internal",
            Self::Usage => "usage",
            Self::Config => "config",
            Self::Vault => "vault",
            Self::Rejected => "rejected",
            Self::Network => "network",
            Self::Malformed => "malformed_answer",
            Self::BrowserFlow => "browser_flow",
            Self::NotFound => "not_found",
        }
    }
}

/// Implemented by every error enum the core returns, so front ends can report them uniformly.
pub trait UserFacing: std::error::Error {
    fn kind(&self) -> ErrorKind;
    /// What the user can do about it, when there is something to say (in CLI terms).
    fn hint(&self) -> Option<String> {
        None
    }

    /// The same advice for someone using the window: no command lines, the window's own
    /// controls instead.
    fn window_hint(&self) -> Option<String> {
        self.hint()
    }
}

/// A message as a sentence: capital first letter, closing full stop.
pub fn sentence(message: &str) -> String {
    let mut chars = message.trim().chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let mut text: String = first.to_uppercase().chain(chars).collect();
    if !text.ends_with(['.', '!', '?', ':']) {
        text.push('.');
    }
    text
}
