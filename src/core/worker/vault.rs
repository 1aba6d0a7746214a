//! The worker's vault tasks: its status for the status bar, unlocking and locking a vault
//! file, switching to one, and the passphrase questions the window answers.

use std::sync::Arc;
use std::time::Duration;

use super::context::{Tasks, failure};
use crate::core::blocking::blocking;
use crate::core::protocol::{Command, Event, Failure, VaultStatus};
use crate::core::store::settings::VaultSetting;
use crate::core::store::settings_change::SettingsChange;
use crate::core::store::vault::{LockState, SecretVault, VaultError};
use crate::core::store::vault_choice::ChosenBy;
use crate::core::store::vault_file::FileVault;

/// How often the status bar's lock state is compared with the vault's.
const LOCK_WATCH_EVERY: Duration = Duration::from_secs(15);

impl Tasks {
    pub(crate) async fn check_vault(&self) {
        let vault = self.engine.vault().clone();
        let chosen_by = self.engine.vault_selection().map(|chosen| chosen.chosen_by);
        let status = blocking(move || status_of(vault.as_ref(), chosen_by)).await;
        self.emitter.emit(Event::Vault(status));
    }

    /// Opens a locked vault file: reading any entry asks for the passphrase.
    pub(crate) async fn unlock_vault(&self) {
        let vault = self.engine.vault().clone();
        vault.ask_again();
        let opened = blocking(move || vault.open_now()).await;
        match opened {
            Err(VaultError::NeedsPassphrase { .. }) => {}
            Err(err) => self.emitter.emit(Event::Trouble(Failure::from_error(&err))),
            Ok(()) => {}
        }
        self.check_vault().await;
    }

    /// Tells the status bar when a vault file forgets itself after its idle time.
    pub(crate) fn watch_vault_lock(&self) {
        let tasks = self.clone();
        tokio::spawn(async move {
            let mut shown: Option<LockState> = None;
            loop {
                tokio::time::sleep(LOCK_WATCH_EVERY).await;
                let vault = tasks.engine.vault().clone();
                let now = blocking(move || vault.lock_state()).await;
                if shown.is_some_and(|shown| shown != now) {
                    tasks.check_vault().await;
                }
                shown = Some(now);
            }
        });
    }

    pub(crate) async fn lock_vault(&self) {
        let vault = self.engine.vault().clone();
        blocking(move || vault.forget()).await;
        self.check_vault().await;
    }

    /// The guided fix for a keyring that does not answer: `vault = "file"` in settings, and
    /// the vault file from now on (its passphrase is asked at once).
    pub(crate) async fn use_vault_file(&self) {
        let engine = self.engine.clone();
        let change = {
            let base = engine.settings();
            let mut wanted = base.clone();
            wanted.vault = Some(VaultSetting::File);
            SettingsChange::between(&base, &wanted)
        };
        let saved = blocking(move || engine.change_settings(&change)).await;
        let settings = match saved {
            Ok(settings) => settings,
            Err(err) => {
                self.emitter.emit(Event::SettingsSaved(Err(failure(&err))));
                return;
            }
        };
        self.emitter.emit(Event::Settings(settings.clone()));
        let file = settings.vault_path(&self.engine.paths().config_dir);
        let source = self.engine.passphrase_relay().source();
        let vault = FileVault::new(file, source, settings.vault_idle());
        self.engine.switch_vault(Arc::new(vault));
        self.unlock_vault().await;
    }
}

/// Whether the person asked for something that needs secrets.
pub(crate) fn needs_secrets(command: &Command) -> bool {
    matches!(
        command,
        Command::Launch { .. }
            | Command::AddAccount { .. }
            | Command::EditAccount { .. }
            | Command::DeleteAccount { .. }
            | Command::LoadSecretStatus { .. }
            | Command::RefreshToken { .. }
            | Command::RefreshAll { .. }
            | Command::SignOut { .. }
    )
}

/// The status bar's view of a vault. Blocks (a keyring's health check).
pub(crate) fn status_of(vault: &dyn SecretVault, chosen_by: Option<ChosenBy>) -> VaultStatus {
    VaultStatus {
        backend: vault.backend(),
        health: vault
            .check_health()
            .map_err(|err| Failure::from_error(&err)),
        location: vault.location(),
        lock: vault.lock_state(),
        chosen_by,
    }
}
