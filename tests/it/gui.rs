//! The real window type, driven headless by role and label (egui_kittest over AccessKit).

use std::sync::Arc;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use sso_launcher::core::store::vault::{KeyringVault, MemoryVault, SecretKey, SecretVault};
use sso_launcher::gui::{demo_factory, engine_factory};
use sso_launcher::sandbox::assuresign::SSO;
use sso_launcher::sandbox::fixtures::{self, ags, assuresign, licensespring, signnow, sovos};

use crate::gui_support::*;
use crate::support::*;

#[test]
fn demo_search_with_the_keyboard_and_launch_reaches_the_sandbox() {
    let env = TestEnv::new();
    let (browser, record) = env.recording_browser();
    let guard = UiThreadGuard::new(Arc::new(MemoryVault::new()));
    let counts = GuardCounts::of(&guard);
    let mut harness = window(demo_factory(move |options| {
        options.browser_override = Some(browser);
        options.vault = Arc::new(guard);
    }));
    wait_for(&mut harness, "the seven demo accounts", |app| {
        app.state.accounts.len() == DEMO_ACCOUNTS && app.state.tokens.len() == DEMO_ACCOUNTS
    });
    assert!(shows(&harness, "needs sign-in"));

    harness.key_press_modifiers(Modifiers::COMMAND, Key::K);
    settle(&mut harness);
    assert!(harness.get_by_label("Search accounts").is_focused());
    harness.get_by_label("Search accounts").type_text("assure");
    settle(&mut harness);
    assert!(row_shown(&harness, "AssureSign demo"));
    assert!(!row_shown(&harness, "Sovos demo"), "filtered out");

    // The best match is selected: Enter launches it.
    harness.key_press(Key::Enter);
    wait_for(&mut harness, "the launch to end", |app| {
        launch_done(app, fixtures::ASSURESIGN_DEMO)
    });
    let url = wait_for_file(&record);
    assert!(url.contains("/ui/simpleSetup?ssoToken="), "{url}");
    assert!(shows(&harness, "Opened with the browser command."));
    assert!(
        shows(&harness, "expires in"),
        "the token column shows the held session"
    );

    // Arrows move the selection through the filtered list; clearing the query shows all.
    harness.get_by_label("Search accounts").focus();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.key_press(Key::Backspace);
    settle(&mut harness);
    assert!(row_shown(&harness, "Sovos demo"));
    let first = harness.state().state.list.selected;
    harness.key_press(Key::ArrowDown);
    settle(&mut harness);
    assert_ne!(harness.state().state.list.selected, first);
    counts.assert_only_off_ui_thread();
}

#[test]
fn a_sign_on_with_several_accounts_asks_which_one_in_a_dialog() {
    let env = TestEnv::new();
    let sandbox = env.sandbox.sandbox().clone();
    let sets = [
        format!("base_url={}", sandbox.ags_origin()),
        format!("tenant_id={}", ags::TENANT),
        format!("auth_service_id={}", ags::SERVICE_ID),
        "sign_on=password".to_string(),
        format!("param.Username={}", ags::HOUSEHOLD_USERNAME),
    ];
    let mut args = vec![
        "accounts",
        "add",
        "Family",
        "--provider",
        "ags",
        "--secrets-from-stdin",
    ];
    for set in &sets {
        args.extend(["--set", set.as_str()]);
    }
    assert_ok(&env.run_with_stdin(&args, &format!("password={}\n", ags::PASSWORD)));
    let guard = UiThreadGuard::new(Arc::new(KeyringVault::new()));
    let counts = GuardCounts::of(&guard);
    let mut harness = window(engine_factory(gui_options(&env, Arc::new(guard))));
    wait_for(&mut harness, "the account", |app| {
        app.state.accounts.len() == 1
    });
    act(&mut harness, "Launch", "Family");
    wait_for(&mut harness, "the question", |app| {
        app.state.choice.is_some()
    });
    assert!(shows(&harness, "'Family' signs in to several accounts"));
    harness.get_by_label("Office (1664)").click();
    settle(&mut harness);
    click(&mut harness, "Use this account");
    wait_for(&mut harness, "the launch to end", |app| {
        launch_done(app, "Family")
    });
    assert!(
        shows(&harness, "Signed in; a token is held"),
        "chosen and signed in"
    );
    let remembered = std::fs::read_to_string(
        env.data_dir()
            .join("remembered")
            .join(format!("{}.json", account_id(&harness, "Family"))),
    )
    .unwrap();
    assert!(remembered.contains("Office (1664)"), "{remembered}");
    counts.assert_only_off_ui_thread();
}

#[test]
fn a_sandbox_fault_shows_a_clear_error_and_the_account_still_works() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    let (browser, record) = env.recording_browser();
    let guard = UiThreadGuard::new(Arc::new(KeyringVault::new()));
    let counts = GuardCounts::of(&guard);
    let mut options = gui_options(&env, Arc::new(guard));
    options.browser_override = Some(browser);
    let mut harness = window(engine_factory(options));
    wait_for(&mut harness, "the account", |app| {
        app.state.accounts.len() == 1
    });
    env.fault(SSO, "status_500", 1, 0);
    act(&mut harness, "Launch", "Acme");
    wait_for(&mut harness, "the launch to end", |app| {
        launch_done(app, "Acme")
    });
    assert!(
        shows(&harness, "INTERNAL_SERVER_ERROR"),
        "the provider's error is shown"
    );
    assert!(!record.exists(), "no browser after a failure");
    act(&mut harness, "Launch", "Acme");
    wait_for(&mut harness, "the second launch", |app| {
        launch_done(app, "Acme") && record.exists()
    });
    assert!(shows(&harness, "Opened with the browser command."));
    // The activity tab lists both launches, the failed one with its code.
    click(&mut harness, "Activity");
    wait_for(&mut harness, "two audit lines", |app| {
        app.state.activity.len() >= 2
    });
    assert!(shows(&harness, "network"), "the failed launch's outcome");
    counts.assert_only_off_ui_thread();
}

#[test]
fn delete_asks_first_and_removes_the_keyring_entries() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    env.add_assuresign("Globex", &[]);
    let guard = UiThreadGuard::new(Arc::new(KeyringVault::new()));
    let counts = GuardCounts::of(&guard);
    let options = gui_options(&env, Arc::new(guard));
    let mut harness = window(engine_factory(options));
    wait_for(&mut harness, "the accounts", |app| {
        app.state.accounts.len() == 2
    });
    let acme = account_id(&harness, "Acme");
    let key = SecretKey::new(acme, "api_key");
    assert!(KeyringVault::new().get(&key).unwrap().is_some());

    act(&mut harness, "More for", "Acme");
    click(&mut harness, "Delete Acme");
    assert!(shows(&harness, "Delete 'Acme'?"));
    click(&mut harness, "Keep it");
    assert!(!shows(&harness, "Delete 'Acme'?"));
    assert_eq!(harness.state().state.accounts.len(), 2, "kept");

    act(&mut harness, "More for", "Acme");
    click(&mut harness, "Delete Acme");
    click(&mut harness, "Delete account");
    wait_for(&mut harness, "the deletion", |app| {
        app.state.accounts.len() == 1
    });
    assert!(!row_shown(&harness, "Acme"));
    assert!(row_shown(&harness, "Globex"));
    assert!(
        KeyringVault::new().get(&key).unwrap().is_none(),
        "keyring entry removed"
    );
    let file = std::fs::read_to_string(env.config_dir().join("accounts.toml")).unwrap();
    assert!(!file.contains("Acme") && file.contains("Globex"), "{file}");
    counts.assert_only_off_ui_thread();
}

/// One new account per provider, through the form: only that provider's fields, checked as
/// typed, secrets into the keyring.
#[test]
fn add_an_account_of_each_provider_through_the_form() {
    let env = TestEnv::new();
    let guard = UiThreadGuard::new(Arc::new(KeyringVault::new()));
    let counts = GuardCounts::of(&guard);
    let options = gui_options(&env, Arc::new(guard));
    let mut harness = window(engine_factory(options));
    wait_for(&mut harness, "the empty list", |app| app.state.loaded);
    let sandbox = env.sandbox.sandbox().clone();

    // AssureSign (the default provider): a bad e-mail is flagged as typed.
    click(&mut harness, "New account");
    type_into(&mut harness, "Name *", "Acme AS");
    type_into(&mut harness, "API user name *", assuresign::API_USERNAME);
    type_into(&mut harness, "Act as (e-mail) *", "not-an-email");
    assert!(shows(&harness, "Not an e-mail address"));
    click(&mut harness, "Save");
    assert!(
        harness.state().state.editor.is_some(),
        "cannot save with problems"
    );
    harness.get_by_label("Act as (e-mail) *").focus();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness
        .get_by_label("Act as (e-mail) *")
        .type_text(assuresign::CONTEXT_USERS[0]);
    click(&mut harness, "More options");
    type_into(
        &mut harness,
        "Authentication host",
        sandbox.assuresign_origin(),
    );
    type_into(
        &mut harness,
        "DocumentNOW host",
        sandbox.assuresign_origin(),
    );
    assert!(
        harness.query_by_label("Client id *").is_none(),
        "only AssureSign's fields"
    );
    type_into(&mut harness, "API key *", assuresign::API_KEY);
    save(&mut harness, "Acme AS");

    // AGS: services come from discovery.
    new_with_provider(&mut harness, "AGS");
    type_into(&mut harness, "Name *", "Acme AGS");
    type_into(&mut harness, "Gateway *", sandbox.ags_origin());
    click(&mut harness, "More options");
    type_into(&mut harness, "Tenant id", ags::TENANT);
    discover_and_pick(&mut harness, ags::SERVICE_ID);
    type_into(&mut harness, "Session token *", ags::SESSION_TOKEN);
    save(&mut harness, "Acme AGS");

    // LicenseSpring: shows the redirect URI to register.
    new_with_provider(&mut harness, "LicenseSpring");
    type_into(&mut harness, "Name *", "Acme LS");
    click(&mut harness, "More options");
    type_into(&mut harness, "License API", sandbox.licensespring_origin());
    type_into(&mut harness, "Product code *", licensespring::PRODUCT);
    type_into(&mut harness, "Customer account *", licensespring::CUSTOMER);
    assert!(harness.query_by_label("Copy the redirect URI").is_some());
    type_into(&mut harness, "API key", licensespring::API_KEY);
    type_into(&mut harness, "Shared key", licensespring::SHARED_KEY);
    save(&mut harness, "Acme LS");

    // signNow: the password is hidden until revealed.
    new_with_provider(&mut harness, "signNow");
    type_into(&mut harness, "Name *", "Acme SN");
    type_into(&mut harness, "E-mail *", signnow::USER_EMAIL);
    type_into(&mut harness, "Password *", signnow::USER_PASSWORD);
    assert!(
        !shows(&harness, signnow::USER_PASSWORD),
        "hidden while typed"
    );
    click(&mut harness, "Show Password");
    assert!(
        shows(&harness, signnow::USER_PASSWORD),
        "revealed on request"
    );
    type_into(&mut harness, "Basic token", signnow::BASIC_TOKEN);
    click(&mut harness, "More options");
    type_into(&mut harness, "API host", sandbox.signnow_origin());
    save(&mut harness, "Acme SN");

    // Sovos: client credentials hides the browser fields.
    new_with_provider(&mut harness, "Sovos Signer");
    type_into(&mut harness, "Name *", "Acme SV");
    type_into(&mut harness, "Client id *", sovos::CLIENT_ID);
    click(&mut harness, "More options");
    type_into(&mut harness, "Issuer", sandbox.sovos_issuer());
    assert!(harness.query_by_label("Redirect port").is_some());
    harness.get_by_label("Sign-in").click();
    settle(&mut harness);
    harness
        .get_by_label("API token (client credentials)")
        .click();
    settle(&mut harness);
    assert!(harness.query_by_label("Redirect port").is_none());
    type_into(&mut harness, "Client secret *", sovos::CLIENT_SECRET);
    save(&mut harness, "Acme SV");

    let file = std::fs::read_to_string(env.config_dir().join("accounts.toml")).unwrap();
    for (name, setting) in [
        ("Acme AS", "context_username = \"demo.user@example.com\""),
        ("Acme AGS", "auth_service_id = \"sandbox-idp\""),
        ("Acme LS", "customer_account_code = \"sandbox-customer\""),
        ("Acme SN", "username = \"sign.demo@example.com\""),
        ("Acme SV", "grant = \"client_credentials\""),
    ] {
        assert!(
            file.contains(name) && file.contains(setting),
            "{name}: {file}"
        );
    }
    for secret in [
        assuresign::API_KEY,
        ags::SESSION_TOKEN,
        signnow::USER_PASSWORD,
    ] {
        assert!(!file.contains(secret), "a secret reached the config file");
    }
    let vault = KeyringVault::new();
    let stored = |name: &str, secret: &str| {
        vault
            .get(&SecretKey::new(account_id(&harness, name), secret))
            .unwrap()
            .map(|value| value.expose_secret().to_string())
    };
    assert_eq!(
        stored("Acme AS", "api_key").as_deref(),
        Some(assuresign::API_KEY)
    );
    assert_eq!(
        stored("Acme AGS", "session_token").as_deref(),
        Some(ags::SESSION_TOKEN)
    );
    assert_eq!(
        stored("Acme SV", "client_secret").as_deref(),
        Some(sovos::CLIENT_SECRET)
    );

    counts.assert_only_off_ui_thread();
}

fn new_with_provider(harness: &mut AppHarness, provider: &str) {
    click(harness, "New account");
    harness.get_by_label("Provider").click();
    settle(harness);
    harness.get_by_label(provider).click();
    settle(harness);
}
