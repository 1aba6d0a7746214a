//! The audit trail: one JSON line per action, appended; never a token or a secret.

use std::borrow::Cow;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::core::account::Account;
use crate::core::clock::rfc3339;
use crate::core::paths::ensure_private_dir;
use crate::core::store::atomic::FileLock;

pub const AUDIT_SCHEMA_VERSION: u32 = 1;

/// How an action reached the app; every audit record names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Via {
    Window,
    Tray,
    QuickLaunch,
    /// An `sso-launcher://` link, confirmed in the window.
    Link,
    Cli,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Window => "window",
            Self::Tray => "tray",
            Self::QuickLaunch => "quick_launch",
            Self::Link => "link",
            Self::Cli => "cli",
        }
    }

    /// How a process serving this front end names itself to another one waiting for it.
    pub fn holder_label(self) -> String {
        let pid = std::process::id();
        match self {
            Self::Cli => format!("an sso-launcher command (pid {pid})"),
            _ => format!("the sso-launcher window (pid {pid})"),
        }
    }
}

/// One audited action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub v: u32,
    pub time: String,
    pub account_id: String,
    pub account: String,
    pub provider: String,
    /// The account's stage when it has one (`production` ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    pub action: Cow<'static, str>,
    /// How the action came: `window`, `tray`, `quick_launch`, `link` or `cli` (absent in
    /// records written before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<Cow<'static, str>>,
    /// The ticket the operator gave for it (`launch --ticket INC-123`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// Who and where: the OS user and the host name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// This action's own id, to find it again (a support case, the app's log).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation: Option<String>,
    /// `ok`, or the error's stable code (`rejected`, `network` ...).
    pub outcome: String,
    pub duration_ms: u64,
    /// Non-secret detail: how the link was delivered, or the error message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl AuditRecord {
    pub fn new(
        account: &Account,
        action: &'static str,
        via: Via,
        at: OffsetDateTime,
        took: Duration,
    ) -> Self {
        Self {
            v: AUDIT_SCHEMA_VERSION,
            time: rfc3339(at),
            account_id: account.id.to_string(),
            account: account.name.clone(),
            provider: account.provider.id().to_string(),
            stage: account.stage().map(str::to_string),
            action: Cow::Borrowed(action),
            via: Some(Cow::Borrowed(via.as_str())),
            ticket: None,
            operator: Some(operator().to_string()),
            host: Some(host().to_string()),
            correlation: Some(uuid::Uuid::new_v4().simple().to_string()),
            outcome: "ok".into(),
            duration_ms: took.as_millis() as u64,
            detail: None,
        }
    }
}

/// The OS user this process runs as: the account of its user id (`/etc/passwd`), else
/// what the session's environment says. Looked up once per process.
pub fn operator() -> &'static str {
    static OPERATOR: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    OPERATOR.get_or_init(look_up_operator)
}

fn look_up_operator() -> String {
    user_of_uid()
        .or_else(|| {
            ["USER", "LOGNAME", "USERNAME"].iter().find_map(|name| {
                std::env::var(name)
                    .ok()
                    .filter(|user| !user.trim().is_empty())
            })
        })
        .unwrap_or_else(|| "unknown".into())
}

/// The name `/etc/passwd` gives this process's real user id (Linux).
fn user_of_uid() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let uid = status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))?
        .split_whitespace()
        .next()?
        .to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        (fields.nth(1)? == uid).then(|| name.to_string())
    })
}

/// This machine's name, looked up once per process.
pub fn host() -> &'static str {
    static HOST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HOST.get_or_init(|| gethostname::gethostname().to_string_lossy().into_owned())
}

/// Default for `audit_max_bytes`: the log is rotated once it would grow past this.
pub const DEFAULT_AUDIT_MAX_BYTES: u64 = 10 * 1024 * 1024;
/// Default for `audit_keep_files`: how many rotated files (`audit.jsonl.1` ...) are kept.
pub const DEFAULT_AUDIT_KEEP_FILES: u32 = 5;

/// The audit log: `audit.jsonl`, rotated by size to `audit.jsonl.1` (the newest) up to
/// `audit.jsonl.N`. Appends never wait; a rotation and a read hold a lock file so a reader
/// never sees files renamed under it. An appender that opened the file before a rotation
/// writes into `audit.jsonl.1`, where readers find it: no record is lost.
#[derive(Debug, Clone)]
pub struct AuditLog {
    path: PathBuf,
    max_bytes: u64,
    keep_files: u32,
}

impl AuditLog {
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            max_bytes: DEFAULT_AUDIT_MAX_BYTES,
            keep_files: DEFAULT_AUDIT_KEEP_FILES,
        }
    }

    /// Rotates once the log would grow past `max_bytes`, keeping `keep_files` old files.
    pub fn with_rotation(mut self, max_bytes: u64, keep_files: u32) -> Self {
        self.max_bytes = max_bytes.max(1);
        self.keep_files = keep_files.max(1);
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `audit.jsonl.N`: the Nth newest rotated file.
    pub(crate) fn rotated(&self, number: u32) -> PathBuf {
        let mut name = self.path.as_os_str().to_owned();
        name.push(format!(".{number}"));
        PathBuf::from(name)
    }

    pub(crate) fn keep_files(&self) -> u32 {
        self.keep_files
    }

    /// The lock a rotation and a read hold (never an append).
    fn lock_path(&self) -> PathBuf {
        let mut name = self.path.as_os_str().to_owned();
        name.push(".lock");
        PathBuf::from(name)
    }

    /// Waits for the lock (a rotation, which must happen; a whole read).
    pub(crate) fn lock(&self) -> std::io::Result<FileLock> {
        FileLock::acquire(&self.lock_path())
    }

    /// Takes the lock if it is free (a read, which can wait for the next change).
    pub(crate) fn try_lock(&self) -> std::io::Result<Option<FileLock>> {
        FileLock::try_acquire(&self.lock_path())
    }

    /// Appends one line with a single write, so concurrent processes do not interleave.
    pub fn append(&self, record: &AuditRecord) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            ensure_private_dir(dir)?;
        }
        let mut record = record.clone();
        record.detail = record
            .detail
            .as_deref()
            .map(crate::core::server_text::printable);
        let mut line = serde_json::to_vec(&record).map_err(std::io::Error::other)?;
        line.push(b'\n');
        self.rotate_if_full(line.len() as u64)?;
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(&self.path)?.write_all(&line)
    }

    /// Moves `audit.jsonl` to `audit.jsonl.1` (and each older file one number up, dropping
    /// the oldest) when `adding` more bytes would take it past the limit. Each step is one
    /// rename: a kill between two leaves a gap in the numbers, never a lost or torn file.
    fn rotate_if_full(&self, adding: u64) -> std::io::Result<()> {
        let full = |length: u64| length > 0 && length + adding > self.max_bytes;
        if !full(file_length(&self.path)) {
            return Ok(());
        }
        let _lock = self.lock()?;
        // Another process may have rotated while this one waited for the lock.
        if !full(file_length(&self.path)) {
            return Ok(());
        }
        match std::fs::remove_file(self.rotated(self.keep_files)) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => return Err(err),
            _ => {}
        }
        for number in (1..self.keep_files).rev() {
            match std::fs::rename(self.rotated(number), self.rotated(number + 1)) {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => return Err(err),
                _ => {}
            }
        }
        std::fs::rename(&self.path, self.rotated(1))?;
        #[cfg(unix)]
        if let Some(dir) = self.path.parent() {
            std::fs::File::open(dir)?.sync_all()?;
        }
        tracing::info!(path = %self.path.display(), "rotated the audit log");
        Ok(())
    }
}

fn file_length(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |metadata| metadata.len())
}
