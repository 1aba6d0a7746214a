//! The secret vault: per-account secrets and long-lived tokens, in the OS keyring.
//!
//! Every call may block (D-Bus, an OS unlock prompt): call it from a worker, never a UI thread.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use crate::core::account::AccountId;
use crate::core::error::{ErrorKind, UserFacing};
use crate::core::secret::SecretString;

/// The keyring service name every entry is filed under.
pub const KEYRING_SERVICE: &str = "sso-launcher";
/// Version of the entry naming scheme, part of every entry name so it can change later.
const KEY_FORMAT: &str = "v1";

/// Which vault implementation is in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VaultBackend {
    /// The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager).
    Keyring,
    /// Process memory: forgotten at exit. For tests and demos only; chosen explicitly.
    Memory,
}

impl fmt::Display for VaultBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Keyring => "keyring",
            Self::Memory => "memory",
        })
    }
}

/// Names one secret of one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretKey {
    pub account: AccountId,
    pub name: String,
}

impl SecretKey {
    pub fn new(account: AccountId, name: impl Into<String>) -> Self {
        Self {
            account,
            name: name.into(),
        }
    }

    /// The keyring user name: `v1:<account id>:<secret name>`.
    pub fn entry_name(&self) -> String {
        format!("{KEY_FORMAT}:{}:{}", self.account, self.name)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// No keyring backend can be reached at all.
    #[error("the OS keyring is not reachable: {detail}")]
    Unavailable { detail: String },
    /// The keyring is there but locked or refused access.
    #[error("the OS keyring refused access: {detail}")]
    Locked { detail: String },
    /// A stored entry is not in the expected format.
    #[error("the keyring entry '{entry}' is damaged: {detail}")]
    Corrupt { entry: String, detail: String },
    /// Any other keyring failure.
    #[error("the OS keyring failed: {detail}")]
    Failed { detail: String },
}

impl UserFacing for VaultError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Vault
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            Self::Unavailable { .. } => "Start a Secret Service (GNOME Keyring or KeePassXC) in your desktop session, \
                 or pass `--vault memory` for a throwaway session that forgets secrets at exit. \
                 `sso-launcher doctor` checks the keyring."
                .into(),
            Self::Locked { .. } => "Unlock your keyring (log in to the desktop session or open your keyring app) and try again.".into(),
            Self::Corrupt { .. } => "Set the secret again with `sso-launcher accounts edit NAME --secrets-from-stdin`.".into(),
            Self::Failed { .. } => "Check the keyring with `sso-launcher doctor`.".into(),
        })
    }

    fn window_hint(&self) -> Option<String> {
        Some(match self {
            Self::Unavailable { .. } | Self::Failed { .. } => "Start a Secret Service (GNOME Keyring or KeePassXC) in your desktop session, then press Check again in the status bar.".into(),
            Self::Corrupt { .. } => "Enter the secret again in the account's editor (Edit) and save.".into(),
            Self::Locked { .. } => return self.hint(),
        })
    }
}

/// Where secrets are kept. Implementations block; call them off the UI thread.
pub trait SecretVault: Send + Sync {
    fn backend(&self) -> VaultBackend;
    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>, VaultError>;
    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<(), VaultError>;
    /// Removes the entry; removing an absent entry is not an error.
    fn delete(&self, key: &SecretKey) -> Result<(), VaultError>;

    /// Checks that the vault answers, by reading an entry that never exists.
    fn check_health(&self) -> Result<(), VaultError> {
        self.get(&SecretKey::new(AccountId::nil(), "health-probe"))
            .map(|_| ())
    }
}

/// The OS keyring through `keyring-core`, with the platform store `keyring` selects.
pub struct KeyringVault {
    _private: (),
}

impl KeyringVault {
    /// A handle on the platform keyring. Nothing is contacted until the first call, so
    /// commands that need no secret work without a keyring.
    pub fn new() -> Self {
        Self { _private: () }
    }

    fn entry(key: &SecretKey) -> Result<keyring_core::Entry, VaultError> {
        if let Err(err) = keyring::Entry::store_status() {
            return Err(VaultError::Unavailable {
                detail: describe(err),
            });
        }
        keyring_core::Entry::new(KEYRING_SERVICE, &key.entry_name())
            .map_err(|err| classify(key, err))
    }
}

impl Default for KeyringVault {
    fn default() -> Self {
        Self::new()
    }
}

impl SecretVault for KeyringVault {
    fn backend(&self) -> VaultBackend {
        VaultBackend::Keyring
    }

    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>, VaultError> {
        match Self::entry(key)?.get_password() {
            Ok(value) => Ok(Some(SecretString::new(value))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(err) => Err(classify(key, err)),
        }
    }

    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<(), VaultError> {
        Self::entry(key)?
            .set_password(value.expose_secret())
            .map_err(|err| classify(key, err))
    }

    fn delete(&self, key: &SecretKey) -> Result<(), VaultError> {
        match Self::entry(key)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(err) => Err(classify(key, err)),
        }
    }
}

/// Describes a keyring error without ever printing secret bytes some variants carry.
fn describe(err: &keyring_core::Error) -> String {
    use keyring_core::Error as E;
    match err {
        E::PlatformFailure(inner) | E::NoStorageAccess(inner) => inner.to_string(),
        E::NoEntry => "no such entry".into(),
        E::BadEncoding(_) => "the stored value is not UTF-8 text".into(),
        E::BadDataFormat(_, inner) => format!("the stored value has a bad format ({inner})"),
        E::BadStoreFormat(detail) => detail.clone(),
        E::TooLong(what, limit) => format!("{what} is longer than {limit}"),
        E::Invalid(what, why) => format!("{what}: {why}"),
        E::Ambiguous(_) => "several entries match".into(),
        E::NoDefaultStore => "no keyring backend is available on this system".into(),
        E::NotSupportedByStore(what) => format!("not supported by this keyring: {what}"),
        _ => "unexpected keyring error".into(),
    }
}

fn classify(key: &SecretKey, err: keyring_core::Error) -> VaultError {
    use keyring_core::Error as E;
    let detail = describe(&err);
    match err {
        E::NoStorageAccess(_) => VaultError::Locked { detail },
        E::NoDefaultStore => VaultError::Unavailable { detail },
        E::BadEncoding(_) | E::BadDataFormat(..) => VaultError::Corrupt {
            entry: key.entry_name(),
            detail,
        },
        _ => VaultError::Failed { detail },
    }
}

/// Secrets in process memory, forgotten at exit.
#[derive(Default)]
pub struct MemoryVault {
    entries: Mutex<HashMap<String, SecretString>>,
}

impl MemoryVault {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many entries are held (for tests of cleanup).
    pub fn len(&self) -> usize {
        self.entries.lock().expect("vault lock").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl SecretVault for MemoryVault {
    fn backend(&self) -> VaultBackend {
        VaultBackend::Memory
    }

    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>, VaultError> {
        Ok(self
            .entries
            .lock()
            .expect("vault lock")
            .get(&key.entry_name())
            .cloned())
    }

    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<(), VaultError> {
        self.entries
            .lock()
            .expect("vault lock")
            .insert(key.entry_name(), value.clone());
        Ok(())
    }

    fn delete(&self, key: &SecretKey) -> Result<(), VaultError> {
        self.entries
            .lock()
            .expect("vault lock")
            .remove(&key.entry_name());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names_are_versioned_per_account() {
        let id = AccountId::new_random();
        assert_eq!(
            SecretKey::new(id, "api_key").entry_name(),
            format!("v1:{id}:api_key")
        );
    }

    #[test]
    fn memory_vault_sets_gets_and_deletes() {
        let vault = MemoryVault::new();
        let key = SecretKey::new(AccountId::new_random(), "api_key");
        assert!(vault.get(&key).unwrap().is_none());
        vault.set(&key, &SecretString::new("k1")).unwrap();
        assert_eq!(vault.get(&key).unwrap().unwrap().expose_secret(), "k1");
        vault.delete(&key).unwrap();
        vault.delete(&key).unwrap();
        assert!(vault.is_empty());
    }

    #[test]
    fn keyring_errors_never_carry_secret_bytes() {
        let key = SecretKey::new(AccountId::new_random(), "api_key");
        let err = classify(
            &key,
            keyring_core::Error::BadEncoding(b"topsecret\xff".to_vec()),
        );
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("topsecret"), "{shown}");
        assert!(matches!(err, VaultError::Corrupt { .. }));
    }
}
