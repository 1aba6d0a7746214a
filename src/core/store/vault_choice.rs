//! Which vault a run uses, and why: the `--vault` flag, then `SSO_LAUNCHER_VAULT`, then
//! `vault` in settings.toml, then the OS keyring. A vault file is never chosen silently.
//!
//! Also the passphrase file scripts use (`SSO_LAUNCHER_VAULT_PASSPHRASE_FILE`), and the vault a
//! running engine holds, which the window can switch to a file without a restart.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use super::settings::{Settings, VaultSetting};
use super::vault::{
    KeyringVault, LockState, MemoryVault, SecretKey, SecretVault, VaultBackend, VaultError,
};
use super::vault_file::{FileVault, PassphraseSource};
use crate::core::secret::SecretString;

/// Names the vault for this run (`keyring`, `file` or `memory`).
pub const VAULT_ENV: &str = "SSO_LAUNCHER_VAULT";
/// Names a file, readable only by its owner, that holds the vault file's passphrase.
pub const PASSPHRASE_FILE_ENV: &str = "SSO_LAUNCHER_VAULT_PASSPHRASE_FILE";

/// What chose the vault, for `doctor` and the status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChosenBy {
    Flag,
    Environment,
    Settings,
    Default,
}

impl fmt::Display for ChosenBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Flag => "--vault",
            Self::Environment => VAULT_ENV,
            Self::Settings => "settings.toml",
            Self::Default => "the default",
        })
    }
}

/// The vault a run uses, with where its file is (for a file vault) and how long it stays open.
#[derive(Debug, Clone, PartialEq)]
pub struct VaultSelection {
    pub backend: VaultBackend,
    pub chosen_by: ChosenBy,
    pub file: PathBuf,
    pub idle_limit: Duration,
}

/// Picks the vault: `flag`, then the environment's `env_value`, then `settings`.
pub fn select(
    flag: Option<VaultBackend>,
    env_value: Option<&str>,
    settings: &Settings,
    config_dir: &Path,
) -> Result<VaultSelection, String> {
    let from_env = match env_value.map(str::trim).filter(|value| !value.is_empty()) {
        None => None,
        Some(value) => Some(parse_backend(value).ok_or_else(|| {
            format!("{VAULT_ENV}='{value}' is not a vault: use keyring, file or memory")
        })?),
    };
    let from_settings = settings.vault.map(|setting| match setting {
        VaultSetting::Keyring => VaultBackend::Keyring,
        VaultSetting::File => VaultBackend::File,
    });
    let (backend, chosen_by) = match (flag, from_env, from_settings) {
        (Some(backend), _, _) => (backend, ChosenBy::Flag),
        (None, Some(backend), _) => (backend, ChosenBy::Environment),
        (None, None, Some(backend)) => (backend, ChosenBy::Settings),
        (None, None, None) => (VaultBackend::Keyring, ChosenBy::Default),
    };
    Ok(VaultSelection {
        backend,
        chosen_by,
        file: settings.vault_path(config_dir),
        idle_limit: settings.vault_idle(),
    })
}

pub fn parse_backend(value: &str) -> Option<VaultBackend> {
    match value.to_ascii_lowercase().as_str() {
        "keyring" => Some(VaultBackend::Keyring),
        "file" => Some(VaultBackend::File),
        "memory" => Some(VaultBackend::Memory),
        _ => None,
    }
}

impl VaultSelection {
    /// The vault itself; a file vault asks `ask` for its passphrase unless the passphrase
    /// file names it.
    pub fn open(&self, ask: Box<dyn PassphraseSource>) -> Arc<dyn SecretVault> {
        match self.backend {
            VaultBackend::Keyring => Arc::new(KeyringVault::new()),
            VaultBackend::Memory => Arc::new(MemoryVault::new()),
            VaultBackend::File => Arc::new(self.open_file(ask)),
        }
    }

    pub fn open_file(&self, ask: Box<dyn PassphraseSource>) -> FileVault {
        let source: Box<dyn PassphraseSource> = match std::env::var_os(PASSPHRASE_FILE_ENV) {
            Some(path) if !path.is_empty() => Box::new(PassphraseFile(PathBuf::from(path))),
            _ => ask,
        };
        FileVault::new(self.file.clone(), source, self.idle_limit)
    }
}

/// The passphrase from a file only its owner can read (scripts, services).
pub struct PassphraseFile(pub PathBuf);

impl PassphraseSource for PassphraseFile {
    fn passphrase(
        &self,
        _vault: &Path,
        _creating: bool,
        _retry: bool,
    ) -> Result<SecretString, VaultError> {
        read_passphrase_file(&self.0)
    }
}

/// Reads a passphrase file: refused when group or others may read it; one trailing line end
/// is not part of the passphrase.
pub fn read_passphrase_file(path: &Path) -> Result<SecretString, VaultError> {
    let refuse = |detail: String| VaultError::PassphraseFile {
        path: path.to_path_buf(),
        detail,
    };
    let metadata = std::fs::metadata(path).map_err(|err| refuse(err.to_string()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(refuse(format!(
                "its permissions ({mode:03o}) let other users read it"
            )));
        }
    }
    if !metadata.is_file() {
        return Err(refuse("it is not a file".into()));
    }
    let text = std::fs::read_to_string(path).map_err(|err| refuse(err.to_string()))?;
    let passphrase = SecretString::new(text);
    let trimmed = passphrase
        .expose_secret()
        .strip_suffix('\n')
        .map(|rest| rest.strip_suffix('\r').unwrap_or(rest))
        .unwrap_or(passphrase.expose_secret());
    if trimmed.is_empty() {
        return Err(refuse("it is empty".into()));
    }
    Ok(SecretString::new(trimmed))
}

/// The vault an engine holds. The window's guided fix swaps a failing keyring for a vault
/// file while the app runs; everything holding this handle follows.
pub struct SwitchableVault {
    current: RwLock<Arc<dyn SecretVault>>,
}

impl SwitchableVault {
    pub fn new(vault: Arc<dyn SecretVault>) -> Self {
        Self {
            current: RwLock::new(vault),
        }
    }

    pub fn switch_to(&self, vault: Arc<dyn SecretVault>) {
        *self.current.write().expect("vault switch") = vault;
    }

    fn current(&self) -> Arc<dyn SecretVault> {
        self.current.read().expect("vault switch").clone()
    }
}

impl SecretVault for SwitchableVault {
    fn backend(&self) -> VaultBackend {
        self.current().backend()
    }
    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>, VaultError> {
        self.current().get(key)
    }
    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<(), VaultError> {
        self.current().set(key, value)
    }
    fn delete(&self, key: &SecretKey) -> Result<(), VaultError> {
        self.current().delete(key)
    }
    fn set_many(&self, entries: &[(SecretKey, SecretString)]) -> Result<(), VaultError> {
        self.current().set_many(entries)
    }
    fn delete_many(&self, keys: &[SecretKey]) -> Result<(), VaultError> {
        self.current().delete_many(keys)
    }
    fn check_health(&self) -> Result<(), VaultError> {
        self.current().check_health()
    }
    fn location(&self) -> Option<PathBuf> {
        self.current().location()
    }
    fn lock_state(&self) -> LockState {
        self.current().lock_state()
    }
    fn unlock(&self, passphrase: SecretString) -> Result<(), VaultError> {
        self.current().unlock(passphrase)
    }
    fn open_now(&self) -> Result<(), VaultError> {
        self.current().open_now()
    }
    fn forget(&self) {
        self.current().forget()
    }
    fn ask_again(&self) {
        self.current().ask_again()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings_with(vault: Option<VaultSetting>) -> Settings {
        Settings {
            vault,
            ..Settings::default()
        }
    }

    #[test]
    fn the_flag_then_the_environment_then_settings_then_the_keyring() {
        let dir = Path::new("/config");
        let file = settings_with(Some(VaultSetting::File));
        let pick = |flag, env, settings: &Settings| {
            let chosen = select(flag, env, settings, dir).unwrap();
            (chosen.backend, chosen.chosen_by)
        };
        assert_eq!(
            pick(Some(VaultBackend::Memory), Some("keyring"), &file),
            (VaultBackend::Memory, ChosenBy::Flag)
        );
        assert_eq!(
            pick(None, Some("keyring"), &file),
            (VaultBackend::Keyring, ChosenBy::Environment)
        );
        assert_eq!(
            pick(None, Some(""), &file),
            (VaultBackend::File, ChosenBy::Settings)
        );
        assert_eq!(
            pick(None, None, &Settings::default()),
            (VaultBackend::Keyring, ChosenBy::Default)
        );
        let message = select(None, Some("vault"), &file, dir).unwrap_err();
        assert!(message.contains("SSO_LAUNCHER_VAULT='vault'"), "{message}");
    }

    #[test]
    fn the_vault_file_is_in_the_config_folder_unless_settings_move_it() {
        let dir = Path::new("/config");
        let default = select(None, None, &Settings::default(), dir).unwrap();
        assert_eq!(default.file, PathBuf::from("/config/vault.age"));
        assert_eq!(default.idle_limit, Duration::from_secs(15 * 60));
        let moved = Settings {
            vault_file: Some("secrets/mine.age".into()),
            vault_idle_minutes: Some(2.0),
            ..Settings::default()
        };
        let chosen = select(None, None, &moved, dir).unwrap();
        assert_eq!(chosen.file, PathBuf::from("/config/secrets/mine.age"));
        assert_eq!(chosen.idle_limit, Duration::from_secs(120));
    }

    #[cfg(unix)]
    #[test]
    fn a_passphrase_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("passphrase");
        std::fs::write(&path, "two words\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        let err = read_passphrase_file(&path).unwrap_err();
        assert!(err.to_string().contains("640"), "{err}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(
            read_passphrase_file(&path).unwrap().expose_secret(),
            "two words"
        );
        std::fs::write(&path, "\n").unwrap();
        assert!(read_passphrase_file(&path).is_err());
    }
}
