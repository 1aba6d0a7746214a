use std::io::Write;
use std::time::Duration;

use time::OffsetDateTime;

use super::*;
use crate::core::account::{Account, AccountId};
use crate::core::audit::Via;

fn record(number: u32) -> AuditRecord {
    let mut account = Account::new(
        format!("Account {number}"),
        crate::core::provider::assuresign::ID,
    );
    account.id = AccountId::nil();
    let mut record = AuditRecord::new(
        &account,
        "launch",
        Via::Cli,
        OffsetDateTime::UNIX_EPOCH + Duration::from_secs(u64::from(number)),
        Duration::ZERO,
    );
    // Each record has an id of its own; the same number, the same record.
    record.correlation = Some(format!("record-{number}"));
    record
}

#[test]
fn reads_on_from_where_it_stopped_and_skips_damaged_lines() {
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::new(dir.path().join("audit.jsonl"));
    assert!(log.read_from(None).unwrap().records.is_empty());
    log.append(&record(1)).unwrap();
    std::fs::OpenOptions::new()
        .append(true)
        .open(log.path())
        .unwrap()
        .write_all(b"not json\n{\"v\":1")
        .unwrap();
    let first = log.read_from(None).unwrap();
    assert_eq!(first.records, vec![record(1)]);
    assert_eq!(first.unreadable_lines, 1);
    // The unfinished last line is not consumed; once finished, it is read.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(log.path())
        .unwrap();
    let length = file.metadata().unwrap().len();
    file.set_len(length - 6).unwrap();
    drop(file);
    log.append(&record(2)).unwrap();
    let next = log.read_from(first.next).unwrap();
    assert_eq!(next.records, vec![record(2)]);
    assert_eq!(next.unreadable_lines, 0);
}

/// A log rotated every few records: a reader that reads now and then gets every record once
/// and in order, however many rotations happened between two reads (within the kept files).
#[test]
fn a_reader_follows_the_log_across_rotations() {
    let dir = tempfile::tempdir().unwrap();
    let line = serde_json::to_vec(&record(1)).unwrap().len() as u64 + 1;
    // About three records a file; ten files kept.
    let log = AuditLog::new(dir.path().join("audit.jsonl")).with_rotation(3 * line + 10, 10);
    let mut position = None;
    let mut seen = Vec::new();
    let mut written = 0;
    for burst in [1, 2, 7, 0, 3, 12, 1, 1, 5] {
        for _ in 0..burst {
            written += 1;
            log.append(&record(written)).unwrap();
        }
        let chunk = log.read_from(position).unwrap();
        assert_eq!(chunk.unreadable_lines, 0);
        seen.extend(chunk.records);
        position = chunk.next;
    }
    assert_eq!(seen, (1..=written).map(record).collect::<Vec<_>>());
    assert!(log.rotated(5).exists(), "the log rotated");
    assert!(!log.rotated(11).exists());
    // A first read (the window opening) sees the history in the rotated files too.
    let everything = log.read_from(None).unwrap();
    assert_eq!(everything.records.len(), written as usize);
}

#[test]
fn rotation_keeps_only_the_newest_files_and_never_loses_the_current_one() {
    let dir = tempfile::tempdir().unwrap();
    let line = serde_json::to_vec(&record(1)).unwrap().len() as u64 + 1;
    let log = AuditLog::new(dir.path().join("audit.jsonl")).with_rotation(2 * line + 10, 3);
    for number in 1..=20 {
        log.append(&record(number)).unwrap();
    }
    // Two records a file: 20 and 19 current; 18 17, 16 15, 14 13 kept; older dropped.
    let all = log.read_from(None).unwrap().records;
    assert_eq!(all, (13..=20).map(record).collect::<Vec<_>>());
    assert!(!log.rotated(4).exists());
    // A reader whose place was rotated out of the kept files starts again from the tail.
    let stale = AuditPosition {
        file: Some(1),
        offset: 5,
    };
    assert_eq!(log.read_from(Some(stale)).unwrap().records.len(), 8);
}

/// A rotated file whose last line a killed writer left unfinished: the line is counted as
/// unreadable once, and the reader goes on into the newer file.
#[test]
fn an_unfinished_line_in_a_rotated_file_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::new(dir.path().join("audit.jsonl")).with_rotation(1, 3);
    log.append(&record(1)).unwrap();
    let first = log.read_from(None).unwrap();
    std::fs::OpenOptions::new()
        .append(true)
        .open(log.path())
        .unwrap()
        .write_all(b"{\"v\":1,\"ti")
        .unwrap();
    log.append(&record(2)).unwrap();
    let next = log.read_from(first.next).unwrap();
    assert_eq!(next.records, vec![record(2)]);
    assert_eq!(next.unreadable_lines, 1);
}
