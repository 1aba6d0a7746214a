//! The window, the tray and the terminal at the same time: nobody undoes another's change,
//! a keyring that hangs stalls only the work that needs it, and a command that must wait for
//! the window's sign-in says so and gives up in time.

use std::collections::HashSet;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use egui::{Key, Modifiers};
use serde_json::Value;
use sso_launcher::core::account::AccountId;
use sso_launcher::core::account_changes::AccountEdit;
use sso_launcher::core::launch::LaunchTarget;
use sso_launcher::core::protocol::{Command, Event, Via};
use sso_launcher::core::secret::SecretString;
use sso_launcher::core::store::vault::{
    KeyringVault, SecretKey, SecretVault, VaultBackend, VaultError,
};
use sso_launcher::core::worker::WorkerHandle;
use sso_launcher::gui::engine_factory;

use crate::gui_support::*;
use crate::support::*;

fn shown(env: &TestEnv, name: &str) -> Value {
    let output = env.run(&["--json", "accounts", "show", name]);
    assert_ok(&output);
    serde_json::from_str(&stdout(&output)).unwrap()
}

fn wait_for_text(path: &std::path::Path, what: &str, accept: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if accept(&text) {
            return text;
        }
        assert!(Instant::now() < deadline, "{what}: {text}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

#[test]
fn the_windows_settings_changes_keep_a_hand_edit_made_meanwhile() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    let guard = UiThreadGuard::new(Arc::new(KeyringVault::new()));
    let mut harness = window(engine_factory(gui_options(&env, Arc::new(guard))));
    wait_for(&mut harness, "the account", |app| {
        app.state.accounts.len() == 1 && app.state.vault.is_some()
    });
    let file = env.config_dir().join("settings.toml");
    // The hint for a company proxy says to add ca_file by hand; the window has not seen it
    // yet when the text size changes.
    std::fs::write(
        &file,
        "schema_version = 1\n# our proxy's CA\nca_file = \"/etc/ssl/certs/corp.pem\"\n",
    )
    .unwrap();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Equals);
    harness.step();
    let text = wait_for_text(&file, "the new text size", |text| {
        text.contains("text_scale")
    });
    assert!(
        text.contains("ca_file = \"/etc/ssl/certs/corp.pem\""),
        "{text}"
    );
    assert!(text.contains("# our proxy's CA"), "{text}");

    // The Settings tab: a change made after another hand edit writes only itself.
    click(&mut harness, "Settings");
    std::fs::write(&file, format!("{text}http_timeout_seconds = 12.5\n")).unwrap();
    click(&mut harness, "Start minimised to the tray");
    let text = wait_for_text(&file, "start_minimised saved", |text| {
        text.contains("start_minimised = true")
    });
    assert!(text.contains("http_timeout_seconds = 12.5"), "{text}");
    assert!(text.contains("ca_file"), "{text}");
    assert!(text.contains("text_scale"), "{text}");
}

#[test]
fn an_editor_saves_only_its_changes_over_a_cli_edit_made_while_it_was_open() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    let guard = UiThreadGuard::new(Arc::new(KeyringVault::new()));
    let counts = GuardCounts::of(&guard);
    let mut harness = window(engine_factory(gui_options(&env, Arc::new(guard))));
    wait_for(&mut harness, "the account", |app| {
        app.state.accounts.len() == 1
    });
    act(&mut harness, "Edit", "Acme");
    assert!(harness.state().state.editor.is_some());

    // Meanwhile, in a terminal:
    assert_ok(&env.run(&[
        "accounts",
        "edit",
        "Acme",
        "--set",
        "envelope_id=env-42",
        "--notes",
        "from the terminal",
    ]));

    type_into(&mut harness, "Tags", "customer");
    click(&mut harness, "Save");
    wait_for(&mut harness, "the save", |app| app.state.editor.is_none());
    let account = shown(&env, "Acme");
    assert_eq!(
        account["tags"],
        serde_json::json!(["customer"]),
        "{account}"
    );
    assert_eq!(account["settings"]["envelope_id"], "env-42", "{account}");
    assert_eq!(account["notes"], "from the terminal", "{account}");
    counts.assert_only_off_ui_thread();
}

/// A keyring that hangs (as an unanswered unlock prompt does) on writes for some accounts.
struct HangingVault {
    inner: KeyringVault,
    hang_for: Mutex<HashSet<AccountId>>,
    released: (Mutex<bool>, Condvar),
    hanging: Mutex<usize>,
}

impl HangingVault {
    fn hangs(&self, key: &SecretKey) -> bool {
        let entry = key.entry_name();
        self.hang_for
            .lock()
            .unwrap()
            .iter()
            .any(|id| entry.contains(&id.to_string()))
    }

    fn release(&self) {
        *self.released.0.lock().unwrap() = true;
        self.released.1.notify_all();
    }
}

impl SecretVault for HangingVault {
    fn backend(&self) -> VaultBackend {
        self.inner.backend()
    }
    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>, VaultError> {
        self.inner.get(key)
    }
    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<(), VaultError> {
        if self.hangs(key) {
            *self.hanging.lock().unwrap() += 1;
            let released = self.released.0.lock().unwrap();
            drop(self.released.1.wait_while(released, |released| !*released));
        }
        self.inner.set(key, value)
    }
    fn delete(&self, key: &SecretKey) -> Result<(), VaultError> {
        self.inner.delete(key)
    }
}

fn next_event(worker: &WorkerHandle, what: &str, wanted: impl Fn(&Event) -> bool) -> Event {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Some(event) = worker.recv_timeout(Duration::from_millis(100))
            && wanted(&event)
        {
            return event;
        }
    }
    panic!("no event: {what}");
}

#[test]
fn a_hanging_keyring_write_stalls_no_other_launch() {
    let env = TestEnv::new();
    env.add_assuresign("One", &[]);
    env.add_assuresign("Two", &[]);
    env.add_assuresign("Three", &[]);
    let id = |name: &str| shown(&env, name)["id"].as_str().unwrap().parse().unwrap();
    let (one, two, three): (AccountId, AccountId, AccountId) = (id("One"), id("Two"), id("Three"));
    let vault = Arc::new(HangingVault {
        inner: KeyringVault::new(),
        hang_for: Mutex::new([one, two].into()),
        released: (Mutex::new(false), Condvar::new()),
        hanging: Mutex::new(0),
    });
    let (browser, record) = env.recording_browser();
    let mut options = gui_options(&env, vault.clone());
    options.browser_override = Some(browser);
    let worker = WorkerHandle::start(engine_factory(options), Arc::new(|| {}));
    next_event(
        &worker,
        "the accounts",
        |event| matches!(event, Event::Accounts(accounts) if accounts.len() == 3),
    );

    // Two new API keys, each waiting on the keyring (more than the worker's async threads).
    for account in [one, two] {
        worker.send(Command::EditAccount {
            account,
            edit: AccountEdit::default(),
            secrets: vec![("api_key".into(), SecretString::new("new-key"))],
        });
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while *vault.hanging.lock().unwrap() < 2 {
        assert!(
            Instant::now() < deadline,
            "the two writes never reached the keyring"
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    worker.send(Command::Launch {
        ticket: None,
        account: three,
        target: LaunchTarget::Browser,
        via: Via::Window,
    });
    let finished = next_event(
        &worker,
        "the launch of Three while the keyring hangs",
        |event| matches!(event, Event::LaunchFinished { account, .. } if *account == three),
    );
    let Event::LaunchFinished { result, .. } = finished else {
        unreachable!()
    };
    assert!(result.is_ok(), "{result:?}");
    assert!(wait_for_file(&record).contains("ssoToken="));

    vault.release();
    for _ in 0..2 {
        next_event(&worker, "the edits once the keyring answers", |event| {
            matches!(event, Event::Saved { .. })
        });
    }
}

#[test]
fn a_command_waiting_for_the_windows_sign_in_says_so_and_gives_up_in_time() {
    let env = TestEnv::new();
    crate::flow_sovos_browser::add_browser_account(&env, "Signer", &[]);
    std::fs::write(
        env.config_dir().join("settings.toml"),
        "schema_version = 1\nlock_wait_seconds = 2\n",
    )
    .unwrap();
    let id: AccountId = shown(&env, "Signer")["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    // The window's browser gets the sign-in page and never signs in: the sign-in waits.
    let (browser, record) = env.recording_browser();
    let mut options = gui_options(&env, Arc::new(KeyringVault::new()));
    options.browser_override = Some(browser);
    options.via = Via::Window;
    let worker = WorkerHandle::start(engine_factory(options), Arc::new(|| {}));
    next_event(&worker, "the accounts", |event| {
        matches!(event, Event::Accounts(_))
    });
    worker.send(Command::Launch {
        ticket: None,
        account: id,
        target: LaunchTarget::Browser,
        via: Via::Window,
    });
    next_event(&worker, "the window's sign-in to wait", |event| {
        matches!(event, Event::WaitingForBrowser { waiting: true, .. })
    });
    assert!(wait_for_file(&record).contains("/oauth2/auth"));

    let started = Instant::now();
    let mut command = env.cli();
    command.args(["token", "Signer"]);
    // A hang (the old behaviour) fails here instead of stalling the run.
    let output = crate::desktop_support::run_within(command, Duration::from_secs(30));
    let status = output.status;
    assert_eq!(status.code(), Some(6), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains(&format!(
            "Waiting for the sso-launcher window (pid {})",
            std::process::id()
        )),
        "says what it waits for: {err}"
    );
    assert!(err.contains("Gave up after 2 s"), "{err}");
    assert!(err.contains("hint:"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(15));

    // The window's sign-in was not disturbed: cancelling it still ends it cleanly.
    worker.send(Command::CancelLaunch { account: id });
    let finished = next_event(&worker, "the cancelled sign-in", |event| {
        matches!(event, Event::LaunchFinished { .. })
    });
    let Event::LaunchFinished { result, via, .. } = finished else {
        unreachable!()
    };
    assert_eq!(via, Via::Window);
    assert!(result.is_err());
}
