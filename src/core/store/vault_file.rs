//! The vault file: every secret in one age-encrypted file (`vault.age`), for machines where no
//! Secret Service answers, or when the user chooses it.
//!
//! The file is a standard age file with one scrypt (passphrase) recipient; `age -d` opens it.
//! Inside is JSON: `{"format": "sso-launcher-vault", "version": 1, "secrets": {ACCOUNT-ID:
//! {NAME: VALUE}}}`, so account ids never appear in a file name. The decrypted contents are
//! kept in memory while unlocked and forgotten after an idle time; every write re-reads the file
//! under a lock file, so two processes writing at once keep both changes.

mod format;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use super::atomic::{FileLock, write_atomically};
use super::vault::{LockState, SecretKey, SecretVault, VaultBackend, VaultError};
use crate::core::secret::SecretString;
use format::{decrypt, encrypt, header_check};

/// scrypt work factor of the files this app writes: N = 2^16 (64 MiB, about 0.1 to 0.2 s on a
/// current laptop). age would calibrate to about a second per encryption, and every cached
/// session is written here; the passphrase, not the work factor, is what must be strong.
pub const VAULT_WORK_FACTOR: u8 = 16;
/// The highest work factor a vault file may ask for: 2^18 is what the `age` tool writes when a
/// user re-encrypts the file by hand; more would let a planted file cost gigabytes to open.
pub const MAX_WORK_FACTOR: u8 = 18;
/// Default of the `vault_idle_minutes` setting.
pub const DEFAULT_IDLE: Duration = Duration::from_secs(15 * 60);

/// How the vault gets its passphrase when it is locked.
pub trait PassphraseSource: Send + Sync {
    /// `creating`: there is no vault file yet, so the passphrase is a new one (confirm it).
    /// `retry`: the passphrase given before did not open the file.
    fn passphrase(
        &self,
        path: &Path,
        creating: bool,
        retry: bool,
    ) -> Result<SecretString, VaultError>;

    /// How many passphrases to try before giving up (a person mistypes; a file does not).
    fn attempts(&self) -> u32 {
        1
    }

    /// The passphrase given opened the vault (the window's status bar says so at once).
    fn opened(&self) {}
}

/// A passphrase source that never asks: the window unlocks with [`FileVault::unlock`].
pub struct AskElsewhere;

impl PassphraseSource for AskElsewhere {
    fn passphrase(&self, path: &Path, creating: bool, _: bool) -> Result<SecretString, VaultError> {
        Err(VaultError::NeedsPassphrase {
            path: path.to_path_buf(),
            creating,
        })
    }
}

pub struct FileVault {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    lock_path: PathBuf,
    source: Box<dyn PassphraseSource>,
    idle_limit: Duration,
    open: Mutex<Option<Opened>>,
    /// The person declined to give the passphrase: later reads fail at once, instead of
    /// asking again for each account, until [`SecretVault::ask_again`].
    declined: AtomicBool,
}

/// What an unlocked vault holds in memory.
struct Opened {
    passphrase: SecretString,
    secrets: Secrets,
    /// SHA-256 of the file as last read or written: a different file was written by another
    /// process, and is read again.
    file_digest: Option<[u8; 32]>,
    /// The file's size, time and inode when last read or written: while they stay the same,
    /// a read costs one `stat`, not a read and a hash of the file.
    file_stamp: Option<FileStamp>,
    last_used: Instant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    inode: u64,
}

fn stamp(path: &Path) -> Option<FileStamp> {
    let metadata = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&metadata);
    #[cfg(not(unix))]
    let inode = 0;
    Some(FileStamp {
        len: metadata.len(),
        modified: metadata.modified().ok(),
        inode,
    })
}

pub(super) type Secrets = BTreeMap<String, BTreeMap<String, SecretString>>;

impl FileVault {
    /// A vault at `path`; nothing is read or asked until the first call.
    pub fn new(path: PathBuf, source: Box<dyn PassphraseSource>, idle_limit: Duration) -> Self {
        // Absolute, so the folder beside it (temporary and lock files) is never "".
        let path = std::path::absolute(&path).unwrap_or(path);
        let mut lock_name = path.file_name().unwrap_or_default().to_os_string();
        lock_name.push(".lock");
        let lock_path = path.with_file_name(lock_name);
        let inner = Arc::new(Inner {
            path,
            lock_path,
            source,
            idle_limit,
            open: Mutex::new(None),
            declined: AtomicBool::new(false),
        });
        spawn_idle_watch(Arc::downgrade(&inner));
        Self { inner }
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Opens the vault with `passphrase` (creating the file when there is none). A wrong
    /// passphrase changes nothing.
    pub fn unlock(&self, passphrase: SecretString) -> Result<(), VaultError> {
        self.inner.unlock_with(passphrase)
    }

    /// Forgets the decrypted contents and the passphrase now.
    pub fn lock(&self) {
        *self.inner.open.lock().expect("vault state") = None;
    }
}

impl SecretVault for FileVault {
    fn backend(&self) -> VaultBackend {
        VaultBackend::File
    }

    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>, VaultError> {
        // No file holds nothing: a passphrase is asked only once there is something to keep.
        if self.lock_state() == LockState::NotCreated {
            return Ok(None);
        }
        self.inner.with_open(|opened| {
            Ok(opened
                .secrets
                .get(&key.account.to_string())
                .and_then(|names| names.get(&key.name))
                .cloned())
        })
    }

    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<(), VaultError> {
        self.inner.change(|secrets| {
            secrets
                .entry(key.account.to_string())
                .or_default()
                .insert(key.name.clone(), value.clone());
        })
    }

    fn delete(&self, key: &SecretKey) -> Result<(), VaultError> {
        let present = self.get(key)?.is_some();
        if !present {
            return Ok(());
        }
        self.inner.change(|secrets| remove(secrets, key))
    }

    fn set_many(&self, entries: &[(SecretKey, SecretString)]) -> Result<(), VaultError> {
        self.inner.change(|secrets| {
            for (key, value) in entries {
                secrets
                    .entry(key.account.to_string())
                    .or_default()
                    .insert(key.name.clone(), value.clone());
            }
        })
    }

    fn delete_many(&self, keys: &[SecretKey]) -> Result<(), VaultError> {
        self.inner.change(|secrets| {
            for key in keys {
                remove(secrets, key);
            }
        })
    }

    /// Checks the file without asking for the passphrase: absent, or an age passphrase file.
    fn check_health(&self) -> Result<(), VaultError> {
        match read_file(&self.inner.path)? {
            None => Ok(()),
            Some(bytes) => header_check(&self.inner.path, &bytes),
        }
    }

    fn location(&self) -> Option<PathBuf> {
        Some(self.inner.path.clone())
    }

    fn lock_state(&self) -> LockState {
        if self.inner.open.lock().expect("vault state").is_some() {
            LockState::Open
        } else if self.inner.path.exists() {
            LockState::Locked
        } else {
            LockState::NotCreated
        }
    }

    fn unlock(&self, passphrase: SecretString) -> Result<(), VaultError> {
        FileVault::unlock(self, passphrase)
    }

    fn forget(&self) {
        self.lock();
    }

    fn open_now(&self) -> Result<(), VaultError> {
        self.inner.with_open(|_| Ok(()))
    }

    fn ask_again(&self) {
        self.inner.declined.store(false, Ordering::SeqCst);
    }
}

impl Inner {
    /// Runs `read` on the unlocked contents, asking for the passphrase first when locked and
    /// reading the file again when another process changed it.
    fn with_open<T>(
        &self,
        read: impl FnOnce(&mut Opened) -> Result<T, VaultError>,
    ) -> Result<T, VaultError> {
        let mut open = self.open.lock().expect("vault state");
        self.refresh(&mut open)?;
        let opened = open.as_mut().expect("refresh leaves the vault open");
        opened.last_used = Instant::now();
        read(opened)
    }

    /// Applies `edit` to the newest contents under the lock file, then writes the file.
    fn change(&self, edit: impl FnOnce(&mut Secrets)) -> Result<(), VaultError> {
        let mut open = self.open.lock().expect("vault state");
        // Unlocked before the lock file is taken: a passphrase prompt must not hold it.
        self.refresh(&mut open)?;
        let _file_lock = FileLock::acquire(&self.lock_path).map_err(|err| self.io_error(&err))?;
        self.remove_dead_writes();
        self.refresh(&mut open)?;
        let opened = open.as_mut().expect("refresh leaves the vault open");
        let mut secrets = opened.secrets.clone();
        edit(&mut secrets);
        let bytes = encrypt(&secrets, &opened.passphrase)?;
        write_atomically(&self.path, &bytes).map_err(|err| self.io_error(&err))?;
        opened.secrets = secrets;
        opened.file_digest = Some(Sha256::digest(&bytes).into());
        // Taken with the lock file held: no one else has written since.
        opened.file_stamp = stamp(&self.path);
        opened.last_used = Instant::now();
        Ok(())
    }

    /// Makes `open` hold the file's current contents: asks for the passphrase when locked,
    /// decrypts again when the file changed on disk.
    fn refresh(&self, open: &mut Option<Opened>) -> Result<(), VaultError> {
        if open
            .as_ref()
            .is_some_and(|opened| opened.last_used.elapsed() >= self.idle_limit)
        {
            *open = None;
        }
        // Taken before the read: a file replaced in between differs at the next look.
        let file_stamp = stamp(&self.path);
        if let Some(opened) = open.as_ref()
            && opened.file_stamp.is_some()
            && opened.file_stamp == file_stamp
        {
            return Ok(());
        }
        let bytes = read_file(&self.path)?;
        let digest = bytes.as_deref().map(|bytes| Sha256::digest(bytes).into());
        if let Some(opened) = open.as_mut() {
            opened.file_stamp = file_stamp;
            if opened.file_digest == digest {
                return Ok(());
            }
            match (&bytes, digest) {
                (Some(bytes), Some(_)) => {
                    // Written by another process with the passphrase we hold (or changed).
                    match decrypt(&self.path, bytes, &opened.passphrase) {
                        Ok(secrets) => {
                            opened.secrets = secrets;
                            opened.file_digest = digest;
                            return Ok(());
                        }
                        Err(VaultError::WrongPassphrase { .. }) => *open = None,
                        Err(err) => return Err(err),
                    }
                }
                _ => {
                    // The file was removed: keep what we hold; the next write recreates it.
                    opened.file_digest = None;
                    return Ok(());
                }
            }
        }
        let creating = bytes.is_none();
        if self.declined.load(Ordering::SeqCst) {
            return Err(VaultError::NeedsPassphrase {
                path: self.path.clone(),
                creating,
            });
        }
        let attempts = self.source.attempts().max(1);
        let mut retry = false;
        for attempt in 1..=attempts {
            let passphrase = match self.source.passphrase(&self.path, creating, retry) {
                Err(declined @ VaultError::NeedsPassphrase { .. }) => {
                    self.declined.store(true, Ordering::SeqCst);
                    return Err(declined);
                }
                answer => answer?,
            };
            match self.open_with(passphrase, bytes.clone(), digest) {
                Err(VaultError::WrongPassphrase { .. }) if attempt < attempts => retry = true,
                opened => {
                    *open = Some(opened?);
                    self.source.opened();
                    break;
                }
            }
        }
        Ok(())
    }

    fn unlock_with(&self, passphrase: SecretString) -> Result<(), VaultError> {
        let mut open = self.open.lock().expect("vault state");
        let bytes = read_file(&self.path)?;
        let digest = bytes.as_deref().map(|bytes| Sha256::digest(bytes).into());
        *open = Some(self.open_with(passphrase, bytes, digest)?);
        Ok(())
    }

    /// Decrypts `bytes` with `passphrase`, or starts an empty vault file when there is none
    /// (under the lock file, opening the one another process wrote first, if any).
    fn open_with(
        &self,
        passphrase: SecretString,
        bytes: Option<Vec<u8>>,
        digest: Option<[u8; 32]>,
    ) -> Result<Opened, VaultError> {
        if passphrase.is_empty() {
            return Err(VaultError::EmptyPassphrase);
        }
        let (secrets, file_digest) = match bytes {
            Some(bytes) => (decrypt(&self.path, &bytes, &passphrase)?, digest),
            None => {
                let _file_lock =
                    FileLock::acquire(&self.lock_path).map_err(|err| self.io_error(&err))?;
                if let Some(bytes) = read_file(&self.path)? {
                    let digest = Sha256::digest(&bytes).into();
                    return Ok(Opened {
                        secrets: decrypt(&self.path, &bytes, &passphrase)?,
                        passphrase,
                        file_digest: Some(digest),
                        file_stamp: stamp(&self.path),
                        last_used: Instant::now(),
                    });
                }
                let empty = Secrets::new();
                let bytes = encrypt(&empty, &passphrase)?;
                write_atomically(&self.path, &bytes).map_err(|err| self.io_error(&err))?;
                (empty, Some(Sha256::digest(&bytes).into()))
            }
        };
        Ok(Opened {
            passphrase,
            secrets,
            file_digest,
            file_stamp: None,
            last_used: Instant::now(),
        })
    }

    /// Removes temporary files of writers that died mid-write: with the lock file held, no
    /// other writer is writing one.
    fn remove_dead_writes(&self) {
        let (Some(dir), Some(name)) = (self.path.parent(), self.path.file_name()) else {
            return;
        };
        let prefix = format!(".{}.", name.to_string_lossy());
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let file_name = file_name.to_string_lossy();
            if file_name.starts_with(&prefix) && file_name.ends_with(".tmp") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    fn io_error(&self, err: &std::io::Error) -> VaultError {
        VaultError::Failed {
            detail: format!("{}: {err}", self.path.display()),
        }
    }
}

fn remove(secrets: &mut Secrets, key: &SecretKey) {
    let account = key.account.to_string();
    if let Some(names) = secrets.get_mut(&account) {
        names.remove(&key.name);
        if names.is_empty() {
            secrets.remove(&account);
        }
    }
}

/// Forgets an idle vault's contents even when nothing asks it again; ends with the vault.
fn spawn_idle_watch(inner: Weak<Inner>) {
    let spawned = std::thread::Builder::new()
        .name("vault-idle".into())
        .spawn(move || {
            loop {
                let Some(inner) = inner.upgrade() else { return };
                let pause = (inner.idle_limit / 4)
                    .clamp(Duration::from_millis(50), Duration::from_secs(30));
                {
                    let mut open = inner.open.lock().expect("vault state");
                    if open
                        .as_ref()
                        .is_some_and(|opened| opened.last_used.elapsed() >= inner.idle_limit)
                    {
                        *open = None;
                    }
                }
                drop(inner);
                std::thread::sleep(pause);
            }
        });
    if let Err(err) = spawned {
        tracing::warn!("the vault will be forgotten only when next used: {err}");
    }
}

fn read_file(path: &Path) -> Result<Option<Vec<u8>>, VaultError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(VaultError::Failed {
            detail: format!("could not read {}: {err}", path.display()),
        }),
    }
}

#[cfg(test)]
#[path = "vault_file_tests.rs"]
mod tests;
