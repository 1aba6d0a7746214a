//! What a new user trips over in the window, each pinned: results shown whole, a form that
//! saves what it shows, dialogs that open at their top, controls that stay under the pointer,
//! every spelling of Ctrl +, a status bar of one line, messages that go when they stop being
//! true, and plain answers where there used to be none.

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT as _, Queryable};
use sso_launcher::core::secret::SecretString;
use sso_launcher::core::store::vault::{
    KeyringVault, SecretKey, SecretVault, VaultBackend, VaultError,
};
use sso_launcher::gui::{demo_factory, engine_factory};
use sso_launcher::sandbox::assuresign::SSO;
use sso_launcher::sandbox::fixtures::{self, ags, assuresign};

use crate::gui_support::*;
use crate::support::*;

fn acme(env: &TestEnv, size: [f32; 2]) -> AppHarness {
    env.add_assuresign("Acme", &[]);
    let options = gui_options(env, Arc::new(KeyringVault::new()));
    let mut harness = window_sized(engine_factory(options), size);
    wait_for(&mut harness, "the account", |app| {
        app.state.accounts.len() == 1 && app.state.tokens.len() == 1
    });
    harness
}

fn rect_of(harness: &AppHarness, label: &str) -> egui::Rect {
    harness.get_by_label(label).rect()
}

/// The first node whose text starts with `prefix`.
fn text_node_rect(harness: &AppHarness, prefix: &str) -> egui::Rect {
    harness
        .query_all_by(|node| {
            node.value().is_some_and(|value| value.starts_with(prefix))
                || node.label().is_some_and(|label| label.starts_with(prefix))
        })
        .next()
        .unwrap_or_else(|| panic!("nothing shows '{prefix}'"))
        .rect()
}

#[test]
fn an_error_shows_whole_with_what_to_do_at_800_by_600() {
    let env = TestEnv::new();
    let mut harness = acme(&env, [800.0, 600.0]);
    env.fault(SSO, "status_500", 1, 0);
    act(&mut harness, "Launch", "Acme");
    wait_for(&mut harness, "the launch to fail", |app| {
        launch_done(app, "Acme")
    });
    let hint = text_node_rect(&harness, "What to do:");
    let error = text_node_rect(&harness, "AssureSign");
    assert!(
        hint.bottom() <= 600.0 - 20.0 && error.top() >= 0.0,
        "the result and its hint are in view: {error:?} {hint:?}"
    );
}

#[test]
fn a_new_assuresign_account_saves_what_the_form_shows() {
    let env = TestEnv::new();
    let mut harness = window(engine_factory(gui_options(
        &env,
        Arc::new(KeyringVault::new()),
    )));
    wait_for(&mut harness, "the empty list", |app| app.state.loaded);
    assert!(shows(&harness, "No accounts yet"), "the first-run panel");
    click(&mut harness, "New account");
    assert!(
        harness.get_by_label("Name *").is_focused(),
        "Name has the keyboard when the form opens"
    );
    assert!(
        !shows(&harness, "is required"),
        "no error before a field is touched"
    );
    type_into(&mut harness, "Name *", "Acme");
    type_into(&mut harness, "API user name *", assuresign::API_USERNAME);
    type_into(
        &mut harness,
        "Act as (e-mail) *",
        assuresign::CONTEXT_USERS[0],
    );
    type_into(&mut harness, "API key *", assuresign::API_KEY);
    assert!(shows(&harness, "Choose…"), "no region is assumed");
    click(&mut harness, "Save");
    assert!(harness.state().state.editor.is_some(), "not saved");
    assert!(
        shows(&harness, "Choose the Environment"),
        "the form's words, not config keys"
    );
    assert!(!shows(&harness, "api_base_url"));
    click(&mut harness, "Environment");
    click(&mut harness, "US East (na1)");
    save(&mut harness, "Acme");
    let file = std::fs::read_to_string(env.config_dir().join("accounts.toml")).unwrap();
    assert!(file.contains("environment = \"na1\""), "{file}");
}

#[test]
fn a_dialog_opens_at_its_top_and_asks_before_losing_edits() {
    let env = TestEnv::new();
    // Short enough that both forms scroll.
    let mut harness = acme(&env, [800.0, 460.0]);
    act(&mut harness, "Edit", "Acme");
    if harness.query_by_label("Browser").is_none() {
        click(&mut harness, "More options");
    }
    // Scrolled down to the foot of the form, then cancelled.
    harness.get_by_label("Browser").scroll_to_me();
    settle(&mut harness);
    assert!(rect_of(&harness, "Name *").top() < rect_of(&harness, "Edit 'Acme'").bottom());
    click(&mut harness, "Cancel");
    assert!(
        harness.state().state.editor.is_none(),
        "nothing edited: closes"
    );

    click(&mut harness, "New account");
    let heading = harness
        .query_all_by_label("New account")
        .find(|node| node.accesskit_node().role() != egui::accesskit::Role::Button)
        .expect("the dialog's heading")
        .rect()
        .bottom();
    for field in ["Provider", "Name *", "Tags"] {
        assert!(
            rect_of(&harness, field).top() >= heading - 1.0,
            "{field} is in view"
        );
    }
    // Escape with edits asks first; keeping them keeps the dialog.
    type_into(&mut harness, "Name *", "Half typed");
    harness.key_press(Key::Escape);
    settle(&mut harness);
    assert!(shows(&harness, "Throw away your changes?"));
    assert!(harness.state().state.editor.is_some());
    click(&mut harness, "Keep editing");
    assert_eq!(
        harness.state().state.editor.as_ref().unwrap().draft.name,
        "Half typed"
    );
    harness.key_press(Key::Escape);
    settle(&mut harness);
    click(&mut harness, "Discard changes");
    assert!(harness.state().state.editor.is_none());
}

#[test]
fn the_secret_is_in_reach_without_scrolling_at_800_by_600() {
    let env = TestEnv::new();
    let mut harness = acme(&env, [800.0, 600.0]);
    harness.get_by_label("New account").click();
    settle(&mut harness);
    let api_key = harness.get_by_label("API key *").rect();
    assert!(api_key.bottom() <= 600.0 - 90.0, "above Save: {api_key:?}");
}

#[test]
fn launch_and_its_neighbours_stay_put_while_a_launch_runs() {
    let env = TestEnv::new();
    let mut harness = acme(&env, [1100.0, 800.0]);
    let launch = rect_of(&harness, "Launch Acme");
    let more = rect_of(&harness, "More for Acme");
    let copy = rect_of(&harness, "Copy link Acme");
    env.fault(SSO, "delay", 1, 3000);
    act(&mut harness, "Launch", "Acme");
    wait_for(&mut harness, "the launch to run", |app| {
        app.state.is_running(app.state.accounts[0].id)
    });
    let during = harness.get_by_label("Launch Acme");
    assert_eq!(during.rect(), launch, "Launch did not move");
    assert!(
        during.accesskit_node().is_disabled(),
        "a second click does nothing"
    );
    assert_eq!(rect_of(&harness, "More for Acme"), more);
    assert_eq!(rect_of(&harness, "Copy link Acme"), copy);
    assert!(
        !rect_of(&harness, "Cancel").intersects(launch),
        "Cancel is not where Launch was"
    );
    wait_for(&mut harness, "the launch to end", |app| {
        launch_done(app, "Acme")
    });
}

#[test]
fn every_spelling_of_ctrl_plus_zooms() {
    let env = TestEnv::new();
    let mut harness = acme(&env, [1100.0, 800.0]);
    let scale = |harness: &AppHarness| harness.state().state.settings.text_scale.unwrap_or(1.0);
    let before = scale(&harness);
    // Ctrl+Shift+= and the keypad's + both arrive as Plus.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Plus);
    settle(&mut harness);
    let after_plus = scale(&harness);
    assert!(after_plus > before, "{before} -> {after_plus}");
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Plus);
    settle(&mut harness);
    assert!(scale(&harness) > after_plus);
    let after = scale(&harness);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Equals);
    settle(&mut harness);
    assert!(scale(&harness) > after);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Num0);
    settle(&mut harness);
    assert_eq!(scale(&harness), 1.0);
}

/// A keyring that does not answer.
struct DeadVault;

impl SecretVault for DeadVault {
    fn backend(&self) -> VaultBackend {
        VaultBackend::Keyring
    }
    fn get(&self, _: &SecretKey) -> Result<Option<SecretString>, VaultError> {
        Err(VaultError::Unavailable {
            detail: "no Secret Service on the session bus".into(),
        })
    }
    fn set(&self, _: &SecretKey, _: &SecretString) -> Result<(), VaultError> {
        Err(VaultError::Unavailable {
            detail: "no Secret Service on the session bus".into(),
        })
    }
    fn delete(&self, _: &SecretKey) -> Result<(), VaultError> {
        Err(VaultError::Unavailable {
            detail: "no Secret Service on the session bus".into(),
        })
    }
}

#[test]
fn the_status_bar_stays_one_line_and_the_keyring_fix_opens_in_a_dialog() {
    let env = TestEnv::new();
    let mut harness = window_sized(
        engine_factory(gui_options(&env, Arc::new(DeadVault))),
        [800.0, 600.0],
    );
    wait_for(&mut harness, "the keyring's health", |app| {
        app.state.vault.as_ref().is_some_and(|v| v.health.is_err())
    });
    let count = text_node_rect(&harness, "0 accounts");
    assert!(count.center().y > 570.0, "{count:?}");
    click(&mut harness, "How to fix…");
    assert!(shows(&harness, "Secrets cannot be kept"));
    assert!(shows(&harness, "sudo apt install gnome-keyring"));
    let count = text_node_rect(&harness, "0 accounts");
    assert!(
        count.center().y > 570.0,
        "the status bar kept its height: {count:?}"
    );
    click(&mut harness, "Close");
    assert!(!shows(&harness, "Secrets cannot be kept"));
}

#[test]
fn a_broken_account_file_is_said_and_blocks_new_accounts_not_the_keyring_check() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.config_dir()).unwrap();
    std::fs::write(
        env.config_dir().join("accounts.toml"),
        "schema_version = 1\n[[accounts]\nname = \"x\n",
    )
    .unwrap();
    let mut harness = window(engine_factory(gui_options(
        &env,
        Arc::new(KeyringVault::new()),
    )));
    wait_for(&mut harness, "the keyring check", |app| {
        app.state.accounts_failure.is_some() && app.state.vault.is_some()
    });
    assert!(!shows(&harness, "checking…"));
    assert!(shows(&harness, "accounts.toml"));
    assert!(
        harness
            .get_by_label("New account")
            .accesskit_node()
            .is_disabled(),
        "nothing can be saved over a file that does not read"
    );
}

#[test]
fn old_messages_go_when_they_stop_being_true() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.config_dir()).unwrap();
    std::fs::write(
        env.config_dir().join("settings.toml"),
        "schema_version = 1\nclipboard_seconds = 1\n",
    )
    .unwrap();
    let _turn = clipboard_turn();
    let mut harness = acme(&env, [1100.0, 800.0]);
    act(&mut harness, "Copy link", "Acme");
    wait_for(&mut harness, "the copy", |app| launch_done(app, "Acme"));
    assert!(shows(&harness, "it is cleared from the clipboard in"));
    wait_for(&mut harness, "the clearing", |app| {
        app.state.copied_until.is_empty()
    });
    assert!(
        !shows(&harness, "it is cleared from the clipboard in"),
        "the countdown's promise is gone once kept"
    );
    assert!(shows(&harness, "The copied link expired and was cleared"));

    // A done message is a notice: it leaves the status bar after a while.
    click(&mut harness, "Tokens");
    click(&mut harness, "Refresh Acme");
    wait_for(&mut harness, "the refresh", |app| {
        app.state
            .current_notice(Duration::from_secs(60))
            .is_some_and(|notice| notice.contains("renewed"))
    });
    assert!(harness.state().state.token_messages.is_empty());
    harness.state_mut().state.notice_at = Some(Instant::now() - Duration::from_secs(60));
    settle(&mut harness);
    assert!(!shows(&harness, "renewed"), "gone from the window");
}

#[test]
fn copy_link_on_a_token_account_says_there_is_none() {
    let env = TestEnv::new();
    let (browser, _record) = env.recording_browser();
    let mut harness = window(demo_factory(move |options| {
        options.browser_override = Some(browser);
    }));
    wait_for(&mut harness, "the demo", |app| {
        app.state.accounts.len() == DEMO_ACCOUNTS
    });
    act(&mut harness, "Copy link", fixtures::SIGNNOW_DEMO);
    wait_for(&mut harness, "the answer", |app| {
        launch_done(app, fixtures::SIGNNOW_DEMO)
    });
    assert!(shows(&harness, "There is no link to copy"));
}

#[test]
fn ags_discovery_asks_for_parameters_only_for_a_password_sign_on() {
    let env = TestEnv::new();
    let mut harness = window(engine_factory(gui_options(
        &env,
        Arc::new(KeyringVault::new()),
    )));
    wait_for(&mut harness, "the empty list", |app| app.state.loaded);
    click(&mut harness, "New account");
    click(&mut harness, "Provider");
    click(&mut harness, "AGS");
    type_into(&mut harness, "Name *", "Gateway");
    type_into(
        &mut harness,
        "Gateway *",
        env.sandbox.sandbox().ags_origin(),
    );
    click(&mut harness, "More options");
    type_into(&mut harness, "Tenant id", ags::TENANT);
    discover_and_pick(&mut harness, ags::SERVICE_ID);
    assert!(
        harness.query_by_label("Username *").is_none(),
        "a session token sign-on sends no parameters"
    );
    click(&mut harness, "Sign on with");
    click(&mut harness, "The service's sign-on parameters");
    assert!(harness.query_by_label("Username *").is_some());
}

#[test]
fn search_says_when_nothing_matches_and_esc_clears_it() {
    let env = TestEnv::new();
    let mut harness = acme(&env, [800.0, 600.0]);
    type_into(&mut harness, "Search accounts", "zzz");
    assert!(shows(
        &harness,
        "No account matches 'zzz' — Esc clears the search"
    ));
    harness.key_press(Key::Escape);
    settle(&mut harness);
    assert!(harness.state().state.list.query.is_empty());
    assert!(row_shown(&harness, "Acme"));
}

#[test]
fn the_first_run_panel_imports_a_list() {
    let env = TestEnv::new();
    let other = TestEnv::new();
    other.add_assuresign("Globex", &[]);
    let export = other.dir.path().join("list.json");
    assert_ok(&other.run(&["accounts", "export", export.to_str().unwrap()]));
    let mut harness = window(engine_factory(gui_options(
        &env,
        Arc::new(KeyringVault::new()),
    )));
    wait_for(&mut harness, "the empty list", |app| app.state.loaded);
    assert!(harness.query_by_label("Try the demo accounts").is_some());
    click(&mut harness, "Import…");
    type_into(&mut harness, "File", "/nonexistent/list.json");
    click(&mut harness, "Preview");
    wait_for(&mut harness, "the answer", |app| {
        app.state
            .import
            .as_ref()
            .is_some_and(|d| d.preview.is_some())
    });
    assert!(shows(&harness, "Could not read /nonexistent/list.json"));
    harness.get_by_label("File").focus();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness
        .get_by_label("File")
        .type_text(export.to_str().unwrap());
    settle(&mut harness);
    click(&mut harness, "Preview");
    wait_for(&mut harness, "the preview", |app| {
        app.state
            .import
            .as_ref()
            .is_some_and(|d| matches!(d.preview, Some(Ok(_))))
    });
    assert!(shows(&harness, "New (1): Globex"));
    click(&mut harness, "Import");
    wait_for(&mut harness, "the import", |app| {
        app.state.accounts.len() == 1
    });
    assert!(shows(&harness, "Imported 1 account(s): Globex."));
}
