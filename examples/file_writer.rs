//! Rewrites one of the files the app keeps, over and over, through the app's own writers: for
//! the test that kills a writer at random moments (tests/it/crash_safety.rs).
//!
//! `file_writer KIND FOLDER`, KIND one of `accounts`, `settings`, `remembered`, `audit`:
//! forever, reads the counter the file holds and writes counter+1 (twice in one write where
//! the format allows, so a reader can tell half a write), printing each counter once written.
//! The audit log, which only grows, gets one record per counter instead, rotated every few
//! kilobytes.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use sso_launcher::core::account::{Account, AccountId};
use sso_launcher::core::audit::{AuditLog, AuditRecord, Via};
use sso_launcher::core::provider::Remembered;
use sso_launcher::core::store::StoreError;
use sso_launcher::core::store::accounts::AccountStore;
use sso_launcher::core::store::remembered::RememberedStore;
use sso_launcher::core::store::settings::Settings;
use sso_launcher::core::store::settings_change::SettingsChange;

/// How often the audit log rotates in this test, and how many rotated files it keeps.
const AUDIT_MAX_BYTES: u64 = 8192;
const AUDIT_KEEP_FILES: u32 = 100;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let folder = Path::new(&args[1]);
    let mut counter = 0u64;
    loop {
        counter = match args[0].as_str() {
            "accounts" => next_account_counter(folder),
            "settings" => next_settings_counter(folder),
            "remembered" => next_remembered_counter(folder),
            "audit" => next_audit_record(folder, counter),
            other => panic!("unknown kind {other}"),
        };
        // The test reads the first line only; a closed pipe must not end the writer.
        let mut out = std::io::stdout();
        let _ = writeln!(out, "{counter}").and_then(|()| out.flush());
    }
}

fn next_account_counter(folder: &Path) -> u64 {
    let store = AccountStore::new(folder.join("accounts.toml"));
    store
        .update(|accounts| {
            if accounts.is_empty() {
                let mut account =
                    Account::new("Counter", sso_launcher::core::provider::assuresign::ID);
                account.id = AccountId::nil();
                accounts.push(account);
            }
            let account = &mut accounts[0];
            let counter: u64 = account.notes.parse().unwrap_or(0) + 1;
            account.notes = counter.to_string();
            account
                .settings
                .insert("counter".into(), counter.to_string());
            Ok::<_, StoreError>(counter)
        })
        .expect("accounts.toml writes")
}

fn next_settings_counter(folder: &Path) -> u64 {
    let path = folder.join("settings.toml");
    let current = Settings::load(&path).expect("settings.toml reads");
    let counter = current
        .browser_command
        .as_deref()
        .and_then(|command| command.strip_prefix("echo "))
        .map_or(0, |number| number.parse::<u64>().expect("a number"))
        + 1;
    let wanted = Settings {
        browser_command: Some(format!("echo {counter}")),
        ..current.clone()
    };
    SettingsChange::between(&current, &wanted)
        .apply(&path)
        .expect("settings.toml writes");
    counter
}

fn next_remembered_counter(folder: &Path) -> u64 {
    let store = RememberedStore::new(folder.join("remembered"));
    let state = store.load(AccountId::nil());
    let counter = state
        .get("counter")
        .map_or(0, |number| number.parse::<u64>().expect("a number"))
        + 1;
    let state: Remembered = [("counter", counter), ("copy", counter)]
        .into_iter()
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect();
    store
        .save(AccountId::nil(), &state)
        .expect("the remembered state writes");
    counter
}

fn next_audit_record(folder: &Path, last: u64) -> u64 {
    let log =
        AuditLog::new(folder.join("audit.jsonl")).with_rotation(AUDIT_MAX_BYTES, AUDIT_KEEP_FILES);
    // The counter goes on from the log's last record (the log only grows).
    let counter = if last > 0 {
        last + 1
    } else {
        log.read_from(None)
            .expect("the audit log reads")
            .records
            .last()
            .and_then(|record| record.detail.as_deref()?.parse::<u64>().ok())
            .unwrap_or(0)
            + 1
    };
    let mut account = Account::new("Counter", sso_launcher::core::provider::assuresign::ID);
    account.id = AccountId::nil();
    let mut record = AuditRecord::new(
        &account,
        "launch",
        Via::Cli,
        time::OffsetDateTime::now_utc(),
        Duration::ZERO,
    );
    record.detail = Some(counter.to_string());
    log.append(&record).expect("the audit log writes");
    counter
}
