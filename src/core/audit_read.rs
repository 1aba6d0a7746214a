//! Reading the audit log on from where the last read stopped, across rotations: the window's
//! Activity tab and the tray's recent launches read only what is new.

use std::hash::{Hash, Hasher};
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;

use crate::core::audit::{AuditLog, AuditRecord};

/// How much of the end of a long log the window reads at start.
pub const TAIL_BYTES: u64 = 4 * 1024 * 1024;

/// How much of a file's start names it: its first line, or this many bytes of a longer one.
const FINGERPRINT_BYTES: usize = 4096;

/// Where a read stopped: a file, named by a fingerprint of its first line (which an
/// append-only file never changes, whatever number rotation gives it), and an offset in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditPosition {
    /// `None`: no file had a complete line yet; read every file from its start.
    file: Option<u64>,
    offset: u64,
}

/// Records read from the log, and where to read on from next time.
#[derive(Debug, Default)]
pub struct AuditChunk {
    pub records: Vec<AuditRecord>,
    /// Just past the last complete line read.
    pub next: Option<AuditPosition>,
    /// Lines that are not audit records (hand-edited, cut short); skipped.
    pub unreadable_lines: usize,
}

/// One file of the log, oldest first.
struct LogFile {
    path: PathBuf,
    length: u64,
    fingerprint: Option<u64>,
}

impl AuditLog {
    /// Reads complete lines from `from` on (`None`: the last [`TAIL_BYTES`] of the log, from
    /// a whole line), through every file rotated since. A missing log is an empty one.
    pub fn read_from(&self, from: Option<AuditPosition>) -> std::io::Result<AuditChunk> {
        if !self.path().exists() && !self.rotated(1).exists() {
            return Ok(AuditChunk::default());
        }
        // No rotation while the files are listed and read. A reader never waits: while a
        // rotation holds the lock, it reads nothing now and reads on from here next time.
        let Some(_lock) = self.try_lock()? else {
            return Ok(AuditChunk {
                next: from,
                ..AuditChunk::default()
            });
        };
        self.read_locked(from)
    }

    /// Every record the log holds, oldest first, through every rotated file (waits for a
    /// rotation in progress: `sso-launcher audit` reads the whole trail).
    pub fn read_all(&self) -> std::io::Result<AuditChunk> {
        if !self.path().exists() && !self.rotated(1).exists() {
            return Ok(AuditChunk::default());
        }
        let _lock = self.lock()?;
        self.read_locked(Some(AuditPosition {
            file: None,
            offset: 0,
        }))
    }

    /// [`AuditLog::read_from`] with the lock held.
    fn read_locked(&self, from: Option<AuditPosition>) -> std::io::Result<AuditChunk> {
        let files = self.files()?;
        if files.is_empty() {
            return Ok(AuditChunk::default());
        }
        let found = from.and_then(|position| match position.file {
            None => Some((0, 0)),
            Some(fingerprint) => files
                .iter()
                .rposition(|file| file.fingerprint == Some(fingerprint))
                .filter(|&index| position.offset <= files[index].length)
                .map(|index| (index, position.offset)),
        });
        // A first read, or a file rotated out of the kept ones or replaced: the tail.
        let (first, offset, skip_partial) = match found {
            Some((index, offset)) => (index, offset, false),
            None => tail_start(&files),
        };
        let mut chunk = AuditChunk::default();
        let newest = files.len() - 1;
        for (index, file) in files.iter().enumerate().skip(first) {
            let start = if index == first { offset } else { 0 };
            let mut bytes = Vec::new();
            let mut handle = std::fs::File::open(&file.path)?;
            handle.seek(SeekFrom::Start(start))?;
            handle.read_to_end(&mut bytes)?;
            let mut body = &bytes[..];
            let mut consumed = start;
            if index == first && skip_partial {
                let cut = body
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(body.len(), |at| at + 1);
                consumed += cut as u64;
                body = &body[cut..];
            }
            while let Some(end) = body.iter().position(|&b| b == b'\n') {
                read_line(&body[..end], &mut chunk);
                consumed += end as u64 + 1;
                body = &body[end + 1..];
            }
            if index < newest {
                // A rotated file's unfinished last line never will be: a killed writer's.
                if !body.is_empty() {
                    chunk.unreadable_lines += 1;
                }
                continue;
            }
            // The newest file's unfinished last line is still being written: read it next
            // time. Until the file has a whole line it cannot be named; the one before it
            // can, read to its end.
            chunk.next = Some(match file.fingerprint {
                Some(fingerprint) => AuditPosition {
                    file: Some(fingerprint),
                    offset: consumed,
                },
                None => match index.checked_sub(1).map(|before| &files[before]) {
                    Some(before) if before.fingerprint.is_some() => AuditPosition {
                        file: before.fingerprint,
                        offset: before.length,
                    },
                    _ => AuditPosition {
                        file: None,
                        offset: 0,
                    },
                },
            });
        }
        Ok(chunk)
    }

    /// The log's files that exist, oldest first.
    fn files(&self) -> std::io::Result<Vec<LogFile>> {
        let mut paths: Vec<PathBuf> = (1..=self.keep_files())
            .rev()
            .map(|number| self.rotated(number))
            .collect();
        paths.push(self.path().to_path_buf());
        let mut files = Vec::new();
        for path in paths {
            let metadata = match std::fs::metadata(&path) {
                Ok(metadata) => metadata,
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
                Err(err) => return Err(err),
            };
            let fingerprint = fingerprint(&path)?;
            files.push(LogFile {
                path,
                length: metadata.len(),
                fingerprint,
            });
        }
        Ok(files)
    }
}

/// Where the last [`TAIL_BYTES`] of all the files begin: a file, an offset, and whether that
/// offset may fall inside a line.
fn tail_start(files: &[LogFile]) -> (usize, u64, bool) {
    let mut wanted = TAIL_BYTES;
    for (index, file) in files.iter().enumerate().rev() {
        if file.length > wanted {
            return (index, file.length - wanted, true);
        }
        wanted -= file.length;
    }
    (0, 0, false)
}

fn read_line(line: &[u8], chunk: &mut AuditChunk) {
    if line.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    match serde_json::from_slice::<AuditRecord>(line) {
        Ok(record) => chunk.records.push(record),
        Err(_) => chunk.unreadable_lines += 1,
    }
}

/// A hash of the file's first line (or its first [`FINGERPRINT_BYTES`]); `None` while it has
/// no whole line.
fn fingerprint(path: &std::path::Path) -> std::io::Result<Option<u64>> {
    let mut start = Vec::with_capacity(FINGERPRINT_BYTES);
    std::fs::File::open(path)?
        .take(FINGERPRINT_BYTES as u64)
        .read_to_end(&mut start)?;
    let named = match start.iter().position(|&b| b == b'\n') {
        Some(end) => &start[..=end],
        None if start.len() == FINGERPRINT_BYTES => &start[..],
        None => return Ok(None),
    };
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    named.hash(&mut hasher);
    Ok(Some(hasher.finish()))
}

#[cfg(test)]
#[path = "audit_read_tests.rs"]
mod tests;
