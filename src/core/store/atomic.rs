//! Atomic file replacement and advisory file locks.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

use crate::core::paths::ensure_private_dir;

/// Writes `contents` to `path` so that a reader sees either the old file or the new one,
/// never a half-written one: temp file in the same folder, fsync, rename, fsync the folder.
pub fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    ensure_private_dir(dir)?;
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let temp_path = dir.join(format!(
        ".{file_name}.{}.tmp",
        uuid::Uuid::new_v4().simple()
    ));
    let result = (|| {
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temp_path)?;
        file.write_all(contents)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp_path, path)?;
        // The rename is durable only once the folder entry is on disk.
        #[cfg(unix)]
        File::open(dir)?.sync_all()?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp_path);
    }
    result
}

/// An exclusive advisory lock on a lock file, held until dropped. Works across processes.
#[derive(Debug)]
pub struct FileLock {
    file: File,
}

impl FileLock {
    /// Blocks until the lock is ours. Call from a blocking context.
    pub fn acquire(path: &Path) -> std::io::Result<Self> {
        let file = open_lock_file(path)?;
        file.lock()?;
        Ok(Self { file })
    }

    /// Takes the lock if it is free; `Ok(None)` when someone else holds it. Never blocks.
    pub fn try_acquire(path: &Path) -> std::io::Result<Option<Self>> {
        let file = open_lock_file(path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Self { file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(err)) => Err(err),
        }
    }

    /// Writes who holds the lock into the lock file, for those waiting to read.
    pub fn describe_holder(&mut self, holder: &str) {
        let written = self
            .file
            .set_len(0)
            .and_then(|()| std::io::Seek::rewind(&mut self.file))
            .and_then(|_| self.file.write_all(holder.as_bytes()));
        if let Err(err) = written {
            tracing::debug!("could not describe the lock's holder: {err}");
        }
    }

    /// Who holds the lock at `path`, as its holder described itself (`None`: unknown).
    pub fn holder(path: &Path) -> Option<String> {
        let text = std::fs::read_to_string(path).ok()?;
        let text = text.trim();
        (!text.is_empty()).then(|| text.chars().take(200).collect())
    }
}

/// Opens (creating when missing, in a private folder) a lock file, keeping its content.
fn open_lock_file(path: &Path) -> std::io::Result<File> {
    if let Some(dir) = path.parent() {
        ensure_private_dir(dir)?;
    }
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // A lock file left behind names no holder.
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/accounts.toml");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("accounts.toml")]);
    }

    #[test]
    fn file_lock_excludes_a_second_holder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.lock");
        let held = FileLock::acquire(&path).unwrap();
        let other = OpenOptions::new().write(true).open(&path).unwrap();
        assert!(other.try_lock().is_err(), "second lock must not be granted");
        drop(held);
        assert!(other.try_lock().is_ok());
    }

    #[test]
    fn a_waiting_process_learns_who_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("account.lock");
        let mut held = FileLock::try_acquire(&path).unwrap().expect("free");
        held.describe_holder("the sso-launcher window (pid 42)");
        assert!(FileLock::try_acquire(&path).unwrap().is_none(), "busy");
        assert_eq!(
            FileLock::holder(&path).as_deref(),
            Some("the sso-launcher window (pid 42)")
        );
        drop(held);
        assert_eq!(FileLock::holder(&path), None, "released locks name nobody");
        assert!(FileLock::try_acquire(&path).unwrap().is_some());
    }
}
