//! `settings.toml`: app-wide defaults the user may edit by hand.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::StoreError;
use super::toml_file::{read_versioned, write_toml};

pub const SETTINGS_SCHEMA_VERSION: u32 = 1;
pub const DEFAULT_HTTP_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub schema_version: u32,
    /// Browser command with `{url}` where the URL goes; the system browser when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser_command: Option<String>,
    /// Total time allowed for one HTTP request, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_timeout_seconds: Option<f64>,
    /// Extra PEM CA bundle trusted on top of the system roots (company proxies, private IdPs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// How long a browser sign-in may take before the app stops waiting, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loopback_timeout_seconds: Option<f64>,
    /// The window's colours.
    #[serde(default, skip_serializing_if = "Theme::is_system")]
    pub theme: Theme,
    /// The longest a copied one-time link stays on the clipboard, in seconds (it is cleared
    /// sooner when the link expires sooner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clipboard_seconds: Option<f64>,
    /// Start with the window hidden, in the tray.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub start_minimised: bool,
    /// Closing the window hides it in the tray (when a tray is shown) instead of quitting.
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub close_to_tray: bool,
    /// Start at login (an XDG autostart entry on Linux), with only the tray.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub autostart: bool,
    /// How long a command waits for another sso-launcher that is signing in to the same
    /// account (perhaps waiting for the browser) before giving up, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock_wait_seconds: Option<f64>,
    /// Text size in the window, as a zoom factor (1.0 is normal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_scale: Option<f32>,
    /// How the window lists accounts when no search is typed (favourites always come first).
    #[serde(default, skip_serializing_if = "AccountOrder::is_alphabetical")]
    pub account_order: AccountOrder,
    /// Where secrets are kept: `keyring` (the default) or `file` (`vault.age`, with a
    /// passphrase). `--vault` and `SSO_LAUNCHER_VAULT` override it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault: Option<VaultSetting>,
    /// The vault file (default `vault.age` in the config folder; a relative path is taken
    /// from the config folder).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault_file: Option<PathBuf>,
    /// Minutes without use after which an unlocked vault file is forgotten (default 15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault_idle_minutes: Option<f64>,
    /// The audit log is rotated (`audit.jsonl` to `audit.jsonl.1` ...) once it would grow
    /// past this many bytes (default 10 MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_max_bytes: Option<u64>,
    /// How many rotated audit files are kept (default 5); older ones are deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_keep_files: Option<u32>,
    /// Launching an account of one of these stages asks first (default `["production"]`;
    /// `[]` asks for none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm_stages: Option<Vec<String>>,
    /// `launch` and `login` need a ticket reference (`--ticket`; the window asks for one).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub require_ticket: bool,
    /// A team's account list (an export file on a share or in a synced folder), shown
    /// read-only beside the personal list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_accounts: Option<PathBuf>,
}

/// The vaults settings.toml may choose (memory is for tests and demos, chosen by flag).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VaultSetting {
    Keyring,
    File,
}

fn yes() -> bool {
    true
}

fn is_yes(value: &bool) -> bool {
    *value
}

/// The window's colour scheme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// Follow the desktop.
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    fn is_system(&self) -> bool {
        *self == Self::System
    }
}

/// The order of the account list without a search.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountOrder {
    /// By name, ignoring case.
    #[default]
    Alphabetical,
    /// Most recently launched first.
    Recent,
}

impl AccountOrder {
    fn is_alphabetical(&self) -> bool {
        *self == Self::Alphabetical
    }
}

/// Default for `clipboard_seconds`: the one-time links this app copies live 30 s or less.
pub const DEFAULT_CLIPBOARD_LIFETIME: Duration = Duration::from_secs(30);
/// Default for `lock_wait_seconds`.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(30);
/// Bounds of `text_scale`.
pub const TEXT_SCALE_RANGE: std::ops::RangeInclusive<f32> = 0.5..=3.0;

impl Default for Settings {
    fn default() -> Self {
        Self {
            schema_version: SETTINGS_SCHEMA_VERSION,
            browser_command: None,
            http_timeout_seconds: None,
            ca_file: None,
            loopback_timeout_seconds: None,
            theme: Theme::System,
            clipboard_seconds: None,
            start_minimised: false,
            close_to_tray: true,
            autostart: false,
            lock_wait_seconds: None,
            text_scale: None,
            account_order: AccountOrder::Alphabetical,
            vault: None,
            vault_file: None,
            vault_idle_minutes: None,
            audit_max_bytes: None,
            audit_keep_files: None,
            confirm_stages: None,
            require_ticket: false,
            team_accounts: None,
        }
    }
}

/// Every key settings.toml may hold (beside `schema_version`), for `settings list` and for
/// refusing a misspelt key by name.
pub const SETTING_KEYS: [&str; 20] = [
    "browser_command",
    "http_timeout_seconds",
    "ca_file",
    "loopback_timeout_seconds",
    "theme",
    "clipboard_seconds",
    "start_minimised",
    "close_to_tray",
    "autostart",
    "lock_wait_seconds",
    "text_scale",
    "account_order",
    "vault",
    "vault_file",
    "vault_idle_minutes",
    "audit_max_bytes",
    "audit_keep_files",
    "confirm_stages",
    "require_ticket",
    "team_accounts",
];

/// The stages whose launches ask first when settings.toml names none.
pub const DEFAULT_CONFIRM_STAGES: [&str; 1] = ["production"];

impl Settings {
    /// Whether launching an account of `stage` asks first (stages compare ignoring case).
    pub fn confirms_stage(&self, stage: Option<&str>) -> bool {
        let Some(stage) = stage else {
            return false;
        };
        match &self.confirm_stages {
            Some(stages) => stages
                .iter()
                .any(|listed| listed.trim().eq_ignore_ascii_case(stage)),
            None => DEFAULT_CONFIRM_STAGES
                .iter()
                .any(|listed| listed.eq_ignore_ascii_case(stage)),
        }
    }

    pub fn load(path: &Path) -> Result<Self, StoreError> {
        let settings: Settings = read_versioned(path, SETTINGS_SCHEMA_VERSION)?.unwrap_or_default();
        settings.check().map_err(|message| StoreError::Invalid {
            path: path.to_path_buf(),
            message,
        })?;
        Ok(settings)
    }

    /// Checks the values' ranges; the message names the setting and its bounds.
    pub fn check(&self) -> Result<(), String> {
        let within = |value: Option<f64>, max: f64| {
            value.is_none_or(|seconds| seconds.is_finite() && seconds > 0.0 && seconds <= max)
        };
        if self
            .team_accounts
            .as_ref()
            .is_some_and(|path| !path.is_absolute())
        {
            return Err(
                "team_accounts must be a whole path (/share/team-accounts.json), not one relative to where the app starts"
                    .into(),
            );
        }
        if !within(self.http_timeout_seconds, 3600.0) {
            return Err("http_timeout_seconds must be between 0 and 3600".into());
        }
        if !within(self.loopback_timeout_seconds, 86_400.0) {
            return Err("loopback_timeout_seconds must be between 0 and 86400".into());
        }
        if !within(self.clipboard_seconds, 3600.0) {
            return Err("clipboard_seconds must be between 0 and 3600".into());
        }
        if !within(self.vault_idle_minutes, 10_080.0) {
            return Err("vault_idle_minutes must be between 0 and 10080 (a week)".into());
        }
        if !within(self.lock_wait_seconds, 86_400.0) {
            return Err("lock_wait_seconds must be between 0 and 86400".into());
        }
        if self
            .audit_max_bytes
            .is_some_and(|bytes| !(1024..=1 << 30).contains(&bytes))
        {
            return Err("audit_max_bytes must be between 1024 and 1073741824 (1 GiB)".into());
        }
        if self
            .audit_keep_files
            .is_some_and(|files| !(1..=1000).contains(&files))
        {
            return Err("audit_keep_files must be between 1 and 1000".into());
        }
        if self
            .text_scale
            .is_some_and(|scale| !TEXT_SCALE_RANGE.contains(&scale))
        {
            return Err(format!(
                "text_scale must be between {} and {}",
                TEXT_SCALE_RANGE.start(),
                TEXT_SCALE_RANGE.end()
            ));
        }
        Ok(())
    }

    /// How long a copied link stays on the clipboard: until it expires, but never longer
    /// than `clipboard_seconds` (a plain link, which does not expire, stays that long).
    pub fn clipboard_hold(&self, link_lifetime: Option<Duration>) -> Duration {
        let longest = self
            .clipboard_seconds
            .map(Duration::from_secs_f64)
            .unwrap_or(DEFAULT_CLIPBOARD_LIFETIME);
        link_lifetime.map_or(longest, |lifetime| lifetime.min(longest))
    }

    pub fn loopback_timeout(&self) -> Duration {
        self.loopback_timeout_seconds
            .map(Duration::from_secs_f64)
            .unwrap_or(crate::core::loopback::DEFAULT_TIMEOUT)
    }

    pub fn save(&self, path: &Path) -> Result<(), StoreError> {
        write_toml(path, self)
    }

    pub fn lock_wait(&self) -> Duration {
        self.lock_wait_seconds
            .map(Duration::from_secs_f64)
            .unwrap_or(DEFAULT_LOCK_WAIT)
    }

    /// The audit log at `path`, rotated as these settings say.
    pub fn audit_log(&self, path: PathBuf) -> crate::core::audit::AuditLog {
        use crate::core::audit::{AuditLog, DEFAULT_AUDIT_KEEP_FILES, DEFAULT_AUDIT_MAX_BYTES};
        AuditLog::new(path).with_rotation(
            self.audit_max_bytes.unwrap_or(DEFAULT_AUDIT_MAX_BYTES),
            self.audit_keep_files.unwrap_or(DEFAULT_AUDIT_KEEP_FILES),
        )
    }

    pub fn vault_idle(&self) -> Duration {
        self.vault_idle_minutes
            .map(|minutes| Duration::from_secs_f64(minutes * 60.0))
            .unwrap_or(super::vault_file::DEFAULT_IDLE)
    }

    /// The vault file's path: `vault_file`, taken from `config_dir` when relative.
    pub fn vault_path(&self, config_dir: &Path) -> PathBuf {
        match &self.vault_file {
            Some(path) => config_dir.join(path),
            None => config_dir.join("vault.age"),
        }
    }

    pub fn http_timeout(&self) -> Duration {
        self.http_timeout_seconds
            .map(Duration::from_secs_f64)
            .unwrap_or(DEFAULT_HTTP_TIMEOUT)
    }
}

/// The settings in use, shared by the engine's services: read per use (a copy), swapped
/// whole when the file changes, never held across I/O.
#[derive(Clone)]
pub struct LiveSettings(std::sync::Arc<std::sync::RwLock<Settings>>);

impl LiveSettings {
    pub fn new(settings: Settings) -> Self {
        Self(std::sync::Arc::new(std::sync::RwLock::new(settings)))
    }

    pub fn get(&self) -> Settings {
        self.0.read().expect("settings lock").clone()
    }

    pub fn replace(&self, settings: Settings) {
        *self.0.write().expect("settings lock") = settings;
    }
}

#[cfg(test)]
mod tests {
    /// Every field of Settings is listed in SETTING_KEYS (the literal below must name every
    /// field, so a new one fails here until it is listed).
    #[test]
    fn every_setting_is_listed() {
        let all = super::Settings {
            schema_version: 1,
            browser_command: Some("b {url}".into()),
            http_timeout_seconds: Some(1.0),
            ca_file: Some("ca.pem".into()),
            loopback_timeout_seconds: Some(1.0),
            theme: super::Theme::Dark,
            clipboard_seconds: Some(1.0),
            start_minimised: true,
            close_to_tray: false,
            autostart: true,
            lock_wait_seconds: Some(1.0),
            text_scale: Some(1.5),
            account_order: super::AccountOrder::Recent,
            vault: Some(super::VaultSetting::File),
            vault_file: Some("v.age".into()),
            vault_idle_minutes: Some(1.0),
            audit_max_bytes: Some(1),
            audit_keep_files: Some(1),
            confirm_stages: Some(vec!["x".into()]),
            require_ticket: true,
            team_accounts: Some("/share/team.json".into()),
        };
        let table = toml::Table::try_from(&all).unwrap();
        let mut keys: Vec<&str> = table.keys().map(String::as_str).collect();
        keys.retain(|key| *key != "schema_version");
        keys.sort();
        let mut listed = super::SETTING_KEYS.to_vec();
        listed.sort();
        assert_eq!(keys, listed);
    }

    use super::*;

    #[test]
    fn missing_file_gives_defaults_and_values_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        assert_eq!(Settings::load(&path).unwrap(), Settings::default());
        let settings = Settings {
            browser_command: Some("firefox --private-window {url}".into()),
            http_timeout_seconds: Some(2.5),
            ..Settings::default()
        };
        settings.save(&path).unwrap();
        let loaded = Settings::load(&path).unwrap();
        assert_eq!(loaded, settings);
        assert_eq!(loaded.http_timeout(), Duration::from_millis(2500));
    }

    #[test]
    fn window_settings_round_trip_and_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        let settings = Settings {
            theme: Theme::Dark,
            clipboard_seconds: Some(12.0),
            start_minimised: true,
            text_scale: Some(1.25),
            account_order: AccountOrder::Recent,
            ..Settings::default()
        };
        settings.save(&path).unwrap();
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(written.contains("theme = \"dark\""), "{written}");
        assert_eq!(Settings::load(&path).unwrap(), settings);
        std::fs::write(&path, "schema_version = 1\ntext_scale = 9.0\n").unwrap();
        let message = Settings::load(&path).unwrap_err().to_string();
        assert!(message.contains("text_scale must be between"), "{message}");
    }

    #[test]
    fn bad_timeout_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        std::fs::write(&path, "schema_version = 1\nhttp_timeout_seconds = -1\n").unwrap();
        let message = Settings::load(&path).unwrap_err().to_string();
        assert!(message.contains("http_timeout_seconds"), "{message}");
    }
}
