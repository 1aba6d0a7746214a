//! Watching the files other processes change: `accounts.toml`, `credentials.toml` and
//! `settings.toml` (the CLI, a hand edit) and the audit log (launches from anywhere), so a resident front end shows a
//! change within a moment of it being made. The folders are watched, not the files: the
//! files are replaced by rename on every save.

use std::path::{Path, PathBuf};
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use tokio::sync::mpsc;

use crate::core::paths::{AppPaths, ensure_private_dir};

/// Which of the watched files changed since the last report.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Changed {
    /// The accounts or the credential sets they use.
    pub accounts: bool,
    pub settings: bool,
    pub audit: bool,
}

impl Changed {
    pub fn any(self) -> bool {
        self.accounts || self.settings || self.audit
    }

    fn merge(&mut self, other: Changed) {
        self.accounts |= other.accounts;
        self.settings |= other.settings;
        self.audit |= other.audit;
    }
}

/// How long to gather events before reporting them: one save is several events.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// Watches the files; dropping it stops the watch.
pub struct FileWatch {
    _watcher: notify::RecommendedWatcher,
    changes: mpsc::UnboundedReceiver<Changed>,
}

impl FileWatch {
    /// Starts watching the app's folders (creating them when missing).
    pub fn start(paths: &AppPaths) -> notify::Result<Self> {
        let files = Files {
            accounts: paths.accounts_file(),
            credentials: paths.credentials_file(),
            settings: paths.settings_file(),
            audit: paths.audit_file(),
        };
        let (sender, changes) = mpsc::unbounded_channel();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                let Ok(event) = event else { return };
                if event.kind.is_access() {
                    return;
                }
                let changed = files.classify(&event.paths);
                if changed.any() {
                    let _ = sender.send(changed);
                }
            })?;
        let mut dirs = vec![paths.config_dir.clone(), paths.data_dir.clone()];
        dirs.dedup();
        for dir in dirs {
            ensure_private_dir(&dir).map_err(notify::Error::io)?;
            watcher.watch(&dir, RecursiveMode::NonRecursive)?;
        }
        Ok(Self {
            _watcher: watcher,
            changes,
        })
    }

    /// Waits for the next change, then gathers what else changes within [`DEBOUNCE`].
    /// `None` once the watch has stopped.
    pub async fn next(&mut self) -> Option<Changed> {
        let mut changed = self.changes.recv().await?;
        let deadline = tokio::time::Instant::now() + DEBOUNCE;
        while let Ok(Some(more)) = tokio::time::timeout_at(deadline, self.changes.recv()).await {
            changed.merge(more);
        }
        Some(changed)
    }
}

struct Files {
    accounts: PathBuf,
    credentials: PathBuf,
    settings: PathBuf,
    audit: PathBuf,
}

impl Files {
    fn classify(&self, paths: &[PathBuf]) -> Changed {
        let is = |wanted: &Path| paths.iter().any(|path| path == wanted);
        Changed {
            accounts: is(&self.accounts) || is(&self.credentials),
            settings: is(&self.settings),
            audit: is(&self.audit),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_change_made_by_another_writer_is_reported_once_debounced() {
        let dir = tempfile::tempdir().unwrap();
        let paths = AppPaths {
            config_dir: dir.path().join("config"),
            data_dir: dir.path().join("data"),
        };
        let mut watch = FileWatch::start(&paths).unwrap();
        crate::core::store::atomic::write_atomically(&paths.accounts_file(), b"one").unwrap();
        crate::core::store::atomic::write_atomically(&paths.accounts_file(), b"two").unwrap();
        std::fs::write(paths.audit_file(), b"{}\n").unwrap();
        let changed = tokio::time::timeout(Duration::from_secs(5), watch.next())
            .await
            .expect("a report")
            .unwrap();
        assert_eq!(
            changed,
            Changed {
                accounts: true,
                settings: false,
                audit: true
            }
        );
        // Temporary files and lock files in the same folders are not reported.
        std::fs::write(paths.config_dir.join("accounts.toml.lock"), b"").unwrap();
        let quiet = tokio::time::timeout(Duration::from_millis(400), watch.next()).await;
        assert!(quiet.is_err(), "{quiet:?}");
    }
}
