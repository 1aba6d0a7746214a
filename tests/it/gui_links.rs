//! A link's confirmation in the window (egui_kittest, by role and label): it says what the
//! link would launch, runs nothing until Launch is pressed, and refuses links it cannot use.

use std::sync::Arc;
use std::time::Duration;

use egui_kittest::kittest::Queryable;
use sso_launcher::core::store::vault::KeyringVault;
use sso_launcher::desktop::instance::InstanceRequest;
use sso_launcher::gui::engine_factory;
use sso_launcher::gui::state::LinkPrompt;

use crate::gui_support::*;
use crate::support::*;
use crate::tray::audit_vias;

/// The window over an AssureSign account "Acme" on the sandbox, once it is listed.
fn acme_window(env: &TestEnv) -> AppHarness {
    env.add_assuresign("Acme", &[]);
    let guard = UiThreadGuard::new(Arc::new(KeyringVault::new()));
    let mut harness = window(engine_factory(gui_options(env, Arc::new(guard))));
    wait_for(&mut harness, "the account", |app| {
        app.state.accounts.len() == 1
    });
    harness
}

fn open_link(harness: &mut AppHarness, link: &str) {
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .handle_request(&ctx, InstanceRequest::Link(link.to_string()));
    settle(harness);
}

#[test]
fn a_link_shows_what_it_would_launch_and_runs_only_after_launch() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &["browser=private"]);
    assert_ok(&env.run(&["accounts", "edit", "Acme", "--tag", "customer"]));
    let (browser, record) = env.recording_browser();
    let guard = UiThreadGuard::new(Arc::new(KeyringVault::new()));
    let counts = GuardCounts::of(&guard);
    let mut options = gui_options(&env, Arc::new(guard));
    options.browser_override = Some(browser);
    let mut harness = window(engine_factory(options));
    let id = {
        // A link that comes before the account list is checked once the list is here.
        let output = env.run(&["--json", "accounts", "show", "Acme"]);
        let shown: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        shown["id"].as_str().unwrap().to_string()
    };
    open_link(&mut harness, &format!("sso-launcher://launch/{id}"));
    wait_for(&mut harness, "the confirmation", |app| {
        matches!(app.state.link, Some(LinkPrompt::Confirm(_)))
    });
    assert!(shows(&harness, "Launch 'Acme'?"));
    assert!(shows(&harness, "AssureSign"));
    assert!(shows(&harness, "customer"));
    assert!(
        shows(&harness, "opens its page in a private browser window"),
        "what happens follows the account's browser choice"
    );
    std::thread::sleep(Duration::from_millis(500));
    settle(&mut harness);
    assert_eq!(env.count("assuresign.api_user"), 0, "nothing ran yet");
    assert!(!record.exists());

    // Cancel runs nothing either.
    click(&mut harness, "Cancel");
    assert!(harness.state().state.link.is_none());
    assert_eq!(env.count("assuresign.sso"), 0);

    open_link(&mut harness, &format!("sso-launcher://launch/{id}"));
    click(&mut harness, "Launch");
    wait_for(&mut harness, "the launch", |app| launch_done(app, "Acme"));
    assert!(wait_for_file(&record).contains("ssoToken="));
    assert_eq!(env.count("assuresign.sso"), 1);
    assert!(audit_vias(&env).contains(&("Acme".into(), "launch".into(), "link".into())));
    counts.assert_only_off_ui_thread();
}

#[test]
fn unknown_forged_and_foreign_links_run_nothing_and_say_why() {
    let env = TestEnv::new();
    let mut harness = acme_window(&env);
    let id = account_id(&harness, "Acme");
    for (link, says) in [
        (
            "sso-launcher://launch/00000000-0000-4000-8000-000000000001".to_string(),
            "No account here has the id",
        ),
        (
            format!("sso-launcher://launch/{id}?secret=x"),
            "carries more than an account id",
        ),
        (
            format!("sso-launcher://launch/{id}/../../delete"),
            "not an account id",
        ),
        (
            format!("sso-launcher://export/{id}"),
            "which links cannot do",
        ),
        (
            "sso-launcher:%0a%1b[31mevil".to_string(),
            "not a valid sso-launcher link",
        ),
    ] {
        open_link(&mut harness, &link);
        assert!(
            matches!(&harness.state().state.link, Some(LinkPrompt::Refused(why)) if why.contains(says)),
            "{link}: {:?}",
            harness.state().state.link
        );
        assert!(shows(&harness, "This link was not used"));
        assert!(
            harness.query_by_label("Launch").is_none(),
            "{link}: no Launch offered"
        );
        click(&mut harness, "Close the link message");
        assert!(harness.state().state.link.is_none());
    }
    assert_eq!(env.count("assuresign.api_user"), 0);
    assert!(audit_vias(&env).is_empty(), "nothing ran, nothing audited");
}

#[test]
fn quick_launch_with_the_window_open_focuses_its_search() {
    let env = TestEnv::new();
    let mut harness = acme_window(&env);
    click(&mut harness, "Settings");
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .handle_request(&ctx, InstanceRequest::QuickLaunch);
    settle(&mut harness);
    assert!(harness.get_by_label("Search accounts").is_focused());
    harness.get_by_label("Search accounts").type_text("acm");
    settle(&mut harness);
    assert!(harness.query_by_label("Launch Acme").is_some());
}

#[test]
fn the_account_menu_copies_a_launch_link_that_opens_the_same_account() {
    let env = TestEnv::new();
    let mut harness = acme_window(&env);
    let id = account_id(&harness, "Acme");
    act(&mut harness, "More for", "Acme");
    harness.get_by_label("Copy launch link Acme").click();
    harness.step();
    let copied: Vec<String> = harness
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|command| match command {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(copied, [format!("sso-launcher://launch/{id}")]);
    open_link(&mut harness, &copied[0]);
    assert!(matches!(
        harness.state().state.link,
        Some(LinkPrompt::Confirm(linked)) if linked == id
    ));
}
