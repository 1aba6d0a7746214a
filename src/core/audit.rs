//! The audit trail: one JSON line per action, appended; never a token or a secret.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use std::borrow::Cow;
use std::io::{Read, Seek, SeekFrom};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::core::account::Account;
use crate::core::clock::rfc3339;
use crate::core::paths::ensure_private_dir;

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
    pub action: Cow<'static, str>,
    /// How the action came: `window`, `tray`, `quick_launch`, `link` or `cli` (absent in
    /// records written before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<Cow<'static, str>>,
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
            action: Cow::Borrowed(action),
            via: Some(Cow::Borrowed(via.as_str())),
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
        let mut record = record.clone();
        record.detail = record
            .detail
            .as_deref()
            .map(crate::core::server_text::printable);
        let mut line = serde_json::to_vec(&record).map_err(std::io::Error::other)?;
        line.push(b'\n');
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(&self.path)?.write_all(&line)
    }
}

/// How much of the end of a long log the window reads at start.
pub const TAIL_BYTES: u64 = 4 * 1024 * 1024;

/// Records read from the log, and where to read on from next time.
#[derive(Debug, Default)]
pub struct AuditChunk {
    pub records: Vec<AuditRecord>,
    /// Byte offset just past the last complete line read.
    pub next_offset: u64,
    /// Lines that are not audit records (hand-edited, cut short); skipped.
    pub unreadable_lines: usize,
}

impl AuditLog {
    /// Reads complete lines from `offset` on (`None`: the last [`TAIL_BYTES`] of the file,
    /// from its first whole line). A missing log is an empty one.
    pub fn read_from(&self, offset: Option<u64>) -> std::io::Result<AuditChunk> {
        let mut file = match std::fs::File::open(&self.path) {
            Ok(file) => file,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Ok(AuditChunk::default());
            }
            Err(err) => return Err(err),
        };
        let length = file.metadata()?.len();
        let (start, skip_partial) = match offset {
            Some(offset) if offset <= length => (offset, false),
            // The log was replaced or cut: start again from its tail.
            _ if length > TAIL_BYTES => (length - TAIL_BYTES, true),
            _ => (0, false),
        };
        file.seek(SeekFrom::Start(start))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        let mut chunk = AuditChunk {
            next_offset: start,
            ..AuditChunk::default()
        };
        let mut body = &bytes[..];
        if skip_partial {
            let cut = body
                .iter()
                .position(|&b| b == b'\n')
                .map_or(body.len(), |at| at + 1);
            chunk.next_offset += cut as u64;
            body = &body[cut..];
        }
        // A last line without its newline is still being written: read it next time.
        while let Some(end) = body.iter().position(|&b| b == b'\n') {
            let line = &body[..end];
            chunk.next_offset += end as u64 + 1;
            body = &body[end + 1..];
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<AuditRecord>(line) {
                Ok(record) => chunk.records.push(record),
                Err(_) => chunk.unreadable_lines += 1,
            }
        }
        Ok(chunk)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::account::{Account, ProviderKind};

    #[test]
    fn reads_on_from_where_it_stopped_and_skips_damaged_lines() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(dir.path().join("audit.jsonl"));
        assert!(log.read_from(None).unwrap().records.is_empty());
        let account = Account::new("Acme", ProviderKind::Assuresign);
        let record = AuditRecord::new(
            &account,
            "launch",
            Via::Cli,
            OffsetDateTime::UNIX_EPOCH,
            Duration::ZERO,
        );
        log.append(&record).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(log.path())
            .unwrap()
            .write_all(b"not json\n{\"v\":1")
            .unwrap();
        let first = log.read_from(None).unwrap();
        assert_eq!(first.records, vec![record.clone()]);
        assert_eq!(first.unreadable_lines, 1);
        // The unfinished last line is not consumed; once finished, it is read.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .open(log.path())
            .unwrap();
        let length = file.metadata().unwrap().len();
        file.set_len(length - 6).unwrap();
        file.seek(SeekFrom::End(0)).unwrap();
        drop(file);
        log.append(&record).unwrap();
        let next = log.read_from(Some(first.next_offset)).unwrap();
        assert_eq!(next.records, vec![record]);
        assert_eq!(next.unreadable_lines, 0);
    }
}
