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
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            schema_version: SETTINGS_SCHEMA_VERSION,
            browser_command: None,
            http_timeout_seconds: None,
            ca_file: None,
            loopback_timeout_seconds: None,
        }
    }
}

impl Settings {
    pub fn load(path: &Path) -> Result<Self, StoreError> {
        let settings: Settings = read_versioned(path, SETTINGS_SCHEMA_VERSION)?.unwrap_or_default();
        if let Some(seconds) = settings.http_timeout_seconds
            && !(seconds.is_finite() && seconds > 0.0 && seconds <= 3600.0)
        {
            return Err(StoreError::Invalid {
                path: path.to_path_buf(),
                message: "http_timeout_seconds must be between 0 and 3600".into(),
            });
        }
        if let Some(seconds) = settings.loopback_timeout_seconds
            && !(seconds.is_finite() && seconds > 0.0 && seconds <= 86_400.0)
        {
            return Err(StoreError::Invalid {
                path: path.to_path_buf(),
                message: "loopback_timeout_seconds must be between 0 and 86400".into(),
            });
        }
        Ok(settings)
    }

    pub fn loopback_timeout(&self) -> Duration {
        self.loopback_timeout_seconds
            .map(Duration::from_secs_f64)
            .unwrap_or(crate::core::loopback::DEFAULT_TIMEOUT)
    }

    pub fn save(&self, path: &Path) -> Result<(), StoreError> {
        write_toml(path, self)
    }

    pub fn http_timeout(&self) -> Duration {
        self.http_timeout_seconds
            .map(Duration::from_secs_f64)
            .unwrap_or(DEFAULT_HTTP_TIMEOUT)
    }
}

#[cfg(test)]
mod tests {
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
    fn bad_timeout_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        std::fs::write(&path, "schema_version = 1\nhttp_timeout_seconds = -1\n").unwrap();
        let message = Settings::load(&path).unwrap_err().to_string();
        assert!(message.contains("http_timeout_seconds"), "{message}");
    }
}
