//! Crash safety of what the app writes (issue 14): a writer of `accounts.toml`,
//! `settings.toml`, the remembered state and the audit log is killed (SIGKILL) at a random
//! moment, 200 times each, and every file is then readable with the old or the new content;
//! the audit log, rotated every few kilobytes, loses no record and a reader that follows it
//! (as the window's Activity tab does) sees each record once, in order.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use sso_launcher::core::account::AccountId;
use sso_launcher::core::audit::AuditLog;
use sso_launcher::core::audit_read::AuditPosition;
use sso_launcher::core::store::accounts::AccountStore;
use sso_launcher::core::store::settings::Settings;

use crate::support::{kill_writer_after, next_random};

const RUNS: usize = 200;
/// The writer's audit rotation (examples/file_writer.rs).
const AUDIT_MAX_BYTES: u64 = 8192;
const AUDIT_KEEP_FILES: u32 = 100;

fn writer() -> PathBuf {
    let path = Path::new(crate::support::BIN)
        .parent()
        .unwrap()
        .join("examples/file_writer");
    assert!(path.exists(), "{} is built by `cargo test`", path.display());
    path
}

/// What a reader finds after a kill: the counter the file holds, or why it is not readable.
type Check<'a> = Box<dyn FnMut(&Path) -> Result<u64, String> + 'a>;

/// Kills a `kind` writer `RUNS` times at random moments; after each kill `check` reads the
/// folder and must find at least what the writer said it had written. Returns how many kills
/// left a newer write than the one last reported (kills that landed after a write's end).
fn kill_writers(kind: &str, folder: &Path, mut check: Check) -> usize {
    let mut seed = u64::from(std::process::id()) ^ (kind.len() as u64 * 0x9E37_79B9) | 1;
    let mut newer = 0;
    for run in 0..RUNS {
        let mut writer = Command::new(writer());
        writer.args([kind, folder.to_str().unwrap()]);
        let random = next_random(&mut seed);
        let after = |_first| Duration::from_micros(random % 15_000);
        let written = kill_writer_after(writer, after, &format!("{kind} run {run}"));
        let found = check(folder).unwrap_or_else(|why| panic!("{kind} run {run}: {why}"));
        assert!(
            found >= written,
            "{kind} run {run}: wrote {written}, the file has {found}"
        );
        newer += usize::from(found > written);
    }
    newer
}

fn accounts_check() -> Check<'static> {
    Box::new(|folder| {
        let accounts = AccountStore::new(folder.join("accounts.toml"))
            .load()
            .map_err(|err| format!("accounts.toml does not load: {err}"))?;
        let account = accounts.first().ok_or("no account")?;
        let counter = account.settings.get("counter").ok_or("no counter")?;
        if *counter != account.notes {
            return Err(format!("half a write: {counter} and {}", account.notes));
        }
        counter.parse().map_err(|_| "not a number".into())
    })
}

fn settings_check() -> Check<'static> {
    Box::new(|folder| {
        let settings = Settings::load(&folder.join("settings.toml"))
            .map_err(|err| format!("settings.toml does not load: {err}"))?;
        let command = settings.browser_command.ok_or("no browser_command")?;
        command
            .strip_prefix("echo ")
            .and_then(|number| number.parse().ok())
            .ok_or(format!("not what was written: {command}"))
    })
}

/// Read raw, not through the store (which takes a damaged file as nothing remembered).
fn remembered_check() -> Check<'static> {
    Box::new(|folder| {
        let path = folder
            .join("remembered")
            .join(format!("{}.json", AccountId::nil()));
        let bytes = std::fs::read(&path).map_err(|err| format!("unreadable: {err}"))?;
        let state: std::collections::BTreeMap<String, String> =
            serde_json::from_slice(&bytes).map_err(|err| format!("not JSON: {err}"))?;
        if state.get("counter") != state.get("copy") {
            return Err(format!("half a write: {state:?}"));
        }
        state["counter"].parse().map_err(|_| "not a number".into())
    })
}

/// Follows the log as the window does, and finds every record once, in order.
fn audit_check() -> Check<'static> {
    let (mut seen, mut position) = (0u64, None::<AuditPosition>);
    Box::new(move |folder| {
        let log = AuditLog::new(folder.join("audit.jsonl"))
            .with_rotation(AUDIT_MAX_BYTES, AUDIT_KEEP_FILES);
        let chunk = log
            .read_from(position)
            .map_err(|err| format!("the log does not read: {err}"))?;
        if chunk.unreadable_lines > 0 {
            return Err(format!("{} unreadable lines", chunk.unreadable_lines));
        }
        for record in &chunk.records {
            let number: u64 = record
                .detail
                .as_deref()
                .and_then(|detail| detail.parse().ok())
                .ok_or("a record without its number")?;
            if number != seen + 1 {
                return Err(format!(
                    "record {number} after {seen}: one lost or repeated"
                ));
            }
            seen = number;
        }
        position = chunk.next;
        Ok(seen)
    })
}

#[test]
fn writers_killed_at_any_moment_leave_every_file_readable() {
    let dir = tempfile::tempdir().unwrap();
    let folder = |kind: &str| {
        let folder = dir.path().join(kind);
        std::fs::create_dir_all(&folder).unwrap();
        folder
    };
    let (accounts, settings, remembered, audit) = (
        folder("accounts"),
        folder("settings"),
        folder("remembered"),
        folder("audit"),
    );
    let newer = std::thread::scope(|scope| {
        let runs = [
            scope.spawn(|| kill_writers("accounts", &accounts, accounts_check())),
            scope.spawn(|| kill_writers("settings", &settings, settings_check())),
            scope.spawn(|| kill_writers("remembered", &remembered, remembered_check())),
            scope.spawn(|| kill_writers("audit", &audit, audit_check())),
        ];
        runs.map(|run| run.join().expect("a writer kind failed"))
    });
    // Kills also landed after a later write ended (not only before the first one).
    for (kind, newer) in ["accounts", "settings", "remembered", "audit"]
        .iter()
        .zip(newer)
    {
        assert!(newer > 0, "{kind}: every kill landed before a second write");
    }
    // The audit log did rotate, more than once, while writers were killed.
    assert!(audit.join("audit.jsonl.3").exists(), "the log rotated");
}

/// The window's Activity tab and the tray's recent launches read the audit log by position:
/// launches from the CLI while the window is open, rotating the log every few of them, all
/// arrive, once each.
#[test]
fn the_window_follows_the_audit_log_across_rotations() {
    use crate::gui_support::*;
    use crate::support::*;
    use sso_launcher::core::store::vault::KeyringVault;
    let env = TestEnv::new();
    std::fs::create_dir_all(env.config_dir()).unwrap();
    std::fs::write(
        env.config_dir().join("settings.toml"),
        "schema_version = 1\naudit_max_bytes = 1024\naudit_keep_files = 50\n",
    )
    .unwrap();
    env.add_assuresign("Acme", &[]);
    let options = gui_options(&env, std::sync::Arc::new(KeyringVault::new()));
    let mut harness = window(sso_launcher::gui::engine_factory(options));
    wait_for(&mut harness, "the account", |app| {
        app.state.accounts.len() == 1
    });
    const LAUNCHES: usize = 12;
    for _ in 0..LAUNCHES {
        assert_ok(&env.run(&["launch", "Acme", "--print-url"]));
    }
    let files: Vec<String> = std::fs::read_dir(env.data_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        files.contains(&"audit.jsonl.2".to_string()),
        "the log rotated twice: {files:?}"
    );
    wait_for(&mut harness, "every launch in the Activity tab", |app| {
        app.state.activity.len() >= LAUNCHES
    });
    let harness_state = &harness.state().state;
    assert_eq!(harness_state.activity.len(), LAUNCHES, "each launch once");
    assert_eq!(harness_state.last_launched.len(), 1, "the tray's recents");
}
