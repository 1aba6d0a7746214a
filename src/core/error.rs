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
    /// What the user can do about it, when there is something to say. Each front end puts
    /// it in its own words (the CLI's report module, the window's remedies module).
    fn remedy(&self) -> Option<Remedy> {
        None
    }
}

/// What to do about an error: which setting or secret to fix, which action to take. The
/// core never words an action in one front end's terms (a command line, a button).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remedy {
    /// Advice that names no command or control: the same words in every front end.
    Advice(String),
    /// Fix the account's settings (the message names which).
    FixSettings,
    /// Store the account's secret of this name.
    StoreSecret(String),
    /// Enter the account's secret again: the stored one cannot be read.
    ReenterSecret,
    /// The provider refused the held session: sign in afresh.
    SignInAgain,
    /// The sign-in needs a browser, and none could be opened for it here.
    SignInWithBrowser,
    /// The account keeps no session: launching it signs in through the browser.
    LaunchInstead,
    /// The sign-in matched several accounts at the provider: choose one (it is remembered).
    ChooseAccount,
    /// No browser with a private mode was found.
    InstallPrivateBrowser,
    /// The browser could not be started: choose another, or copy the link.
    ChooseAnotherBrowser,
    /// The keyring cannot be reached: start one, or keep secrets in a vault file.
    StartKeyring,
    /// The vault failed unexpectedly: check it.
    CheckVault,
    /// A vault file needs its passphrase, and nobody can be asked here.
    GivePassphrase,
    /// A vault file is damaged.
    RestoreVaultFile,
    /// The passphrase file is readable by others or holds no passphrase.
    FixPassphraseFile(std::path::PathBuf),
    /// No account matched (or it went away).
    ListAccounts,
    /// The request itself was wrong.
    SeeUsage,
    /// The demo cannot do this.
    LeaveDemo,
    /// Another process is signing in to the same account.
    FinishOtherSignIn,
    /// A ticket reference is required for this.
    GiveTicket,
    /// An account names a credential set that is not here: add it, or choose another.
    ListCredentialSets,
    /// Rows of an import file are bad: fix them, or import the good ones only.
    FixRowsOrSkipThem,
}

impl Remedy {
    pub fn advice(text: impl Into<String>) -> Self {
        Self::Advice(text.into())
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
