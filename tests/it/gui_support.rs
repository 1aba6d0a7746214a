//! Driving the real window type headless with egui_kittest, and a vault that refuses (and
//! counts) any call made on the window's thread.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use sso_launcher::core::account::AccountId;
use sso_launcher::core::engine::EngineOptions;
use sso_launcher::core::paths::AppPaths;
use sso_launcher::core::secret::SecretString;
use sso_launcher::core::store::vault::{SecretKey, SecretVault, VaultBackend, VaultError};
use sso_launcher::core::worker::EngineFactory;
use sso_launcher::gui::app::SsoApp;
use sso_launcher::gui::state::LaunchState;

use crate::support::TestEnv;

/// The accounts `--demo` adds: one per fake, two for Sovos (browser and API).
pub const DEMO_ACCOUNTS: usize = 7;

/// Fails every call made on `ui_thread`, and counts them: the window must never wait on
/// the keyring.
pub struct UiThreadGuard {
    pub inner: Arc<dyn SecretVault>,
    ui_thread: ThreadId,
    pub calls_on_ui_thread: Arc<AtomicUsize>,
    pub calls_elsewhere: Arc<AtomicUsize>,
}

impl UiThreadGuard {
    /// Guards `inner` against calls from the current thread (the one that will run the window).
    pub fn new(inner: Arc<dyn SecretVault>) -> Self {
        Self {
            inner,
            ui_thread: std::thread::current().id(),
            calls_on_ui_thread: Arc::default(),
            calls_elsewhere: Arc::default(),
        }
    }

    fn check(&self) -> Result<(), VaultError> {
        if std::thread::current().id() == self.ui_thread {
            self.calls_on_ui_thread.fetch_add(1, Ordering::SeqCst);
            return Err(VaultError::Failed {
                detail: "the window's thread called the vault".into(),
            });
        }
        self.calls_elsewhere.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

impl SecretVault for UiThreadGuard {
    fn backend(&self) -> VaultBackend {
        self.inner.backend()
    }
    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>, VaultError> {
        self.check()?;
        self.inner.get(key)
    }
    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<(), VaultError> {
        self.check()?;
        self.inner.set(key, value)
    }
    fn delete(&self, key: &SecretKey) -> Result<(), VaultError> {
        self.check()?;
        self.inner.delete(key)
    }
}

/// The guard's counters, kept by the test after the guard moves into the engine.
pub struct GuardCounts {
    pub on_ui_thread: Arc<AtomicUsize>,
    pub elsewhere: Arc<AtomicUsize>,
}

impl GuardCounts {
    pub fn of(guard: &UiThreadGuard) -> Self {
        Self {
            on_ui_thread: guard.calls_on_ui_thread.clone(),
            elsewhere: guard.calls_elsewhere.clone(),
        }
    }

    /// The vault was used (so the check means something), never from the window's thread.
    pub fn assert_only_off_ui_thread(&self) {
        assert_eq!(
            self.on_ui_thread.load(Ordering::SeqCst),
            0,
            "vault called on the UI thread"
        );
        assert!(
            self.elsewhere.load(Ordering::SeqCst) > 0,
            "the vault was never used"
        );
    }
}

pub type AppHarness = Harness<'static, SsoApp>;

pub fn window(factory: EngineFactory) -> AppHarness {
    window_sized(factory, [1100.0, 1500.0])
}

/// The window at a size of its own (800×600 is the smallest the users have).
pub fn window_sized(factory: EngineFactory, size: [f32; 2]) -> AppHarness {
    Harness::builder()
        .with_size(size)
        .with_max_steps(50)
        .build_eframe(move |cc| SsoApp::new(&cc.egui_ctx, factory))
}

/// Steps the window until `done` holds (the worker answers in the background).
pub fn wait_for(harness: &mut AppHarness, what: &str, done: impl Fn(&SsoApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        harness.step();
        if done(harness.state()) {
            harness.step();
            harness.step();
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(15));
    }
}

/// A few frames, so that clicks and typing take effect.
pub fn settle(harness: &mut AppHarness) {
    for _ in 0..4 {
        harness.step();
    }
}

/// Whether some node shows text containing `needle` (labels carry their text as value).
pub fn shows(harness: &AppHarness, needle: &str) -> bool {
    harness
        .query_all_by(|node| {
            node.value().is_some_and(|value| value.contains(needle))
                || node.label().is_some_and(|label| label.contains(needle))
        })
        .next()
        .is_some()
}

pub fn account_id(harness: &AppHarness, name: &str) -> AccountId {
    id_in(harness.state(), name).unwrap_or_else(|| panic!("no account '{name}'"))
}

/// The id of the listed account called `name`.
pub fn id_in(app: &SsoApp, name: &str) -> Option<AccountId> {
    app.state
        .accounts
        .iter()
        .find(|account| account.name == name)
        .map(|account| account.id)
}

/// Clicks the control named `label`, scrolled into view first as a person would.
pub fn click(harness: &mut AppHarness, label: &str) {
    harness.get_by_label(label).scroll_to_me();
    settle(harness);
    harness.get_by_label(label).click();
    settle(harness);
}

/// The window over `env`'s keyring and accounts, its browser recording what it opens, once
/// its one account has arrived.
pub fn window_on_one_account(env: &TestEnv) -> (AppHarness, std::path::PathBuf) {
    window_on_accounts(env, 1)
}

/// As [`window_on_one_account`], once `count` accounts have arrived.
pub fn window_on_accounts(env: &TestEnv, count: usize) -> (AppHarness, std::path::PathBuf) {
    let (browser, record) = env.recording_browser();
    let mut options = gui_options(
        env,
        Arc::new(sso_launcher::core::store::vault::KeyringVault::new()),
    );
    options.browser_override = Some(browser);
    let mut harness = window(sso_launcher::gui::engine_factory(options));
    wait_for(&mut harness, "the accounts", |app| {
        app.state.accounts.len() == count
    });
    (harness, record)
}

/// Focuses the field named `label` and types `text` into it.
pub fn type_into(harness: &mut AppHarness, label: &str, text: &str) {
    harness.get_by_label(label).scroll_to_me();
    settle(harness);
    harness.get_by_label(label).focus();
    harness.step();
    harness.get_by_label(label).type_text(text);
    settle(harness);
}

/// Whether the account's launch has finished (either way).
pub fn launch_done(app: &SsoApp, name: &str) -> bool {
    id_in(app, name)
        .and_then(|id| app.state.launches.get(&id))
        .is_some_and(|launch| matches!(launch, LaunchState::Done(_)))
}

/// Engine options over the test environment's folders and the given vault.
pub fn gui_options(env: &TestEnv, vault: Arc<dyn SecretVault>) -> EngineOptions {
    EngineOptions::new(
        AppPaths {
            config_dir: env.config_dir(),
            data_dir: env.data_dir(),
        },
        vault,
    )
}

/// Saves the open editor (which must have no problems) and waits for the account to appear.
pub fn save(harness: &mut AppHarness, name: &str) {
    let problems = harness
        .state_mut()
        .state
        .editor
        .as_mut()
        .map(|editor| editor.problems())
        .unwrap_or_default();
    assert!(problems.is_empty(), "{name}: {problems:?}");
    click(harness, "Save");
    wait_for(harness, "the save", |app| {
        app.state.editor.is_none() && app.state.accounts.iter().any(|a| a.name == name)
    });
}

#[test]
fn the_guard_catches_a_call_on_the_guarded_thread() {
    let guard = UiThreadGuard::new(Arc::new(
        sso_launcher::core::store::vault::MemoryVault::new(),
    ));
    let counts = GuardCounts::of(&guard);
    let key = SecretKey::new(AccountId::new_random(), "probe");
    assert!(guard.get(&key).is_err());
    let guard = Arc::new(guard);
    let elsewhere = guard.clone();
    std::thread::spawn(move || elsewhere.get(&key).unwrap())
        .join()
        .unwrap();
    assert_eq!(counts.on_ui_thread.load(Ordering::SeqCst), 1);
    assert_eq!(counts.elsewhere.load(Ordering::SeqCst), 1);
}

/// Whether the list shows a row for the account `name`.
pub fn row_shown(harness: &AppHarness, name: &str) -> bool {
    harness
        .query_all_by_role_and_label(egui::accesskit::Role::ListItem, name)
        .next()
        .is_some()
}

/// Selects the account's row in the list (a click), so the detail pane shows it.
pub fn select(harness: &mut AppHarness, name: &str) {
    harness
        .get_by_role_and_label(egui::accesskit::Role::ListItem, name)
        .click();
    settle(harness);
}

/// Selects the account, then presses its `action` in the detail pane ("Launch", "More for" ...).
pub fn act(harness: &mut AppHarness, action: &str, name: &str) {
    select(harness, name);
    click(harness, &format!("{action} {name}"));
}

/// Presses Discover services in the open AGS form, waits for the answer and picks `service`.
pub fn discover_and_pick(harness: &mut AppHarness, service: &str) {
    click(harness, "Discover services");
    wait_for(harness, "discovery", |app| {
        app.state
            .editor
            .as_ref()
            .is_some_and(|editor| editor.discovery.result.is_some())
    });
    harness.get_by_label_contains(service).click();
    settle(harness);
}
