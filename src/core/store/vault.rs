//! The secret vault: per-account secrets and long-lived tokens, in the OS keyring.
//!
//! Every call may block (D-Bus, an OS unlock prompt): call it from a worker, never a UI thread.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Mutex;

use crate::core::account::AccountId;
use crate::core::error::{ErrorKind, Remedy, UserFacing};
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
    /// One age-encrypted file opened with a passphrase (`vault.age`).
    File,
}

/// Whether a vault can be read without asking for a passphrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockState {
    /// Readable now (the keyring, memory, an unlocked vault file).
    Open,
    /// A vault file that needs its passphrase.
    Locked,
    /// No vault file yet: the first passphrase given creates it.
    NotCreated,
}

impl fmt::Display for VaultBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Keyring => "keyring",
            Self::Memory => "memory",
            Self::File => "file",
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
    /// Any other keyring or vault file failure.
    #[error("the vault failed: {detail}")]
    Failed { detail: String },
    /// The vault file is locked and its passphrase must be given (in the window's dialog).
    #[error("the vault file {} is locked", path.display())]
    NeedsPassphrase { path: PathBuf, creating: bool },
    #[error("that passphrase does not open the vault file {}; nothing was changed", path.display())]
    WrongPassphrase { path: PathBuf },
    #[error("the vault passphrase is empty")]
    EmptyPassphrase,
    #[error("the vault file {} cannot be opened: {detail}", path.display())]
    FileDamaged { path: PathBuf, detail: String },
    /// `SSO_LAUNCHER_VAULT_PASSPHRASE_FILE` names a file that cannot be used.
    #[error("the passphrase file {} cannot be used: {detail}", path.display())]
    PassphraseFile { path: PathBuf, detail: String },
    /// The vault file is locked, and there is no terminal to ask on.
    #[error("the vault file {} is locked and there is no terminal to ask for its passphrase", path.display())]
    NoPassphrasePrompt { path: PathBuf },
}

impl UserFacing for VaultError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Vault
    }

    fn remedy(&self) -> Option<Remedy> {
        Some(match self {
            Self::Unavailable { .. } => Remedy::StartKeyring,
            Self::Locked { .. } => Remedy::advice(
                "Unlock your keyring (log in to the desktop session or open your keyring app) and try again.",
            ),
            Self::Corrupt { .. } => Remedy::ReenterSecret,
            Self::Failed { .. } => Remedy::CheckVault,
            Self::NeedsPassphrase { .. } | Self::NoPassphrasePrompt { .. } => {
                Remedy::GivePassphrase
            }
            Self::WrongPassphrase { .. } => Remedy::advice(
                "Give the passphrase the vault file was made with. \
                 A forgotten passphrase cannot be recovered: move the file away and enter the secrets again.",
            ),
            Self::EmptyPassphrase => {
                Remedy::advice("Choose a passphrase; a long one of several words is best.")
            }
            Self::FileDamaged { .. } => Remedy::RestoreVaultFile,
            Self::PassphraseFile { path, .. } => Remedy::FixPassphraseFile(path.clone()),
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

    /// Sets several entries; a vault file writes them in one go.
    fn set_many(&self, entries: &[(SecretKey, SecretString)]) -> Result<(), VaultError> {
        entries
            .iter()
            .try_for_each(|(key, value)| self.set(key, value))
    }

    /// Removes several entries; a vault file writes once.
    fn delete_many(&self, keys: &[SecretKey]) -> Result<(), VaultError> {
        keys.iter().try_for_each(|key| self.delete(key))
    }

    /// Checks that the vault answers, by reading an entry that never exists.
    fn check_health(&self) -> Result<(), VaultError> {
        self.get(&SecretKey::new(AccountId::nil(), "health-probe"))
            .map(|_| ())
    }

    /// The file the secrets are in, for a vault that is one file.
    fn location(&self) -> Option<PathBuf> {
        None
    }

    fn lock_state(&self) -> LockState {
        LockState::Open
    }

    /// Opens a locked vault with its passphrase; vaults without one have nothing to unlock.
    fn unlock(&self, _passphrase: SecretString) -> Result<(), VaultError> {
        Ok(())
    }

    /// Opens the vault now, asking for its passphrase (creating a vault file) if need be.
    fn open_now(&self) -> Result<(), VaultError> {
        Ok(())
    }

    /// Forgets whatever was unlocked (the window's "Lock").
    fn forget(&self) {}

    /// The person asked for something that needs a secret: a passphrase they declined before
    /// may be asked for again.
    fn ask_again(&self) {}
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
