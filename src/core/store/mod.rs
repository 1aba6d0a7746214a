//! Persistent state: the account file, the global settings file and the secret vault.

pub mod accounts;
pub mod atomic;
pub mod credentials;
pub mod remembered;
pub mod settings;
pub mod settings_change;
pub(crate) mod toml_file;
pub mod vault;
pub mod vault_choice;
pub mod vault_file;
pub mod vault_prompt;

use std::path::PathBuf;

use crate::core::error::{ErrorKind, Remedy, UserFacing};

/// Errors reading or writing `accounts.toml` or `settings.toml`.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file exists but could not be read.
    #[error("could not read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not valid TOML or does not have the expected layout.
    #[error("{} is not valid{}: {message}", path.display(), line.map(|l| format!(" (line {l})")).unwrap_or_default())]
    Parse {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
    /// The file was written by a newer release of the app.
    #[error("{} has schema version {found}, but this release understands up to {supported}", path.display())]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: u32,
    },
    /// The file parsed, but its content breaks a rule (duplicate names ...).
    #[error("{} is not valid: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    /// The file could not be written; the old one is intact.
    #[error("could not save {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Another account already has this name.
    #[error("an account named '{0}' already exists")]
    NameTaken(String),
    /// No account matched the name or id.
    #[error("no account matches '{0}'")]
    NotFound(String),
    /// Several accounts start with the given prefix.
    #[error("'{query}' matches several accounts: {}", matches.join(", "))]
    Ambiguous { query: String, matches: Vec<String> },
}

impl UserFacing for StoreError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::NotFound(_) | Self::Ambiguous { .. } => ErrorKind::NotFound,
            Self::NameTaken(_) => ErrorKind::Usage,
            _ => ErrorKind::Config,
        }
    }

    fn remedy(&self) -> Option<Remedy> {
        Some(match self {
            Self::Parse { .. } | Self::Invalid { .. } => Remedy::advice(
                "Fix the file by hand (it was left untouched), or move it aside to start afresh.",
            ),
            Self::NewerSchema { .. } => {
                Remedy::advice("Upgrade sso-launcher; this file was left untouched.")
            }
            Self::Read { .. } | Self::Write { .. } => {
                Remedy::advice("Check that the folder exists and that you may write to it.")
            }
            Self::NameTaken(_) => {
                Remedy::advice("Choose another name, or edit the existing account.")
            }
            Self::NotFound(_) => Remedy::ListAccounts,
            Self::Ambiguous { .. } => {
                Remedy::advice("Type more of the name, or use the account id.")
            }
        })
    }
}
