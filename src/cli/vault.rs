//! The vault on the command line: choosing it (`--vault`, `SSO_LAUNCHER_VAULT`, settings),
//! asking for the vault file's passphrase in the terminal, and `vault migrate`.

use std::path::Path;
use std::sync::Arc;

use serde_json::json;

use super::args::{GlobalArgs, VaultChoice, VaultTarget};
use super::output::Output;
use super::report::CliError;
use crate::core::blocking::blocking;
use crate::core::engine::{Engine, EngineError};
use crate::core::error::ErrorKind;
use crate::core::paths::AppPaths;
use crate::core::secret::SecretString;
use crate::core::store::settings::{Settings, VaultSetting};
use crate::core::store::settings_change::SettingsChange;
use crate::core::store::vault::{KeyringVault, SecretVault, VaultBackend, VaultError};
use crate::core::store::vault_choice::{ChosenBy, VAULT_ENV, VaultSelection, select};
use crate::core::store::vault_file::PassphraseSource;
use crate::core::vault_migrate::{copy_secrets, remove_copied, secret_keys};

/// The vault this run uses: the flag, then the environment, then settings.toml.
pub fn selection(global: &GlobalArgs, paths: &AppPaths) -> Result<VaultSelection, CliError> {
    let settings = Settings::load(&paths.settings_file())
        .map_err(|err| CliError::from(EngineError::from(err)))?;
    select_with(global, paths, &settings)
}

/// The same for the window, which starts whatever settings.toml holds: a file that does not
/// read is shown in the window (the engine refuses to start on it, so no secret is touched).
#[cfg(feature = "gui")]
pub fn selection_for_window(
    global: &GlobalArgs,
    paths: &AppPaths,
) -> Result<VaultSelection, CliError> {
    let settings = Settings::load(&paths.settings_file()).unwrap_or_default();
    select_with(global, paths, &settings)
}

fn select_with(
    global: &GlobalArgs,
    paths: &AppPaths,
    settings: &Settings,
) -> Result<VaultSelection, CliError> {
    let flag = global.vault.map(|choice| match choice {
        VaultChoice::Keyring => VaultBackend::Keyring,
        VaultChoice::File => VaultBackend::File,
        VaultChoice::Memory => VaultBackend::Memory,
    });
    let env = std::env::var(VAULT_ENV).ok();
    select(flag, env.as_deref(), settings, &paths.config_dir).map_err(|message| {
        CliError::new(ErrorKind::Usage, message)
            .with_hint("Unset it, or set it to keyring, file or memory.")
    })
}

/// Asks for the vault file's passphrase on the terminal (never echoed).
pub struct TerminalPrompt;

impl PassphraseSource for TerminalPrompt {
    fn passphrase(
        &self,
        path: &Path,
        creating: bool,
        retry: bool,
    ) -> Result<SecretString, VaultError> {
        let no_terminal = || VaultError::NoPassphrasePrompt {
            path: path.to_path_buf(),
        };
        let ask = |prompt: &str| {
            rpassword::prompt_password(prompt)
                .map(SecretString::new)
                .map_err(|_| no_terminal())
        };
        if retry {
            eprintln!("That passphrase does not open {}.", path.display());
        }
        if !creating {
            return ask(&format!(
                "Passphrase of the vault file {}: ",
                path.display()
            ));
        }
        eprintln!(
            "Secrets will be kept in {}, encrypted with a passphrase you choose now. \
             It cannot be recovered if forgotten.",
            path.display()
        );
        for _ in 0..3 {
            let first = ask("New vault passphrase: ")?;
            if first.is_empty() {
                eprintln!("The passphrase is empty; choose one (several words are best).");
                continue;
            }
            if ask("The same passphrase again: ")?.expose_secret() == first.expose_secret() {
                return Ok(first);
            }
            eprintln!("The two passphrases differ; try again.");
        }
        Err(VaultError::EmptyPassphrase)
    }

    fn attempts(&self) -> u32 {
        3
    }
}

/// `vault migrate --to keyring|file`: copy, check, switch settings.toml, then remove from the
/// old vault; an interrupted run is finished by running it again.
pub async fn migrate(to: VaultTarget, engine: &Engine, out: &Output) -> Result<(), CliError> {
    let selection = engine
        .vault_selection()
        .cloned()
        .ok_or_else(|| CliError::usage("`vault migrate` needs the real vaults, not --demo"))?;
    let accounts = engine.accounts().map_err(EngineError::from)?;
    let keys = secret_keys(&accounts);
    let keyring: Arc<dyn SecretVault> = Arc::new(KeyringVault::new());
    let file: Arc<dyn SecretVault> = Arc::new(selection.open_file(Box::new(TerminalPrompt)));
    let (from, target, setting) = match to {
        VaultTarget::File => (keyring, file, VaultSetting::File),
        VaultTarget::Keyring => (file, keyring, VaultSetting::Keyring),
    };
    let (from_copy, target_copy) = (from.clone(), target.clone());
    let copied =
        blocking(move || copy_secrets(&keys, from_copy.as_ref(), target_copy.as_ref())).await?;
    let change = {
        let base = engine.settings();
        let mut wanted = base.clone();
        wanted.vault = Some(setting);
        SettingsChange::between(&base, &wanted)
    };
    engine.change_settings(&change)?;
    let moved = copied.len();
    let from_remove = from.clone();
    blocking(move || remove_copied(&copied, from_remove.as_ref())).await?;
    let place = |vault: &dyn SecretVault| match vault.location() {
        Some(path) => path.display().to_string(),
        None => "the OS keyring".to_string(),
    };
    let (from_place, to_place) = (place(from.as_ref()), place(target.as_ref()));
    let overridden = matches!(selection.chosen_by, ChosenBy::Flag | ChosenBy::Environment)
        && selection.backend != target.backend();
    out.data(
        || {
            let mut text = format!(
                "Moved {moved} secret(s) of {} account(s) from {from_place} to {to_place}; \
                 settings.toml now says vault = \"{}\".",
                accounts.len(),
                target.backend()
            );
            if overridden {
                text.push_str(&format!(
                    "\nNote: {} still chooses the {} vault for this run; drop it to use the new one.",
                    selection.chosen_by, selection.backend
                ));
            }
            text
        },
        || {
            json!({
                "moved": moved,
                "accounts": accounts.len(),
                "from": from.backend().to_string(),
                "to": target.backend().to_string(),
                "file": target.location().or(from.location()),
            })
        },
    );
    Ok(())
}
