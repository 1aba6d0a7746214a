//! Changing `settings.toml` key by key: only what the user changed is written, on top of
//! the file as it is now (read again under its lock), so a hand edit made meanwhile survives,
//! and so do the user's comments.

use std::path::Path;

use super::StoreError;
use super::atomic::{FileLock, write_atomically};
use super::settings::{SETTINGS_SCHEMA_VERSION, Settings};
use super::toml_file::parse_versioned;

/// The settings a user changed: each key with its new value (`None`: back to the default).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SettingsChange {
    changes: Vec<(String, Option<toml::Value>)>,
}

impl SettingsChange {
    /// The keys whose values differ between what the user started from and what they want.
    pub fn between(base: &Settings, wanted: &Settings) -> Self {
        let table = |settings: &Settings| toml::Table::try_from(settings).unwrap_or_default();
        let (base, wanted) = (table(base), table(wanted));
        let mut keys: Vec<&String> = base.keys().chain(wanted.keys()).collect();
        keys.sort();
        keys.dedup();
        let changes = keys
            .into_iter()
            .filter(|key| *key != "schema_version" && base.get(*key) != wanted.get(*key))
            .map(|key| (key.clone(), wanted.get(key).cloned()))
            .collect();
        Self { changes }
    }

    /// One key set to `value` (`None`: removed, so the default applies).
    pub fn set(key: &str, value: Option<toml::Value>) -> Self {
        Self {
            changes: vec![(key.to_string(), value)],
        }
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether the change touches `key`.
    pub fn touches(&self, key: &str) -> bool {
        self.changes.iter().any(|(changed, _)| changed == key)
    }

    /// `settings` with this change made (in memory): a draft the user is still editing,
    /// carried over settings that changed on disk meanwhile.
    pub fn applied_to(&self, settings: &Settings) -> Settings {
        let Ok(mut table) = toml::Table::try_from(settings) else {
            return settings.clone();
        };
        for (key, value) in &self.changes {
            match value {
                Some(value) => table.insert(key.clone(), value.clone()),
                None => table.remove(key),
            };
        }
        table.try_into().unwrap_or_else(|_| settings.clone())
    }

    /// Writes the change into the file at `path`, under its lock, and returns the settings
    /// now in force. A file that cannot be read as settings is reported and left untouched.
    pub fn apply(&self, path: &Path) -> Result<Settings, StoreError> {
        let lock_path = path.with_extension("toml.lock");
        let _lock = FileLock::acquire(&lock_path).map_err(|source| StoreError::Write {
            path: lock_path.clone(),
            source,
        })?;
        let current = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                return Err(StoreError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let mut document = if current.trim().is_empty() {
            let mut fresh = toml_edit::DocumentMut::new();
            fresh["schema_version"] = toml_edit::value(i64::from(SETTINGS_SCHEMA_VERSION));
            fresh
        } else {
            // The file as it is must be valid settings before anything is changed in it.
            checked(path, &current)?;
            current
                .parse::<toml_edit::DocumentMut>()
                .map_err(|err| StoreError::Parse {
                    path: path.to_path_buf(),
                    line: None,
                    message: err.message().to_string(),
                })?
        };
        for (key, value) in &self.changes {
            match value {
                Some(value) => {
                    let value = value
                        .to_string()
                        .parse::<toml_edit::Value>()
                        .map_err(|err| StoreError::Invalid {
                            path: path.to_path_buf(),
                            message: format!("{key} cannot be written: {err}"),
                        })?;
                    document[key.as_str()] = toml_edit::Item::Value(value);
                }
                None => {
                    document.remove(key);
                }
            }
        }
        let text = document.to_string();
        let settings = checked(path, &text)?;
        write_atomically(path, text.as_bytes()).map_err(|source| StoreError::Write {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(settings)
    }
}

fn checked(path: &Path, text: &str) -> Result<Settings, StoreError> {
    let settings: Settings = parse_versioned(path, text, SETTINGS_SCHEMA_VERSION)?;
    settings.check().map_err(|message| StoreError::Invalid {
        path: path.to_path_buf(),
        message,
    })?;
    Ok(settings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::store::settings::Theme;

    #[test]
    fn only_the_changed_keys_are_written_over_a_hand_edit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        // The window loaded the defaults; then the user added a CA file by hand.
        let base = Settings::default();
        std::fs::write(
            &path,
            "schema_version = 1\n# the company proxy's CA\nca_file = \"/etc/corp-ca.pem\"\n",
        )
        .unwrap();
        let wanted = Settings {
            text_scale: Some(1.25),
            ..base.clone()
        };
        let change = SettingsChange::between(&base, &wanted);
        assert!(change.touches("text_scale") && !change.touches("ca_file"));
        let now = change.apply(&path).unwrap();
        assert_eq!(now.text_scale, Some(1.25));
        assert_eq!(now.ca_file.as_deref(), Some(Path::new("/etc/corp-ca.pem")));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("# the company proxy's CA"), "{text}");

        // Back to the default removes the key; nothing else moves.
        let change = SettingsChange::between(&wanted, &base);
        let now = change.apply(&path).unwrap();
        assert_eq!(now.text_scale, None);
        assert!(now.ca_file.is_some());
    }

    #[test]
    fn a_broken_file_or_a_bad_value_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        let broken = "schema_version = 1\ntheme = \n";
        std::fs::write(&path, broken).unwrap();
        let wanted = Settings {
            theme: Theme::Dark,
            ..Settings::default()
        };
        let change = SettingsChange::between(&Settings::default(), &wanted);
        assert!(matches!(change.apply(&path), Err(StoreError::Parse { .. })));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);

        std::fs::write(&path, "schema_version = 1\n").unwrap();
        let wanted = Settings {
            lock_wait_seconds: Some(-3.0),
            ..Settings::default()
        };
        let err = SettingsChange::between(&Settings::default(), &wanted)
            .apply(&path)
            .unwrap_err();
        assert!(err.to_string().contains("lock_wait_seconds"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "schema_version = 1\n"
        );
    }

    #[test]
    fn a_draft_is_carried_over_settings_changed_on_disk() {
        let loaded = Settings::default();
        let draft = Settings {
            theme: Theme::Dark,
            ..loaded.clone()
        };
        let on_disk = Settings {
            ca_file: Some("/etc/corp-ca.pem".into()),
            ..loaded.clone()
        };
        let carried = SettingsChange::between(&loaded, &draft).applied_to(&on_disk);
        assert_eq!(carried.theme, Theme::Dark);
        assert_eq!(carried.ca_file, on_disk.ca_file);
    }

    #[test]
    fn a_missing_file_is_created_with_its_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        let wanted = Settings {
            close_to_tray: false,
            ..Settings::default()
        };
        let now = SettingsChange::between(&Settings::default(), &wanted)
            .apply(&path)
            .unwrap();
        assert!(!now.close_to_tray);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("schema_version = 1"), "{text}");
        assert!(text.contains("close_to_tray = false"), "{text}");
    }
}
