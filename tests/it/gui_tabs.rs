//! The window beyond the first launch: copying links (and their countdown), an account's
//! browser choice, the Tokens tab and the Settings tab, driven by role and label.

use std::sync::Arc;
use std::time::Duration;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use sso_launcher::core::store::vault::KeyringVault;
use sso_launcher::gui::engine_factory;
use sso_launcher::sandbox::assuresign::{API_USER, SSO};

use crate::gui_support::*;
use crate::support::*;

/// The window over `env`, with the real keyring behind the UI-thread guard.
fn open(env: &TestEnv, accounts: usize) -> (AppHarness, GuardCounts) {
    let guard = UiThreadGuard::new(Arc::new(KeyringVault::new()));
    let counts = GuardCounts::of(&guard);
    let mut harness = window(engine_factory(gui_options(env, Arc::new(guard))));
    wait_for(&mut harness, "the accounts", |app| {
        app.state.accounts.len() == accounts && app.state.tokens.len() == accounts
    });
    (harness, counts)
}

fn write_settings(env: &TestEnv, toml: &str) {
    std::fs::create_dir_all(env.config_dir()).unwrap();
    std::fs::write(
        env.config_dir().join("settings.toml"),
        format!("schema_version = 1\n{toml}"),
    )
    .unwrap();
}

/// The seconds in "The link is on the clipboard for N s more".
fn countdown(harness: &AppHarness) -> Option<u64> {
    // The label and its text run both carry the text.
    let node = harness
        .query_all_by(|node| {
            node.value()
                .is_some_and(|value| value.starts_with("The link is on the clipboard for"))
        })
        .next()?;
    let text = node.value().unwrap();
    text.split_whitespace().find_map(|word| word.parse().ok())
}

#[test]
fn ctrl_enter_copies_a_link_that_counts_down_and_is_then_cleared() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    write_settings(&env, "clipboard_seconds = 3\n");
    let _turn = clipboard_turn();
    let (mut harness, counts) = open(&env, 1);

    harness.key_press_modifiers(Modifiers::COMMAND, Key::K);
    harness.get_by_label("Search accounts").type_text("acme");
    settle(&mut harness);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    wait_for(&mut harness, "the link", |app| launch_done(app, "Acme"));
    assert!(
        shows(
            &harness,
            "Link copied; it is cleared from the clipboard in 3 s."
        ),
        "the lifetime is the shorter of the link's (30 s) and the setting's"
    );
    let link = wait_for_clipboard("the link", |seen| seen.contains("ssoToken="));
    assert!(link.starts_with(&format!("{}/ui/simpleSetup?ssoToken=", env.origin())));
    assert_eq!(env.count(SSO), 1);

    let first = countdown(&harness).expect("a countdown is shown");
    assert!((1..=3).contains(&first), "{first}");
    std::thread::sleep(Duration::from_millis(1100));
    harness.step();
    let later = countdown(&harness).expect("still counting");
    assert!(later < first, "{first} then {later}");

    wait_for(&mut harness, "the clipboard to be cleared", |app| {
        app.state.copied_until.is_empty()
    });
    assert!(shows(
        &harness,
        "The link for 'Acme' expired and was cleared from the clipboard."
    ));
    assert!(countdown(&harness).is_none());
    assert_ne!(read_clipboard(), link, "gone from the clipboard");
    let (status, _) = env.http("GET", &link, None, &[]);
    assert_eq!(status, 200, "the copied link was a working one-time link");
    counts.assert_only_off_ui_thread();
}

#[test]
fn an_account_set_to_copy_only_in_the_editor_copies_when_launched() {
    let env = TestEnv::new();
    let (browser, record) = env.recording_browser();
    env.add_assuresign("Acme", &[]);
    write_settings(
        &env,
        &format!("clipboard_seconds = 2\nbrowser_command = \"{browser}\"\n"),
    );
    let _turn = clipboard_turn();
    let (mut harness, counts) = open(&env, 1);

    act(&mut harness, "Edit", "Acme");
    assert!(
        harness.query_by_label("Browser command *").is_none(),
        "only asked for when chosen"
    );
    // The field is at the foot of the form: scroll to it, as a person would.
    harness.get_by_label("Browser").scroll_to_me();
    settle(&mut harness);
    click(&mut harness, "Browser");
    click(&mut harness, "Copy link only");
    save(&mut harness, "Acme");
    let file = std::fs::read_to_string(env.config_dir().join("accounts.toml")).unwrap();
    assert!(file.contains("browser = \"copy\""), "{file}");

    act(&mut harness, "Launch", "Acme");
    wait_for(&mut harness, "the launch", |app| launch_done(app, "Acme"));
    assert!(shows(
        &harness,
        "Link copied (this account copies links instead of opening a browser)"
    ));
    wait_for_clipboard("the link", |seen| seen.contains("ssoToken="));
    std::thread::sleep(Duration::from_millis(300));
    assert!(!record.exists(), "the default browser command was not used");
    counts.assert_only_off_ui_thread();
}

fn add_signnow(env: &TestEnv, name: &str) {
    let output = crate::flow_signnow::add_password_account(
        env,
        name,
        &crate::flow_signnow::default_secrets(),
        &[],
    );
    assert_ok(&output);
}

#[test]
fn the_tokens_tab_refreshes_signs_out_and_refreshes_all() {
    use sso_launcher::sandbox::signnow::TOKEN;
    let env = TestEnv::new();
    let (browser, record) = env.recording_browser();
    env.add_assuresign("Acme", &[]);
    add_signnow(&env, "Sign");
    write_settings(&env, &format!("browser_command = \"{browser}\"\n"));
    let (mut harness, counts) = open(&env, 2);

    click(&mut harness, "Tokens");
    assert!(shows(&harness, "No account holds a token."));
    click(&mut harness, "Accounts");
    act(&mut harness, "Launch", "Acme");
    wait_for(&mut harness, "Acme's launch", |app| {
        launch_done(app, "Acme")
    });
    wait_for_file(&record);
    act(&mut harness, "Launch", "Sign");
    wait_for(&mut harness, "Sign's launch", |app| {
        launch_done(app, "Sign")
    });
    assert_eq!((env.count(API_USER), env.count(TOKEN)), (1, 1));

    click(&mut harness, "Tokens");
    assert!(harness.query_by_label("Refresh Acme").is_some());
    assert!(harness.query_by_label("Sign out Sign").is_some());
    assert!(
        shows(&harness, "by itself"),
        "signNow holds a refresh token"
    );

    // Refresh on an account without a refresh token signs in again.
    click(&mut harness, "Refresh Acme");
    wait_for(&mut harness, "the refresh", |app| {
        app.state
            .current_notice(std::time::Duration::from_secs(60))
            .is_some_and(|notice| notice.starts_with("Acme: renewed"))
    });
    assert!(shows(&harness, "Acme: renewed; it expires in"));
    assert_eq!(env.count(API_USER), 2);

    // Refresh all renews only what a refresh token can renew: signNow, not AssureSign.
    click(&mut harness, "Refresh all");
    wait_for(&mut harness, "refresh all", |app| {
        app.state.refresh_all.is_none() && env.count(TOKEN) == 2
    });
    assert_eq!(env.count(API_USER), 2, "AssureSign was left alone");

    click(&mut harness, "Sign out Acme");
    wait_for(&mut harness, "the sign-out", |app| {
        needs_sign_in(app, "Acme")
    });
    assert!(!env.session_stored("Acme"), "the keyring entry is gone");
    assert!(
        env.session_stored("Sign"),
        "the other account keeps its tokens"
    );
    assert!(harness.query_by_label("Sign out Acme").is_none());
    counts.assert_only_off_ui_thread();
}

/// Whether the account no longer holds a token (so the Tokens tab no longer lists it).
fn needs_sign_in(app: &sso_launcher::gui::app::SsoApp, name: &str) -> bool {
    use sso_launcher::core::protocol::TokenStatus;
    id_in(app, name).and_then(|id| app.state.tokens.get(&id)) == Some(&TokenStatus::NeedsSignIn)
}

#[test]
fn the_settings_tab_saves_theme_browser_and_order_and_applies_them() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    let (mut harness, counts) = open(&env, 1);

    click(&mut harness, "Settings");
    assert!(
        harness.query_by_label("Save settings").is_none(),
        "settings apply as they change"
    );
    // egui falls back to dark while the desktop's preference is unknown.
    assert_eq!(harness.ctx.theme(), egui::Theme::Dark);
    click(&mut harness, "Theme");
    click(&mut harness, "Light");
    assert!(
        harness.ctx.theme() == egui::Theme::Light,
        "the theme applies at once, with no Save"
    );
    type_into(
        &mut harness,
        "Default browser command",
        "firefox --private-window {url}",
    );
    // Leaving the field applies it.
    click(&mut harness, "Recently launched");
    wait_for(&mut harness, "the settings file", |_| {
        std::fs::read_to_string(env.config_dir().join("settings.toml"))
            .is_ok_and(|file| file.contains("account_order = \"recent\""))
    });

    let file = std::fs::read_to_string(env.config_dir().join("settings.toml")).unwrap();
    for line in [
        "theme = \"light\"",
        "browser_command = \"firefox --private-window {url}\"",
        "account_order = \"recent\"",
    ] {
        assert!(file.contains(line), "{line}: {file}");
    }
    // The CLI reads the same file.
    let doctor = env.run(&["doctor"]);
    assert!(
        stdout(&doctor).contains("firefox --private-window {url}")
            || stderr(&doctor).contains("firefox --private-window {url}"),
        "{}",
        stdout(&doctor)
    );
    counts.assert_only_off_ui_thread();
}
