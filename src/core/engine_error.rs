//! What can go wrong in an engine call, as one error type the front ends report.

use crate::core::browser::BrowserError;
use crate::core::error::{ErrorKind, Remedy, UserFacing};
use crate::core::http::HttpError;
use crate::core::provider::ProviderError;
use crate::core::store::StoreError;
use crate::core::store::vault::VaultError;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Browser(#[from] BrowserError),
    /// The account's lock file could not be taken.
    #[error("could not take the lock file {}: {source}", path.display())]
    Lock {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    /// Another process kept signing in to the account longer than `lock_wait_seconds`.
    #[error("{0}")]
    LockBusy(String),
    /// Something the demo cannot do (it keeps nothing).
    #[error("{0}")]
    DemoOnly(&'static str),
    /// The login autostart entry could not be written or removed.
    #[error("could not change the autostart entry: {0}")]
    Autostart(std::io::Error),
    /// A request that makes no sense (unknown setting, a secret given as a setting ...).
    #[error("{0}")]
    Usage(String),
    /// `require_ticket` is on and no ticket reference was given; nothing was run.
    #[error("a ticket reference is required (require_ticket is on); nothing was run")]
    TicketRequired,
    /// An import file that cannot be used; nothing was changed.
    #[error("{0}")]
    Import(String),
    /// Rows of an onboarding CSV that cannot be accounts (line and why); nothing was changed.
    #[error("{} row(s) of the file cannot be imported, so nothing was imported:\n{}", .0.len(), .0.join("\n"))]
    ImportRows(Vec<String>),
    /// Accounts of an import file are here already (same id or name); nothing was changed.
    #[error("{} of the file's accounts are here already: {}; nothing was imported", .0.len(), .0.join("; "))]
    ImportClash(Vec<String>),
    /// The account is in the team list, which this app only reads.
    #[error("'{0}' is in the team list, which is read-only here")]
    TeamReadOnly(String),
    /// An account names a credential set that is not saved here.
    #[error("there is no credential set named '{0}'")]
    CredentialUnknown(String),
    /// Accounts still use the credential set; nothing was removed.
    #[error("the credential set '{set}' is used by {} account(s): {}; nothing was removed", accounts.len(), accounts.join(", "))]
    CredentialInUse { set: String, accounts: Vec<String> },
}

impl UserFacing for EngineError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Store(err) => err.kind(),
            Self::Vault(err) => err.kind(),
            Self::Provider(err) => err.kind(),
            Self::Http(err) => err.kind(),
            Self::Browser(err) => err.kind(),
            Self::Lock { .. } | Self::Autostart(_) => ErrorKind::Internal,
            Self::LockBusy(_) => ErrorKind::Network,
            Self::Usage(_) | Self::DemoOnly(_) | Self::TicketRequired => ErrorKind::Usage,
            Self::Import(_) | Self::ImportClash(_) | Self::ImportRows(_) => ErrorKind::Config,
            Self::CredentialUnknown(_) => ErrorKind::NotFound,
            Self::TeamReadOnly(_) => ErrorKind::Usage,
            Self::CredentialInUse { .. } => ErrorKind::Usage,
        }
    }

    fn remedy(&self) -> Option<Remedy> {
        Some(match self {
            Self::Store(err) => return err.remedy(),
            Self::Vault(err) => return err.remedy(),
            Self::Provider(err) => return err.remedy(),
            Self::Http(err) => return err.remedy(),
            Self::Browser(err) => return err.remedy(),
            Self::Lock { .. } => Remedy::advice("Check that the data folder is writable."),
            Self::LockBusy(_) => Remedy::FinishOtherSignIn,
            Self::Autostart(_) => Remedy::advice("Check that ~/.config/autostart can be written."),
            Self::DemoOnly(_) => Remedy::LeaveDemo,
            Self::Usage(_) => Remedy::SeeUsage,
            Self::TicketRequired => Remedy::GiveTicket,
            Self::ImportRows(_) => Remedy::FixRowsOrSkipThem,
            Self::Import(_) => Remedy::advice("Nothing was imported; fix the file and try again."),
            Self::CredentialUnknown(_) => Remedy::ListCredentialSets,
            Self::TeamReadOnly(_) => Remedy::advice(
                "Change it in the team's file (whoever keeps the list), or import the list to keep your own copy.",
            ),
            Self::CredentialInUse { .. } => Remedy::advice(
                "Give those accounts another set or their own secrets first, then remove the set.",
            ),
            Self::ImportClash(_) => Remedy::advice(
                "Those accounts were probably imported before. To add the others, delete those accounts from the file (they stay as they are here), or rename them in the file and delete their \"id\" lines to import them as new accounts.",
            ),
        })
    }
}
