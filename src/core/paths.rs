//! Where the app keeps its files. Overridable so that tests and demos never touch the real home.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct AppPaths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
}

impl AppPaths {
    /// Resolves the directories: explicit overrides first; the data dir follows an overridden
    /// config dir (as `<config>/data`) so that overriding one isolates both.
    pub fn resolve(
        config_override: Option<PathBuf>,
        data_override: Option<PathBuf>,
    ) -> Result<Self, String> {
        let platform = || {
            directories::ProjectDirs::from("", "", "sso-launcher").ok_or_else(|| {
                "could not find your home directory to keep the config and data folders in"
                    .to_string()
            })
        };
        let config_dir = match &config_override {
            Some(dir) => dir.clone(),
            None => platform()?.config_dir().to_path_buf(),
        };
        let data_dir = match (data_override, &config_override) {
            (Some(dir), _) => dir,
            (None, Some(config)) => config.join("data"),
            (None, None) => platform()?.data_dir().to_path_buf(),
        };
        Ok(Self {
            config_dir,
            data_dir,
        })
    }

    pub fn accounts_file(&self) -> PathBuf {
        self.config_dir.join("accounts.toml")
    }

    pub fn credentials_file(&self) -> PathBuf {
        self.config_dir.join("credentials.toml")
    }

    pub fn settings_file(&self) -> PathBuf {
        self.config_dir.join("settings.toml")
    }

    pub fn audit_file(&self) -> PathBuf {
        self.data_dir.join("audit.jsonl")
    }

    pub fn locks_dir(&self) -> PathBuf {
        self.data_dir.join("locks")
    }

    /// What providers asked to keep between sign-ins, one file per account.
    pub fn remembered_dir(&self) -> PathBuf {
        self.data_dir.join("remembered")
    }
}

/// Creates a directory (and its parents) readable only by the user on Unix.
pub fn ensure_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// A stable key for a folder (hex SHA-256 of its absolute path), for names that must differ
/// per config folder: the one-instance name on the session bus, the autostart entry.
pub fn folder_key(dir: &Path) -> String {
    use sha2::{Digest, Sha256};
    let absolute = std::fs::canonicalize(dir)
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf());
    let digest = Sha256::digest(absolute.as_os_str().as_encoded_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}
