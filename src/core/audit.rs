//! The audit trail: one JSON line per action, appended; never a token or a secret.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;
use time::OffsetDateTime;

use crate::core::account::Account;
use crate::core::clock::rfc3339;
use crate::core::paths::ensure_private_dir;

pub const AUDIT_SCHEMA_VERSION: u32 = 1;

/// One audited action.
#[derive(Debug, Serialize)]
pub struct AuditRecord {
    pub v: u32,
    pub time: String,
    pub account_id: String,
    pub account: String,
    pub provider: String,
    pub action: &'static str,
    /// `ok`, or the error's stable code (`rejected`, `network` ...).
    pub outcome: String,
    pub duration_ms: u64,
    /// Non-secret detail: how the link was delivered, or the error message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl AuditRecord {
    pub fn new(
        account: &Account,
        action: &'static str,
        at: OffsetDateTime,
        took: Duration,
    ) -> Self {
        Self {
            v: AUDIT_SCHEMA_VERSION,
            time: rfc3339(at),
            account_id: account.id.to_string(),
            account: account.name.clone(),
            provider: account.provider.id().to_string(),
            action,
            outcome: "ok".into(),
            duration_ms: took.as_millis() as u64,
            detail: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct AuditLog {
    path: PathBuf,
}

impl AuditLog {
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Appends one line with a single write, so concurrent processes do not interleave.
    pub fn append(&self, record: &AuditRecord) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            ensure_private_dir(dir)?;
        }
        let mut line = serde_json::to_vec(record).map_err(std::io::Error::other)?;
        line.push(b'\n');
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(&self.path)?.write_all(&line)
    }
}
