use crate::core::account_changes::AccountEdit;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;
use crate::core::error::{ErrorKind, UserFacing};
use crate::core::secret::SecretString;
use crate::core::store::vault::{MemoryVault, SecretKey, VaultBackend, VaultError};

fn engine_in(config_dir: std::path::PathBuf, vault: Arc<dyn SecretVault>) -> Engine {
    let paths = AppPaths {
        data_dir: config_dir.join("data"),
        config_dir,
    };
    Engine::open(EngineOptions::new(paths, vault)).unwrap()
}

fn assuresign_account(name: &str) -> Account {
    let mut account = Account::new(name, crate::core::provider::assuresign::ID);
    for (key, value) in [
        ("environment", "sb"),
        ("api_username", "u"),
        ("context_username", "a@b.example"),
    ] {
        account.settings.insert(key.into(), value.into());
    }
    account
}

/// A vault whose n-th `set` fails (only that one, so rollbacks can succeed).
struct FailingVault {
    inner: MemoryVault,
    sets: AtomicUsize,
    fail_from: usize,
}

impl SecretVault for FailingVault {
    fn backend(&self) -> VaultBackend {
        VaultBackend::Memory
    }
    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>, VaultError> {
        self.inner.get(key)
    }
    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<(), VaultError> {
        if self.sets.fetch_add(1, Ordering::SeqCst) + 1 == self.fail_from {
            return Err(VaultError::Failed {
                detail: "injected".into(),
            });
        }
        self.inner.set(key, value)
    }
    fn delete(&self, key: &SecretKey) -> Result<(), VaultError> {
        self.inner.delete(key)
    }
}

#[test]
fn failed_config_write_rolls_the_vault_back() {
    let dir = tempfile::tempdir().unwrap();
    // The account "file" is a folder: it can be neither read nor written.
    let config_dir = dir.path().join("config");
    std::fs::create_dir_all(config_dir.join("accounts.toml")).unwrap();
    let vault = Arc::new(MemoryVault::new());
    let engine = engine_in(config_dir, vault.clone());
    let result = engine.add_account(
        assuresign_account("A"),
        vec![("api_key".into(), SecretString::new("k"))],
    );
    assert!(result.is_err());
    assert!(vault.is_empty(), "the secret written first was rolled back");
}

#[test]
fn failed_vault_write_restores_earlier_entries_and_writes_no_config() {
    let dir = tempfile::tempdir().unwrap();
    let vault = Arc::new(FailingVault {
        inner: MemoryVault::new(),
        sets: AtomicUsize::new(0),
        fail_from: 3,
    });
    let engine = engine_in(dir.path().join("config"), vault.clone());
    let mut account = assuresign_account("A");
    account
        .settings
        .insert("auth_mode".into(), "api_user".into());
    let saved = engine
        .add_account(account, vec![("api_key".into(), SecretString::new("old"))])
        .unwrap();
    let key = SecretKey::new(saved.id, "api_key");

    // Two secrets in one edit; the second write fails: the first must be restored.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let result = runtime.block_on(engine.edit_account(
        "A",
        AccountEdit {
            notes: Some("changed".into()),
            ..AccountEdit::default()
        },
        vec![
            ("api_key".into(), SecretString::new("new")),
            ("password".into(), SecretString::new("p")),
        ],
    ));
    assert!(matches!(result, Err(EngineError::Vault(_))), "{result:?}");
    assert_eq!(
        vault.inner.get(&key).unwrap().unwrap().expose_secret(),
        "old"
    );
    assert_eq!(
        engine.find_account("A").unwrap().notes,
        "",
        "the file was not changed"
    );
}

#[test]
fn unsupported_provider_and_unknown_settings_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine_in(dir.path().join("config"), Arc::new(MemoryVault::new()));
    let err = engine
        .add_account(
            Account::new("G", crate::core::provider::ags::ID),
            Vec::new(),
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("AGS"), "{err}");
    let mut account = assuresign_account("A");
    account.settings.insert("colour".into(), "blue".into());
    let err = engine.add_account(account, Vec::new()).unwrap_err();
    assert!(err.to_string().contains("no setting 'colour'"), "{err}");
}
