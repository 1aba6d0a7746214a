//! Adding, editing and removing credential sets: the file under its lock, the secrets in the
//! vault (written first, rolled back when the file cannot be), and the cached sessions of the
//! accounts that use a set dropped when what they sign in with changes.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::core::account_changes::with_vault_changes;
use crate::core::blocking::blocking;
use crate::core::credentials::{CredentialSet, check_set, find_set, shareable_secrets};
use crate::core::engine_error::EngineError;
use crate::core::secret::SecretString;
use crate::core::sessions::Sessions;
use crate::core::store::StoreError;
use crate::core::store::accounts::AccountStore;
use crate::core::store::credentials::CredentialStore;
use crate::core::store::vault::SecretVault;

/// Changes to a set's shareable settings, as `credentials edit` sends them.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct CredentialEdit {
    pub set: BTreeMap<String, String>,
    pub unset: Vec<String>,
}

/// One set, with how many accounts use it and which of its secrets are stored.
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialSummary {
    pub set: CredentialSet,
    pub used_by: Vec<String>,
    pub secrets: Vec<(&'static str, bool)>,
}

pub struct CredentialBook {
    store: CredentialStore,
    accounts: AccountStore,
    vault: Arc<dyn SecretVault>,
    sessions: Arc<Sessions>,
}

impl CredentialBook {
    pub fn new(
        store: CredentialStore,
        accounts: AccountStore,
        vault: Arc<dyn SecretVault>,
        sessions: Arc<Sessions>,
    ) -> Self {
        Self {
            store,
            accounts,
            vault,
            sessions,
        }
    }

    pub fn all(&self) -> Result<Vec<CredentialSet>, StoreError> {
        self.store.load()
    }

    /// Every set with its users and the state of its secrets. Blocks on the vault.
    pub fn summaries(&self) -> Result<Vec<CredentialSummary>, EngineError> {
        let accounts = self.accounts.load()?;
        self.store
            .load()?
            .into_iter()
            .map(|set| {
                let used_by = users_of(&accounts, &set.name);
                let secrets = shareable_secrets(set.provider)
                    .into_iter()
                    .map(|name| Ok((name, self.vault.get(&set.secret_key(name))?.is_some())))
                    .collect::<Result<Vec<_>, EngineError>>()?;
                Ok(CredentialSummary {
                    set,
                    used_by,
                    secrets,
                })
            })
            .collect()
    }

    /// Saves a new set and its secrets (vault first; a failure undoes both). Blocks.
    pub fn add(
        &self,
        set: CredentialSet,
        secrets: Vec<(String, SecretString)>,
    ) -> Result<CredentialSet, EngineError> {
        check_set(&set).map_err(EngineError::Usage)?;
        check_secret_names(&set, &secrets)?;
        let changes = secrets
            .into_iter()
            .map(|(name, value)| (name, Some(value)))
            .collect();
        let saved = set.clone();
        with_vault_changes(self.vault.as_ref(), set.vault_owner(), changes, || {
            self.store.update(|sets| {
                if find_set(sets, &set.name).is_some() {
                    return Err(EngineError::Usage(format!(
                        "a credential set named '{}' already exists",
                        set.name.trim()
                    )));
                }
                sets.push(set);
                Ok(())
            })
        })?;
        Ok(saved)
    }

    /// Changes a set's settings and secrets; every account that uses it signs in afresh.
    pub async fn edit(
        &self,
        name: &str,
        edit: CredentialEdit,
        secrets: Vec<(String, SecretString)>,
    ) -> Result<CredentialSet, EngineError> {
        let store = self.store.clone();
        let vault = self.vault.clone();
        let name = name.to_string();
        let saved = blocking(move || -> Result<CredentialSet, EngineError> {
            let found = find_set(&store.load()?, &name)
                .cloned()
                .ok_or_else(|| EngineError::CredentialUnknown(name.clone()))?;
            check_secret_names(&found, &secrets)?;
            let changes = secrets
                .into_iter()
                .map(|(name, value)| (name, Some(value)))
                .collect();
            with_vault_changes(vault.as_ref(), found.vault_owner(), changes, || {
                store.update(|sets| {
                    let set = sets
                        .iter_mut()
                        .find(|set| set.id == found.id)
                        .ok_or_else(|| EngineError::CredentialUnknown(found.name.clone()))?;
                    for key in &edit.unset {
                        set.settings.remove(key);
                    }
                    set.settings.extend(edit.set.clone());
                    check_set(set).map_err(EngineError::Usage)?;
                    Ok(set.clone())
                })
            })
        })
        .await?;
        self.forget_sessions_of(&saved.name).await?;
        Ok(saved)
    }

    /// Removes a set and its secrets; refused, naming them, while accounts use it.
    pub async fn remove(&self, name: &str) -> Result<CredentialSet, EngineError> {
        let store = self.store.clone();
        let accounts = self.accounts.clone();
        let vault = self.vault.clone();
        let name = name.to_string();
        blocking(move || -> Result<CredentialSet, EngineError> {
            let found = find_set(&store.load()?, &name)
                .cloned()
                .ok_or_else(|| EngineError::CredentialUnknown(name.clone()))?;
            let users = users_of(&accounts.load()?, &found.name);
            if !users.is_empty() {
                return Err(EngineError::CredentialInUse {
                    set: found.name,
                    accounts: users,
                });
            }
            let changes = shareable_secrets(found.provider)
                .into_iter()
                .map(|name| (name.to_string(), None))
                .collect();
            with_vault_changes(vault.as_ref(), found.vault_owner(), changes, || {
                store.update(|sets| {
                    sets.retain(|set| set.id != found.id);
                    Ok::<_, EngineError>(())
                })
            })?;
            Ok(found)
        })
        .await
    }

    async fn forget_sessions_of(&self, set: &str) -> Result<(), EngineError> {
        let users: Vec<_> = self
            .accounts
            .load()?
            .into_iter()
            .filter(|account| {
                account
                    .credential()
                    .is_some_and(|name| name.eq_ignore_ascii_case(set))
            })
            .collect();
        for account in users {
            self.sessions.forget(account.id).await?;
        }
        Ok(())
    }
}

/// The names of the accounts that use the set.
fn users_of(accounts: &[crate::core::account::Account], set: &str) -> Vec<String> {
    accounts
        .iter()
        .filter(|account| {
            account
                .credential()
                .is_some_and(|name| name.eq_ignore_ascii_case(set.trim()))
        })
        .map(|account| account.name.clone())
        .collect()
}

fn check_secret_names(
    set: &CredentialSet,
    secrets: &[(String, SecretString)],
) -> Result<(), EngineError> {
    let allowed = shareable_secrets(set.provider);
    match secrets
        .iter()
        .find(|(name, _)| !allowed.contains(&name.as_str()))
    {
        Some((name, _)) => Err(EngineError::Usage(format!(
            "'{name}' is not a secret a credential set for {} holds; it holds only: {}",
            set.provider.display_name(),
            allowed.join(", ")
        ))),
        None => Ok(()),
    }
}
