//! `accounts.toml`: the saved accounts, versioned, written atomically under a lock.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::StoreError;
use super::atomic::FileLock;
use super::toml_file::{read_versioned, write_toml};
use crate::core::account::{Account, AccountId};

/// The newest layout this release reads and writes. Version 2 adds `stage` and `credential`;
/// a file with neither is still written as version 1, so an older release keeps reading it.
pub const ACCOUNTS_SCHEMA_VERSION: u32 = 2;

/// The oldest schema version that holds these accounts.
fn version_for(accounts: &[Account]) -> u32 {
    if accounts
        .iter()
        .any(|account| account.stage.is_some() || account.credential.is_some())
    {
        2
    } else {
        1
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountsFile {
    schema_version: u32,
    #[serde(default)]
    accounts: Vec<Account>,
}

/// The account file. Every change is read-modify-write under a lock file, so a GUI and a
/// CLI running at once do not lose each other's edits; a file that fails to load is never
/// written back.
#[derive(Debug, Clone)]
pub struct AccountStore {
    path: PathBuf,
}

impl AccountStore {
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// All accounts, in file order. An absent file means no accounts yet.
    pub fn load(&self) -> Result<Vec<Account>, StoreError> {
        let file: Option<AccountsFile> = read_versioned(&self.path, ACCOUNTS_SCHEMA_VERSION)?;
        let accounts = file.map(|file| file.accounts).unwrap_or_default();
        validate(&self.path, &accounts)?;
        Ok(accounts)
    }

    /// Loads, applies `change`, validates and saves atomically, all under the store's lock.
    /// When `change` fails, nothing is written.
    pub fn update<T, E: From<StoreError>>(
        &self,
        change: impl FnOnce(&mut Vec<Account>) -> Result<T, E>,
    ) -> Result<T, E> {
        let _lock = FileLock::acquire(&self.lock_path()).map_err(|source| StoreError::Write {
            path: self.lock_path(),
            source,
        })?;
        let mut accounts = self.load()?;
        let result = change(&mut accounts)?;
        validate(&self.path, &accounts)?;
        write_toml(
            &self.path,
            &AccountsFile {
                schema_version: version_for(&accounts),
                accounts,
            },
        )?;
        Ok(result)
    }

    fn lock_path(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".lock");
        self.path.with_file_name(name)
    }
}

/// Finds an account by id, then exact name, then unique case-insensitive name prefix.
pub fn find_account<'a>(accounts: &'a [Account], query: &str) -> Result<&'a Account, StoreError> {
    let query = query.trim();
    if let Ok(id) = query.parse::<AccountId>()
        && let Some(account) = accounts.iter().find(|account| account.id == id)
    {
        return Ok(account);
    }
    if let Some(account) = accounts.iter().find(|account| account.name == query) {
        return Ok(account);
    }
    let lowered = query.to_lowercase();
    let matches: Vec<&Account> = accounts
        .iter()
        .filter(|account| account.name.to_lowercase().starts_with(&lowered))
        .collect();
    match matches.as_slice() {
        [] => Err(StoreError::NotFound(query.to_string())),
        [only] => Ok(only),
        several => Err(StoreError::Ambiguous {
            query: query.to_string(),
            matches: several.iter().map(|account| account.name.clone()).collect(),
        }),
    }
}

/// The index of an account found as by [`find_account`].
pub fn find_account_index(accounts: &[Account], query: &str) -> Result<usize, StoreError> {
    let id = find_account(accounts, query)?.id;
    Ok(accounts
        .iter()
        .position(|account| account.id == id)
        .expect("found account is in the list"))
}

/// Reads accounts.toml's text as [`AccountStore::load`] does (the fuzzing entry point).
#[cfg(feature = "fuzzing")]
pub(crate) fn parse(path: &Path, text: &str) -> Result<Vec<Account>, StoreError> {
    let file: AccountsFile =
        super::toml_file::parse_versioned(path, text, ACCOUNTS_SCHEMA_VERSION)?;
    validate(path, &file.accounts)?;
    Ok(file.accounts)
}

fn validate(path: &Path, accounts: &[Account]) -> Result<(), StoreError> {
    let invalid = |message: String| StoreError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let mut names = HashSet::new();
    let mut ids = HashSet::new();
    for account in accounts {
        if account.name.trim().is_empty() {
            return Err(invalid(format!("account {} has an empty name", account.id)));
        }
        if !names.insert(account.name.to_lowercase()) {
            return Err(invalid(format!(
                "two accounts are named '{}' (names must differ, ignoring case)",
                account.name
            )));
        }
        if !ids.insert(account.id) {
            return Err(invalid(format!("two accounts share the id {}", account.id)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_in(dir: &Path) -> AccountStore {
        AccountStore::new(dir.join("accounts.toml"))
    }

    #[test]
    fn round_trips_accounts_through_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_in(dir.path());
        let mut account = Account::new("Acme prod", crate::core::provider::assuresign::ID);
        account.tags = vec!["customer".into()];
        account.settings.insert("environment".into(), "sb".into());
        let expected = account.clone();
        store
            .update(|accounts| {
                accounts.push(account);
                Ok::<_, StoreError>(())
            })
            .unwrap();
        assert_eq!(store.load().unwrap(), vec![expected]);
        let text = std::fs::read_to_string(store.path()).unwrap();
        assert!(text.contains("schema_version = 1"), "{text}");
    }

    #[test]
    fn corrupt_file_reports_line_and_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_in(dir.path());
        let broken = "schema_version = 1\n\n[[accounts]]\nname = \"x\nprovider = 1\n";
        std::fs::write(store.path(), broken).unwrap();
        let err = store.load().unwrap_err();
        let message = err.to_string();
        assert!(message.contains("accounts.toml"), "{message}");
        assert!(message.contains("line 4"), "{message}");
        let update = store.update(|accounts| {
            accounts.clear();
            Ok::<_, StoreError>(())
        });
        assert!(matches!(update, Err(StoreError::Parse { .. })));
        assert_eq!(std::fs::read_to_string(store.path()).unwrap(), broken);
    }

    /// Version 2 adds `stage`: written only when an account has one, so an older release
    /// keeps reading a file without stages, and says "newer release" of one with them.
    #[test]
    fn a_stage_writes_version_2_and_version_1_still_reads() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_in(dir.path());
        let id = AccountId::new_random();
        std::fs::write(
            store.path(),
            format!("schema_version = 1\n[[accounts]]\nid = \"{id}\"\nname = \"Old\"\nprovider = \"ags\"\n"),
        )
        .unwrap();
        assert_eq!(store.load().unwrap()[0].stage(), None);
        store
            .update(|accounts| {
                accounts[0].stage = Some("production".into());
                Ok::<_, StoreError>(())
            })
            .unwrap();
        let text = std::fs::read_to_string(store.path()).unwrap();
        assert!(
            text.contains("schema_version = 2") && text.contains("stage = \"production\""),
            "{text}"
        );
        assert_eq!(store.load().unwrap()[0].stage(), Some("production"));
        let older_release =
            super::super::toml_file::parse_versioned::<AccountsFile>(store.path(), &text, 1);
        assert!(matches!(
            older_release,
            Err(StoreError::NewerSchema {
                found: 2,
                supported: 1,
                ..
            })
        ));
        store
            .update(|accounts| {
                accounts[0].stage = None;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        let text = std::fs::read_to_string(store.path()).unwrap();
        assert!(text.contains("schema_version = 1"), "{text}");
    }

    #[test]
    fn newer_schema_is_refused_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_in(dir.path());
        let future = "schema_version = 7\n[[accounts]]\nshape = \"new\"\n";
        std::fs::write(store.path(), future).unwrap();
        assert!(matches!(
            store.load(),
            Err(StoreError::NewerSchema { found: 7, .. })
        ));
        assert!(store.update(|_| Ok::<_, StoreError>(())).is_err());
        assert_eq!(std::fs::read_to_string(store.path()).unwrap(), future);
    }

    #[test]
    fn unknown_field_is_reported_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_in(dir.path());
        let id = AccountId::new_random();
        let text = format!(
            "schema_version = 1\n[[accounts]]\nid = \"{id}\"\nname = \"a\"\nprovider = \"ags\"\nfavorite = true\n"
        );
        std::fs::write(store.path(), text).unwrap();
        let message = store.load().unwrap_err().to_string();
        assert!(message.contains("favorite"), "{message}");
    }

    #[test]
    fn duplicate_names_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_in(dir.path());
        let result = store.update(|accounts| {
            accounts.push(Account::new("Same", crate::core::provider::ags::ID));
            accounts.push(Account::new("same", crate::core::provider::sovos::ID));
            Ok::<_, StoreError>(())
        });
        assert!(matches!(result, Err(StoreError::Invalid { .. })));
        assert!(
            !store.path().exists(),
            "nothing written after a failed change"
        );
    }

    #[test]
    fn find_by_id_exact_name_and_unique_prefix() {
        let accounts = vec![
            Account::new("Acme prod", crate::core::provider::assuresign::ID),
            Account::new("Acme", crate::core::provider::assuresign::ID),
            Account::new("Beta test", crate::core::provider::ags::ID),
        ];
        let id = accounts[2].id.to_string();
        assert_eq!(find_account(&accounts, &id).unwrap().name, "Beta test");
        assert_eq!(find_account(&accounts, "Acme").unwrap().name, "Acme");
        assert_eq!(find_account(&accounts, "beta").unwrap().name, "Beta test");
        match find_account(&accounts, "acm") {
            Err(StoreError::Ambiguous { matches, .. }) => assert_eq!(matches.len(), 2),
            other => panic!("expected ambiguity, got {other:?}"),
        }
        assert!(matches!(
            find_account(&accounts, "zeta"),
            Err(StoreError::NotFound(_))
        ));
    }
}
