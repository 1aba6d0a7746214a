//! Credential sets: one set of secrets, and the settings that go with them, that many
//! accounts use (one AssureSign API user acting for thousands of context users, one signNow
//! application, one LicenseSpring key pair). A set holds only what its provider marks as
//! shareable; its secrets are in the vault once, under the set's id. An account names the set
//! (`credential = "acme-api"`) and keeps the rest; cached tokens stay per account.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::core::account::{Account, AccountId, ProviderId};
use crate::core::provider::form::{FieldKind, FormField};
use crate::core::provider::require_provider;
use crate::core::store::vault::SecretKey;

/// A set's stable id: its vault entries are named after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CredentialId(uuid::Uuid);

impl CredentialId {
    pub fn new_random() -> Self {
        Self(uuid::Uuid::new_v4())
    }
}

impl fmt::Display for CredentialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

/// One credential set, as `credentials.toml` keeps it (never a secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialSet {
    pub id: CredentialId,
    pub name: String,
    pub provider: ProviderId,
    /// The provider's shareable settings (AssureSign's `api_username`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub settings: BTreeMap<String, String>,
}

impl CredentialSet {
    pub fn new(name: impl Into<String>, provider: ProviderId) -> Self {
        Self {
            id: CredentialId::new_random(),
            name: name.into(),
            provider,
            settings: BTreeMap::new(),
        }
    }

    /// Where one of its secrets is kept. Set ids and account ids are both random UUIDs, so
    /// they share the vault's naming without meeting.
    pub fn secret_key(&self, name: &str) -> SecretKey {
        SecretKey::new(self.vault_owner(), name)
    }

    /// The id its vault entries are named with.
    pub fn vault_owner(&self) -> AccountId {
        AccountId::from_uuid(self.id.0)
    }
}

/// The provider's fields a set may hold: its shareable settings and secrets.
pub fn shareable_fields(provider: ProviderId) -> impl Iterator<Item = &'static FormField> {
    require_provider(provider)
        .spec()
        .form
        .iter()
        .filter(|field| field.shareable)
}

/// The secrets a set may hold for `provider`.
pub fn shareable_secrets(provider: ProviderId) -> Vec<&'static str> {
    shareable_fields(provider)
        .filter(|field| field.kind == FieldKind::Secret)
        .map(|field| field.key)
        .collect()
}

/// Whether `provider` has anything a set could hold.
pub fn provider_shares(provider: ProviderId) -> bool {
    shareable_fields(provider).next().is_some()
}

/// The account as it signs in: its own settings, with the set's filling in those it leaves
/// empty.
pub fn with_set(account: &Account, set: &CredentialSet) -> Account {
    let mut merged = account.clone();
    for (key, value) in &set.settings {
        if account.setting(key).is_none() {
            merged.settings.insert(key.clone(), value.clone());
        }
    }
    merged
}

/// Whether `name` is a secret the account takes from its set (when the set holds it).
pub fn is_shared_secret(provider: ProviderId, name: &str) -> bool {
    shareable_secrets(provider).contains(&name)
}

/// Finds a set by name, ignoring case.
pub fn find_set<'a>(sets: &'a [CredentialSet], name: &str) -> Option<&'a CredentialSet> {
    let name = name.trim();
    sets.iter().find(|set| set.name.eq_ignore_ascii_case(name))
}

/// Checks a set's name and that it holds only settings its provider shares.
pub fn check_set(set: &CredentialSet) -> Result<(), String> {
    let name = set.name.trim();
    if name.is_empty() {
        return Err("a credential set needs a name".into());
    }
    if name.chars().any(char::is_control) {
        return Err("a credential set's name cannot hold control characters".into());
    }
    if !provider_shares(set.provider) {
        return Err(format!(
            "{} has nothing accounts can share, so it takes no credential set",
            set.provider.display_name()
        ));
    }
    let allowed: Vec<&str> = shareable_fields(set.provider)
        .filter(|field| field.kind != FieldKind::Secret)
        .map(|field| field.key)
        .collect();
    for key in set.settings.keys() {
        if !allowed.contains(&key.as_str()) {
            return Err(if allowed.is_empty() {
                format!(
                    "'{key}' is not a setting a credential set for {} holds (it holds only secrets)",
                    set.provider.display_name()
                )
            } else {
                format!(
                    "'{key}' is not a setting a credential set for {} holds; it holds only: {}",
                    set.provider.display_name(),
                    allowed.join(", ")
                )
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::provider::{assuresign, signnow};

    #[test]
    fn the_accounts_own_settings_win_and_the_set_fills_in_the_rest() {
        let mut set = CredentialSet::new("acme-api", assuresign::ID);
        set.settings
            .insert("api_username".into(), "shared-user".into());
        let mut account = Account::new("Acme", assuresign::ID);
        account
            .settings
            .insert("context_username".into(), "jo".into());
        let merged = with_set(&account, &set);
        assert_eq!(merged.setting("api_username"), Some("shared-user"));
        assert_eq!(merged.setting("context_username"), Some("jo"));
        account.settings.insert("api_username".into(), "own".into());
        assert_eq!(
            with_set(&account, &set).setting("api_username"),
            Some("own")
        );
    }

    #[test]
    fn a_set_holds_only_what_its_provider_shares() {
        let mut set = CredentialSet::new("acme-api", assuresign::ID);
        set.settings.insert("api_username".into(), "u".into());
        assert_eq!(check_set(&set), Ok(()));
        set.settings.insert("context_username".into(), "jo".into());
        let err = check_set(&set).unwrap_err();
        assert!(err.contains("'context_username'"), "{err}");
        assert!(err.contains("api_username"), "{err}");
        assert!(check_set(&CredentialSet::new(" ", assuresign::ID)).is_err());
        assert!(shareable_secrets(signnow::ID).contains(&"client_secret"));
        assert!(!shareable_secrets(signnow::ID).contains(&"password"));
    }

    #[test]
    fn a_sets_secrets_are_its_own_in_the_vault() {
        let one = CredentialSet::new("a", assuresign::ID);
        let two = CredentialSet::new("b", assuresign::ID);
        assert_ne!(
            one.secret_key("api_key").entry_name(),
            two.secret_key("api_key").entry_name()
        );
        assert!(
            one.secret_key("api_key")
                .entry_name()
                .contains(&one.id.to_string())
        );
    }
}
