//! Exporting and importing accounts: a versioned JSON file with settings, tags and notes,
//! never secrets. An import is checked whole before anything is written.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::core::account::{Account, AccountId, ProviderId};
use crate::core::account_changes::{AccountBook, check_account};
use crate::core::clock::rfc3339;
use crate::core::engine_error::EngineError;

pub const EXPORT_FORMAT: &str = "sso-launcher-accounts";
/// The newest export layout; version 2 adds `stage`. An export with no stage is written as
/// version 1, so an older release keeps importing it.
pub const EXPORT_VERSION: u32 = 2;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportFile {
    format: String,
    version: u32,
    #[serde(default)]
    exported_at: Option<String>,
    accounts: Vec<ExportedAccount>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportedAccount {
    /// Kept on import, so a launch link (`sso-launcher://launch/<id>`) in a shared wiki opens
    /// the same account for everyone who imported the same list. Older exports have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<AccountId>,
    name: String,
    provider: ProviderId,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    favourite: bool,
    #[serde(default)]
    notes: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stage: Option<String>,
    #[serde(default)]
    settings: BTreeMap<String, String>,
}

/// The fields every version of the export has, read first: a file from a newer release is
/// reported as such, not as a field this release does not know.
#[derive(Deserialize)]
struct ExportHeader {
    format: String,
    version: u32,
}

impl AccountBook {
    /// All accounts as export JSON (no secrets; with their ids, which an import keeps).
    pub fn export_accounts(&self) -> Result<String, EngineError> {
        let accounts = self.all()?;
        let file = ExportFile {
            format: EXPORT_FORMAT.into(),
            version: if accounts.iter().any(|account| account.stage.is_some()) {
                EXPORT_VERSION
            } else {
                1
            },
            exported_at: Some(rfc3339(self.now())),
            accounts: accounts
                .into_iter()
                .map(|account| ExportedAccount {
                    id: Some(account.id),
                    name: account.name,
                    provider: account.provider,
                    tags: account.tags,
                    favourite: account.favourite,
                    notes: account.notes,
                    stage: account.stage,
                    settings: account.settings,
                })
                .collect(),
        };
        Ok(serde_json::to_string_pretty(&file).expect("export serialises") + "\n")
    }

    /// Adds the accounts of an export file. The whole file is checked first; any problem
    /// refuses the import and changes nothing. Returns the imported accounts.
    pub fn import_accounts(&self, text: &str) -> Result<Vec<Account>, EngineError> {
        let imported = parse_import(text)?;
        let added = imported.clone();
        self.update(move |accounts| {
            let clashes: Vec<String> = imported
                .iter()
                .filter_map(|account| clash(accounts, account))
                .collect();
            if !clashes.is_empty() {
                return Err(EngineError::ImportClash(clashes));
            }
            accounts.extend(imported);
            Ok(())
        })?;
        Ok(added)
    }
}

/// Why `imported` cannot join `accounts`, if it cannot.
fn clash(accounts: &[Account], imported: &Account) -> Option<String> {
    if let Some(same_id) = accounts.iter().find(|other| other.id == imported.id) {
        return Some(if same_id.name == imported.name {
            format!("'{}' (the same account)", imported.name)
        } else {
            format!(
                "'{}' (the same account as '{}' here)",
                imported.name, same_id.name
            )
        });
    }
    accounts
        .iter()
        .find(|other| other.name.eq_ignore_ascii_case(&imported.name))
        .map(|other| format!("'{}' (another account has this name)", other.name))
}

fn parse_import(text: &str) -> Result<Vec<Account>, EngineError> {
    let not_an_export = |err: serde_json::Error| {
        EngineError::Import(format!(
            "the import file is not a valid sso-launcher export (line {}, column {}): {err}",
            err.line(),
            err.column()
        ))
    };
    let header: ExportHeader = serde_json::from_str(text).map_err(not_an_export)?;
    if header.format != EXPORT_FORMAT {
        return Err(EngineError::Import(format!(
            "the file's format is '{}', expected '{EXPORT_FORMAT}'",
            header.format
        )));
    }
    if header.version > EXPORT_VERSION {
        return Err(EngineError::Import(format!(
            "the file has version {}, written by a newer release of sso-launcher; this release reads versions 1 to {EXPORT_VERSION}: upgrade to import it",
            header.version
        )));
    }
    let file: ExportFile = serde_json::from_str(text).map_err(not_an_export)?;
    if file.version == 0 {
        return Err(EngineError::Import(
            "the file has version 0, which no release writes".into(),
        ));
    }
    let mut names = HashSet::new();
    let mut ids = HashSet::new();
    let mut accounts = Vec::new();
    for (index, entry) in file.accounts.into_iter().enumerate() {
        let position = format!("account {} ('{}')", index + 1, entry.name);
        if !names.insert(entry.name.trim().to_lowercase()) {
            return Err(EngineError::Import(format!(
                "{position} appears twice in the file"
            )));
        }
        let id = entry.id.unwrap_or_else(AccountId::new_random);
        if id == AccountId::nil() || !ids.insert(id) {
            return Err(EngineError::Import(format!(
                "{position} has the id {id}, which another account in the file has too (or which is not an account id)"
            )));
        }
        let account = Account {
            id,
            name: entry.name.trim().to_string(),
            provider: entry.provider,
            tags: entry.tags,
            favourite: entry.favourite,
            notes: entry.notes,
            stage: entry.stage,
            settings: entry.settings,
        };
        check_account(&account).map_err(|err| EngineError::Import(format!("{position}: {err}")))?;
        accounts.push(account);
    }
    Ok(accounts)
}
