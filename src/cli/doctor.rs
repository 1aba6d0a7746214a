//! `sso-launcher doctor`: what the app uses on this machine, and whether it works.

use serde_json::json;

use super::output::Output;
use super::report::CliError;
use crate::core::browser::describe_system_browser;
use crate::core::engine::Engine;
use crate::core::http::proxy_summary;
use crate::core::store::vault::{LockState, VaultBackend};

pub async fn run(engine: &Engine, out: &Output) -> Result<(), CliError> {
    let paths = engine.paths().clone();
    let accounts = engine.accounts();
    let vault = engine.vault().clone();
    let backend = vault.backend();
    let (location, lock) = (vault.location(), vault.lock_state());
    let health = tokio::task::spawn_blocking(move || vault.check_health())
        .await
        .map_err(|err| CliError::new(crate::core::error::ErrorKind::Internal, err.to_string()))?;
    let browser = match &engine.settings().browser_command {
        Some(command) => format!("settings.toml browser_command: {command}"),
        None => format!("system default ({})", describe_system_browser()),
    };
    let proxies = proxy_summary();
    let vault_state = match (&health, backend) {
        (Ok(()), VaultBackend::Keyring) => "ok".to_string(),
        (Ok(()), VaultBackend::Memory) => "ok (memory: secrets are forgotten at exit)".to_string(),
        (Ok(()), VaultBackend::File) => match (&location, lock) {
            (Some(path), LockState::NotCreated) => {
                format!(
                    "{} (not created yet: the first secret saved creates it)",
                    path.display()
                )
            }
            (Some(path), _) => format!("{} (ok; encrypted with a passphrase)", path.display()),
            (None, _) => "ok".to_string(),
        },
        (Err(err), _) => format!("FAILING: {err}"),
    };
    let chosen_by = engine
        .vault_selection()
        .map_or("the front end".to_string(), |chosen| {
            chosen.chosen_by.to_string()
        });
    let accounts_state = match &accounts {
        Ok(list) => format!("{} account(s)", list.len()),
        Err(err) => format!("FAILING: {err}"),
    };
    out.data(
        || {
            let mut lines = vec![
                format!("sso-launcher {}", env!("CARGO_PKG_VERSION")),
                format!("vault:        {backend} - {vault_state}"),
                format!("vault chosen: by {chosen_by}"),
                format!("config dir:   {}", paths.config_dir.display()),
                format!("accounts:     {} - {accounts_state}", paths.accounts_file().display()),
                format!("settings:     {}", paths.settings_file().display()),
                format!("data dir:     {}", paths.data_dir.display()),
                format!("audit log:    {}", paths.audit_file().display()),
                format!("browser:      {browser}"),
                format!("http timeout: {:.1} s", engine.settings().http_timeout().as_secs_f64()),
            ];
            if proxies.is_empty() {
                lines.push("proxy:        none (direct connections)".into());
            }
            lines.extend(proxies.iter().map(|(name, value)| format!("proxy:        {name}={value} (loopback always direct)")));
            lines.join("\n")
        },
        || {
            json!({
                "version": env!("CARGO_PKG_VERSION"),
                "vault": {"backend": backend.to_string(), "healthy": health.is_ok(), "detail": vault_state, "file": location, "chosen_by": chosen_by},
                "config_dir": paths.config_dir,
                "accounts_file": paths.accounts_file(),
                "accounts": accounts_state,
                "settings_file": paths.settings_file(),
                "data_dir": paths.data_dir,
                "audit_file": paths.audit_file(),
                "browser": browser,
                "proxy": proxies.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect::<serde_json::Map<_, _>>(),
            })
        },
    );
    health?;
    accounts?;
    Ok(())
}
