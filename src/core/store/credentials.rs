//! `credentials.toml`: the credential sets (names, providers, shareable settings; never a
//! secret), versioned, written atomically under a lock, as `accounts.toml` is.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::StoreError;
use super::atomic::FileLock;
use super::toml_file::{read_versioned, write_toml};
use crate::core::credentials::CredentialSet;

pub const CREDENTIALS_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialsFile {
    schema_version: u32,
    #[serde(default)]
    sets: Vec<CredentialSet>,
}

#[derive(Debug, Clone)]
pub struct CredentialStore {
    path: PathBuf,
}

impl CredentialStore {
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every set, in file order; none when the file does not exist yet.
    pub fn load(&self) -> Result<Vec<CredentialSet>, StoreError> {
        let file: Option<CredentialsFile> = read_versioned(&self.path, CREDENTIALS_SCHEMA_VERSION)?;
        let sets = file.map(|file| file.sets).unwrap_or_default();
        validate(&self.path, &sets)?;
        Ok(sets)
    }

    /// Loads, applies `change`, validates and saves atomically under the file's lock; a
    /// failed change writes nothing.
    pub fn update<T, E: From<StoreError>>(
        &self,
        change: impl FnOnce(&mut Vec<CredentialSet>) -> Result<T, E>,
    ) -> Result<T, E> {
        let lock_path = self.path.with_extension("toml.lock");
        let _lock = FileLock::acquire(&lock_path).map_err(|source| StoreError::Write {
            path: lock_path.clone(),
            source,
        })?;
        let mut sets = self.load()?;
        let result = change(&mut sets)?;
        validate(&self.path, &sets)?;
        write_toml(
            &self.path,
            &CredentialsFile {
                schema_version: CREDENTIALS_SCHEMA_VERSION,
                sets,
            },
        )?;
        Ok(result)
    }
}

fn validate(path: &Path, sets: &[CredentialSet]) -> Result<(), StoreError> {
    let invalid = |message: String| StoreError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let mut names = HashSet::new();
    let mut ids = HashSet::new();
    for set in sets {
        crate::core::credentials::check_set(set)
            .map_err(|message| invalid(format!("credential set '{}': {message}", set.name)))?;
        if !names.insert(set.name.trim().to_lowercase()) {
            return Err(invalid(format!(
                "two credential sets are named '{}' (names must differ, ignoring case)",
                set.name
            )));
        }
        if !ids.insert(set.id) {
            return Err(invalid(format!(
                "two credential sets share the id {}",
                set.id
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::provider::assuresign;

    #[test]
    fn round_trips_and_refuses_a_hand_edited_duplicate_without_writing() {
        let dir = tempfile::tempdir().unwrap();
        let store = CredentialStore::new(dir.path().join("credentials.toml"));
        assert!(store.load().unwrap().is_empty());
        let mut set = CredentialSet::new("acme-api", assuresign::ID);
        set.settings.insert("api_username".into(), "api".into());
        let expected = set.clone();
        store
            .update(|sets| {
                sets.push(set);
                Ok::<_, StoreError>(())
            })
            .unwrap();
        assert_eq!(store.load().unwrap(), vec![expected.clone()]);
        let text = std::fs::read_to_string(store.path()).unwrap();
        let doubled = format!(
            "{text}\n[[sets]]\nid = \"{}\"\nname = \"ACME-api\"\nprovider = \"assuresign\"\n",
            crate::core::credentials::CredentialId::new_random()
        );
        std::fs::write(store.path(), &doubled).unwrap();
        let err = store.load().unwrap_err().to_string();
        assert!(err.contains("two credential sets are named"), "{err}");
        let refused = store.update(|sets| {
            sets.clear();
            Ok::<_, StoreError>(())
        });
        assert!(refused.is_err());
        assert_eq!(std::fs::read_to_string(store.path()).unwrap(), doubled);
    }
}
