//! Exporting and importing accounts: a versioned JSON file with settings, tags and notes,
//! never secrets. An import is checked whole before anything is written.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::core::account::{Account, AccountId, ProviderKind};
use crate::core::clock::rfc3339;
use crate::core::engine::{Engine, EngineError, check_account};
use crate::core::store::StoreError;

pub const EXPORT_FORMAT: &str = "sso-launcher-accounts";
pub const EXPORT_VERSION: u32 = 1;

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
    name: String,
    provider: ProviderKind,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    favourite: bool,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    settings: BTreeMap<String, String>,
}

impl Engine {
    /// All accounts as export JSON (no secrets, no ids: an import gets new ids).
    pub fn export_accounts(&self) -> Result<String, EngineError> {
        let accounts = self.accounts()?;
        let file = ExportFile {
            format: EXPORT_FORMAT.into(),
            version: EXPORT_VERSION,
            exported_at: Some(rfc3339(self.clock.now())),
            accounts: accounts
                .into_iter()
                .map(|account| ExportedAccount {
                    name: account.name,
                    provider: account.provider,
                    tags: account.tags,
                    favourite: account.favourite,
                    notes: account.notes,
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
        self.store.update(move |accounts| {
            let existing: HashSet<String> = accounts.iter().map(|a| a.name.to_lowercase()).collect();
            let clashes: Vec<&str> = imported
                .iter()
                .filter(|account| existing.contains(&account.name.to_lowercase()))
                .map(|account| account.name.as_str())
                .collect();
            if !clashes.is_empty() {
                return Err(StoreError::Invalid {
                    path: "import".into(),
                    message: format!(
                        "these accounts exist already: {} (rename or remove them first; nothing was imported)",
                        clashes.join(", ")
                    ),
                });
            }
            accounts.extend(imported);
            Ok(())
        })?;
        Ok(added)
    }
}

fn parse_import(text: &str) -> Result<Vec<Account>, EngineError> {
    let file: ExportFile = serde_json::from_str(text).map_err(|err| {
        EngineError::Import(format!(
            "the import file is not a valid sso-launcher export (line {}, column {}): {err}",
            err.line(),
            err.column()
        ))
    })?;
    if file.format != EXPORT_FORMAT {
        return Err(EngineError::Import(format!(
            "the file's format is '{}', expected '{EXPORT_FORMAT}'",
            file.format
        )));
    }
    if file.version > EXPORT_VERSION || file.version == 0 {
        return Err(EngineError::Import(format!(
            "the file has version {}, this release reads version {EXPORT_VERSION}",
            file.version
        )));
    }
    let mut names = HashSet::new();
    let mut accounts = Vec::new();
    for (index, entry) in file.accounts.into_iter().enumerate() {
        let position = format!("account {} ('{}')", index + 1, entry.name);
        if !names.insert(entry.name.trim().to_lowercase()) {
            return Err(EngineError::Import(format!(
                "{position} appears twice in the file"
            )));
        }
        let account = Account {
            id: AccountId::new_random(),
            name: entry.name.trim().to_string(),
            provider: entry.provider,
            tags: entry.tags,
            favourite: entry.favourite,
            notes: entry.notes,
            settings: entry.settings,
        };
        check_account(&account).map_err(|err| EngineError::Import(format!("{position}: {err}")))?;
        accounts.push(account);
    }
    Ok(accounts)
}
