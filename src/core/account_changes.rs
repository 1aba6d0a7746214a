//! Adding, editing and removing accounts. Every change is read-modify-write under the
//! account file's lock and applied to the account as the file holds it then, so a change made
//! meanwhile elsewhere (the CLI, the window, the tray) is kept. The keyring is written first
//! and rolled back when the file cannot be; keyring calls run on blocking threads, never on
//! the async ones (a keyring prompt must not stall every launch).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::core::account::{Account, AccountId, ProviderId};
use crate::core::blocking::blocking;
use crate::core::clock::Clock;
use crate::core::credentials::{CredentialSet, find_set, is_shared_secret, with_set};
use crate::core::engine_error::EngineError;
use crate::core::provider::form::setting_fields;
use crate::core::provider::require_provider;
use crate::core::secret::SecretString;
use crate::core::sessions::Sessions;
use crate::core::store::StoreError;
use crate::core::store::accounts::{AccountStore, find_account};
use crate::core::store::credentials::CredentialStore;
use crate::core::store::remembered::RememberedStore;
use crate::core::store::vault::{SecretKey, SecretVault, VaultError};
use crate::core::tokens::SESSION_SLOT;

/// Changes to an account, as `accounts edit` or an editor sends them: only what the user
/// changed, applied over the account as it is saved when the change is made.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct AccountEdit {
    pub rename: Option<String>,
    pub set: BTreeMap<String, String>,
    /// Settings to remove (one already gone is not an error: the wish is met).
    pub unset: Vec<String>,
    /// Replaces the tags when given.
    pub tags: Option<Vec<String>>,
    pub favourite: Option<bool>,
    pub notes: Option<String>,
    /// A new stage when `Some`: `Some(None)` removes it.
    pub stage: Option<Option<String>>,
    /// A credential set to use when `Some`: `Some(None)` goes back to the account's own
    /// secrets.
    pub credential: Option<Option<String>>,
}

impl AccountEdit {
    /// What turns `before` (the account as an editor opened it) into `after` (as it saves it).
    pub fn between(before: &Account, after: &Account) -> Self {
        Self {
            rename: (after.name != before.name).then(|| after.name.clone()),
            set: after
                .settings
                .iter()
                .filter(|(key, value)| before.settings.get(*key) != Some(*value))
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect(),
            unset: before
                .settings
                .keys()
                .filter(|key| !after.settings.contains_key(*key))
                .cloned()
                .collect(),
            tags: (after.tags != before.tags).then(|| after.tags.clone()),
            favourite: (after.favourite != before.favourite).then_some(after.favourite),
            notes: (after.notes != before.notes).then(|| after.notes.clone()),
            stage: (after.stage() != before.stage()).then(|| after.stage().map(str::to_string)),
            credential: (after.credential() != before.credential())
                .then(|| after.credential().map(str::to_string)),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    fn apply_to(&self, account: &mut Account) {
        if let Some(name) = &self.rename {
            account.name = name.trim().to_string();
        }
        for key in &self.unset {
            account.settings.remove(key);
        }
        account.settings.extend(self.set.clone());
        if let Some(tags) = &self.tags {
            account.tags = tags.clone();
        }
        if let Some(favourite) = self.favourite {
            account.favourite = favourite;
        }
        if let Some(notes) = &self.notes {
            account.notes = notes.clone();
        }
        if let Some(stage) = &self.stage {
            account.stage = stage.as_deref().map(str::trim).map(str::to_string);
        }
        if let Some(credential) = &self.credential {
            account.credential = credential.as_deref().map(str::trim).map(str::to_string);
        }
    }
}

/// The saved accounts: the file, their secrets in the vault, and what is kept for them.
pub struct AccountBook {
    store: AccountStore,
    credentials: CredentialStore,
    vault: Arc<dyn SecretVault>,
    remembered: RememberedStore,
    sessions: Arc<Sessions>,
    clock: Arc<dyn Clock>,
}

impl AccountBook {
    pub fn new(
        store: AccountStore,
        credentials: CredentialStore,
        vault: Arc<dyn SecretVault>,
        remembered: RememberedStore,
        sessions: Arc<Sessions>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            credentials,
            vault,
            remembered,
            sessions,
            clock,
        }
    }

    pub fn all(&self) -> Result<Vec<Account>, StoreError> {
        self.store.load()
    }

    /// The saved credential sets (imports check the sets their accounts name).
    pub(crate) fn credential_sets(&self) -> Result<Vec<CredentialSet>, StoreError> {
        self.credentials.load()
    }

    pub fn find(&self, query: &str) -> Result<Account, StoreError> {
        find_account(&self.store.load()?, query).cloned()
    }

    /// Changes the account file under its lock (see [`AccountStore::update`]).
    pub(crate) fn update<T>(
        &self,
        change: impl FnOnce(&mut Vec<Account>) -> Result<T, EngineError>,
    ) -> Result<T, EngineError> {
        self.store.update(change)
    }

    /// Drops the account's cached session (what it signs in with changed).
    pub(crate) async fn forget_session(&self, id: AccountId) -> Result<(), EngineError> {
        self.sessions.forget(id).await?;
        Ok(())
    }

    pub(crate) fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }

    /// Which of the account's secrets are set (names only), its credential set's counting.
    /// Blocks on the vault.
    pub fn secret_status(
        &self,
        account: &Account,
    ) -> Result<Vec<(&'static str, bool)>, EngineError> {
        let sets = match account.credential() {
            Some(_) => self.credentials.load()?,
            None => Vec::new(),
        };
        let set = account.credential().and_then(|name| find_set(&sets, name));
        require_provider(account.provider)
            .spec()
            .secrets()
            .map(|spec| {
                let in_set = match set {
                    Some(set) if is_shared_secret(account.provider, spec.key) => {
                        self.vault.get(&set.secret_key(spec.key))?.is_some()
                    }
                    _ => false,
                };
                let own = in_set
                    || self
                        .vault
                        .get(&SecretKey::new(account.id, spec.key))?
                        .is_some();
                Ok((spec.key, own))
            })
            .collect()
    }

    /// Saves a new account and its secrets: vault first, then the file; a failure undoes
    /// both. Blocks on the vault and the disk.
    pub fn add_account(
        &self,
        account: Account,
        secrets: Vec<(String, SecretString)>,
    ) -> Result<Account, EngineError> {
        check_account_using(&account, &self.credentials.load()?)?;
        check_secret_names(account.provider, &secrets)?;
        let changes = secrets
            .into_iter()
            .map(|(name, value)| (name, Some(value)))
            .collect();
        let saved = account.clone();
        with_vault_changes(self.vault.as_ref(), account.id, changes, || {
            self.store.update(|accounts| {
                if accounts
                    .iter()
                    .any(|other| other.name.eq_ignore_ascii_case(&account.name))
                {
                    return Err(StoreError::NameTaken(account.name.clone()).into());
                }
                accounts.push(account);
                Ok(())
            })
        })?;
        Ok(saved)
    }

    /// Applies an edit and new secrets. A changed setting or secret drops the cached session.
    pub async fn edit_account(
        &self,
        query: &str,
        edit: AccountEdit,
        secrets: Vec<(String, SecretString)>,
    ) -> Result<Account, EngineError> {
        let store = self.store.clone();
        let credentials = self.credentials.clone();
        let vault = self.vault.clone();
        let query = query.to_string();
        let (saved, identity_changed) = blocking(move || {
            let sets = credentials.load()?;
            edit_in_file(&store, &sets, vault.as_ref(), &query, &edit, secrets)
        })
        .await?;
        if identity_changed {
            self.sessions.forget(saved.id).await?;
        }
        Ok(saved)
    }

    /// Removes the account, its secrets and its cached tokens.
    pub async fn remove_account(&self, query: &str) -> Result<Account, EngineError> {
        let store = self.store.clone();
        let vault = self.vault.clone();
        let remembered = self.remembered.clone();
        let query = query.to_string();
        let account = blocking(move || -> Result<Account, EngineError> {
            let account = find_account(&store.load()?, &query)?.clone();
            let mut names: Vec<String> = require_provider(account.provider)
                .spec()
                .secrets()
                .map(|spec| spec.key.to_string())
                .collect();
            names.push(SESSION_SLOT.to_string());
            let changes = names.into_iter().map(|name| (name, None)).collect();
            with_vault_changes(vault.as_ref(), account.id, changes, || {
                store.update(|accounts| {
                    let index = index_of(accounts, &account)?;
                    accounts.remove(index);
                    Ok(())
                })
            })?;
            remembered.remove(account.id);
            Ok(account)
        })
        .await?;
        self.sessions.forget(account.id).await?;
        Ok(account)
    }
}

/// The edit applied to the account as the file holds it now, under the file's lock.
/// Returns the saved account and whether what it signs in with changed.
fn edit_in_file(
    store: &AccountStore,
    sets: &[CredentialSet],
    vault: &dyn SecretVault,
    query: &str,
    edit: &AccountEdit,
    secrets: Vec<(String, SecretString)>,
) -> Result<(Account, bool), EngineError> {
    let found = find_account(&store.load()?, query)?.clone();
    check_secret_names(found.provider, &secrets)?;
    let new_secrets = !secrets.is_empty();
    let changes = secrets
        .into_iter()
        .map(|(name, value)| (name, Some(value)))
        .collect();
    with_vault_changes(vault, found.id, changes, || {
        store.update(|accounts| {
            let index = index_of(accounts, &found)?;
            let before = accounts[index].clone();
            let mut updated = before.clone();
            edit.apply_to(&mut updated);
            check_account_using(&updated, sets)?;
            if accounts.iter().any(|other| {
                other.id != updated.id && other.name.eq_ignore_ascii_case(&updated.name)
            }) {
                return Err(StoreError::NameTaken(updated.name.clone()).into());
            }
            let identity_changed = updated.settings != before.settings
                || updated.credential() != before.credential()
                || new_secrets;
            accounts[index] = updated.clone();
            Ok((updated, identity_changed))
        })
    })
}

/// Where the account is in the file now (it may have been removed meanwhile).
fn index_of(accounts: &[Account], account: &Account) -> Result<usize, StoreError> {
    accounts
        .iter()
        .position(|other| other.id == account.id)
        .ok_or_else(|| StoreError::NotFound(account.name.clone()))
}

/// Applies vault changes (`None` deletes), then `then`; on any failure restores every
/// vault entry it touched, so the vault and the file never disagree.
pub(crate) fn with_vault_changes<T>(
    vault: &dyn SecretVault,
    account: AccountId,
    changes: Vec<(String, Option<SecretString>)>,
    then: impl FnOnce() -> Result<T, EngineError>,
) -> Result<T, EngineError> {
    let mut previous: Vec<(SecretKey, Option<SecretString>)> = Vec::new();
    let apply = || -> Result<(), VaultError> {
        for (name, value) in changes {
            let key = SecretKey::new(account, name);
            let before = vault.get(&key)?;
            match &value {
                Some(value) => vault.set(&key, value)?,
                None => vault.delete(&key)?,
            }
            previous.push((key, before));
        }
        Ok(())
    };
    let outcome = apply().map_err(EngineError::from).and_then(|()| then());
    if outcome.is_err() {
        for (key, before) in previous.into_iter().rev() {
            let restored = match before {
                Some(value) => vault.set(&key, &value),
                None => vault.delete(&key),
            };
            if let Err(err) = restored {
                tracing::error!(entry = %key.entry_name(), "could not roll back a keyring entry: {err}");
            }
        }
    }
    outcome
}

/// The provider's secrets, by name, for messages.
fn secret_names(provider: &dyn crate::core::provider::Provider) -> String {
    let names: Vec<_> = provider.spec().secrets().map(|spec| spec.key).collect();
    names.join(", ")
}

/// Whether a setting key names a secret (`param.Password`, `param.sessionToken`): such a value
/// would sit in plain text in accounts.toml.
fn names_a_secret(key: &str) -> bool {
    let name = key.rsplit('.').next().unwrap_or(key).to_ascii_lowercase();
    let name: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    [
        "password",
        "passwd",
        "passphrase",
        "secret",
        "token",
        "apikey",
        "privatekey",
        "sharedkey",
    ]
    .iter()
    .any(|word| name.contains(word))
}

/// Checks the account as it signs in: with the credential set it names (which must be saved
/// and for its provider) filling in the settings it shares.
pub fn check_account_using(account: &Account, sets: &[CredentialSet]) -> Result<(), EngineError> {
    let Some(name) = account.credential() else {
        return check_account(account);
    };
    let set = find_set(sets, name).ok_or_else(|| EngineError::CredentialUnknown(name.into()))?;
    if set.provider != account.provider {
        return Err(EngineError::Usage(format!(
            "the credential set '{}' is for {}, and '{}' is a {} account",
            set.name,
            set.provider.display_name(),
            account.name,
            account.provider.display_name()
        )));
    }
    check_account(&with_set(account, set))
}

/// Checks the name, the setting keys and the values.
pub fn check_account(account: &Account) -> Result<(), EngineError> {
    if account.name.trim().is_empty() {
        return Err(EngineError::Usage("an account needs a name".into()));
    }
    let provider = require_provider(account.provider);
    for key in account.settings.keys() {
        if provider.spec().secrets().any(|spec| spec.key == key) {
            return Err(EngineError::Usage(format!(
                "'{key}' is a secret: it goes to the OS keyring, never into settings (use --secrets-from-stdin or the prompt)"
            )));
        }
        if names_a_secret(key) {
            return Err(EngineError::Usage(format!(
                "'{key}' looks like a secret, and settings are kept in plain text: give it as one of the account's secrets ({}) instead",
                secret_names(provider)
            )));
        }
        let known = setting_fields(account.provider).any(|field| field.matches(key));
        if !known {
            let names: Vec<_> = setting_fields(account.provider)
                .map(|field| field.key)
                .collect();
            return Err(EngineError::Usage(format!(
                "{} accounts have no setting '{key}'; known settings: {}",
                account.provider.display_name(),
                names.join(", ")
            )));
        }
    }
    provider.validate(account)?;
    crate::core::launch::browser_mode(account)?;
    Ok(())
}

fn check_secret_names(
    kind: ProviderId,
    secrets: &[(String, SecretString)],
) -> Result<(), EngineError> {
    let provider = require_provider(kind);
    for (name, _) in secrets {
        if !provider.spec().secrets().any(|spec| spec.key == name) {
            return Err(EngineError::Usage(format!(
                "{} accounts have no secret '{name}'; known secrets: {}",
                kind.display_name(),
                secret_names(provider)
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_holds_only_what_changed() {
        let mut before = Account::new("Acme", crate::core::provider::assuresign::ID);
        before.settings.insert("environment".into(), "sb".into());
        before.settings.insert("envelope_id".into(), "e1".into());
        before.tags = vec!["a".into()];
        let mut after = before.clone();
        after.tags = vec!["a".into(), "b".into()];
        after.settings.remove("envelope_id");
        let edit = AccountEdit::between(&before, &after);
        assert_eq!(
            edit,
            AccountEdit {
                unset: vec!["envelope_id".into()],
                tags: Some(vec!["a".into(), "b".into()]),
                ..AccountEdit::default()
            }
        );
        assert!(AccountEdit::between(&before, &before).is_empty());

        // Applied over a version changed meanwhile (another setting edited elsewhere).
        let mut meanwhile = before.clone();
        meanwhile
            .settings
            .insert("environment".into(), "na1".into());
        edit.apply_to(&mut meanwhile);
        assert_eq!(meanwhile.setting("environment"), Some("na1"));
        assert_eq!(meanwhile.setting("envelope_id"), None);
        assert_eq!(meanwhile.tags, ["a", "b"]);
    }
}
