//! Many accounts at once in the window: Ctrl-click, Shift-click and Ctrl+Shift+A (on what the
//! search shows) mark rows; one question that says how many comes before tagging, setting the
//! stage, exporting or deleting them; a change that would break one account changes none.

use std::sync::Arc;

use egui::Modifiers;
use egui_kittest::kittest::Queryable;
use sso_launcher::core::store::vault::KeyringVault;
use sso_launcher::gui::engine_factory;

use crate::gui_support::*;
use crate::support::*;

fn accounts_file(env: &TestEnv) -> toml::Table {
    toml::from_str(&std::fs::read_to_string(env.config_dir().join("accounts.toml")).unwrap())
        .unwrap()
}

/// The names of the accounts in the file with `tag`.
fn tagged(env: &TestEnv, tag: &str) -> Vec<String> {
    accounts_file(env)["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|account| {
            account
                .get("tags")
                .and_then(|tags| tags.as_array())
                .is_some_and(|tags| tags.iter().any(|have| have.as_str() == Some(tag)))
        })
        .map(|account| account["name"].as_str().unwrap().to_string())
        .collect()
}

fn row_click(harness: &mut AppHarness, name: &str, modifiers: Modifiers) {
    harness
        .get_by_role_and_label(egui::accesskit::Role::ListItem, name)
        .click_modifiers(modifiers);
    settle(harness);
}

#[test]
fn marked_rows_are_tagged_exported_and_deleted_after_one_question() {
    let env = TestEnv::new();
    for name in ["Acme EU", "Acme US", "Globex", "Initech", "Umbrella"] {
        assert_ok(&env.add_minimal(name, &["environment=sb"]));
    }
    let mut harness = window(engine_factory(gui_options(
        &env,
        Arc::new(KeyringVault::new()),
    )));
    wait_for(&mut harness, "the accounts", |app| {
        app.state.accounts.len() == 5
    });

    // Ctrl+Shift+A marks what the search shows, not the whole list.
    type_into(&mut harness, "Search accounts", "acme");
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, egui::Key::A);
    settle(&mut harness);
    assert!(shows(&harness, "2 selected"));
    click(&mut harness, "Tag…");
    type_into(&mut harness, "Tag", "vip");
    assert!(shows(&harness, "Add the tag 'vip' to 2 accounts?"));
    click(&mut harness, "Apply");
    wait_for(&mut harness, "the tags", |app| app.state.bulk.is_none());
    assert_eq!(tagged(&env, "vip"), ["Acme EU", "Acme US"]);
    assert!(!shows(&harness, "selected"), "the marks go once done");

    // Ctrl-click and Shift-click over the whole list; Export writes only those.
    harness.key_press(egui::Key::Escape);
    settle(&mut harness);
    row_click(&mut harness, "Globex", Modifiers::NONE);
    row_click(&mut harness, "Umbrella", Modifiers::SHIFT);
    assert!(shows(&harness, "3 selected"), "Globex to Umbrella");
    row_click(&mut harness, "Initech", Modifiers::COMMAND);
    assert!(shows(&harness, "2 selected"), "Initech unmarked");
    let file = env.dir.path().join("two.json");
    click(&mut harness, "Export…");
    type_into(&mut harness, "File", file.to_str().unwrap());
    assert!(shows(&harness, "Export 2 account(s)"));
    click(&mut harness, "Apply");
    wait_for(&mut harness, "the export", |app| app.state.bulk.is_none());
    let exported: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let names: Vec<&str> = exported["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|account| account["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Globex", "Umbrella"]);
    assert!(!exported.to_string().contains("api_key"));

    // A set that does not exist would break them: nothing changes, and the window says why.
    row_click(&mut harness, "Globex", Modifiers::NONE);
    row_click(&mut harness, "Initech", Modifiers::COMMAND);
    harness.state_mut().state.bulk = Some(sso_launcher::gui::views::bulk::BulkDialog {
        kind: sso_launcher::gui::views::bulk::BulkKind::Credential,
        accounts: harness.state().state.list.marked.iter().copied().collect(),
        value: "nonesuch".into(),
    });
    settle(&mut harness);
    click(&mut harness, "Apply");
    wait_for(&mut harness, "the refusal", |app| {
        app.state
            .notices
            .iter()
            .any(|notice| notice.contains("no credential set named 'nonesuch'"))
    });
    assert!(
        !std::fs::read_to_string(env.config_dir().join("accounts.toml"))
            .unwrap()
            .contains("nonesuch")
    );

    // Delete asks once, with the count.
    click(&mut harness, "Cancel");
    click(&mut harness, "Delete…");
    assert!(shows(&harness, "Delete 2 account(s)"));
    click(&mut harness, "Apply");
    wait_for(&mut harness, "the deletion", |app| {
        app.state.accounts.len() == 3
    });
    assert!(!row_shown(&harness, "Globex") && !row_shown(&harness, "Initech"));
}

/// Groups by tag or by customer, folded with a click on the header; the keyboard moves over
/// the rows drawn.
#[test]
fn the_list_groups_by_tag_or_customer_and_folds() {
    let env = TestEnv::new();
    for (name, tag, context) in [
        ("Acme EU", "eu", "ops@acme.example"),
        ("Acme US", "us", "ops@acme.example"),
        ("Globex", "eu", "it@globex.example"),
    ] {
        assert_ok(&env.add_minimal(name, &["environment=sb"]));
        assert_ok(&env.run(&[
            "accounts",
            "edit",
            name,
            "--tag",
            tag,
            "--set",
            &format!("context_username={context}"),
        ]));
    }
    let mut harness = window(engine_factory(gui_options(
        &env,
        Arc::new(KeyringVault::new()),
    )));
    wait_for(&mut harness, "the accounts", |app| {
        app.state.accounts.len() == 3
    });
    click(&mut harness, "Groups");
    click(&mut harness, "Group by tag");
    assert!(shows(&harness, "eu (2)") && shows(&harness, "us (1)"));
    click(&mut harness, "eu (2)");
    assert!(!row_shown(&harness, "Globex") && row_shown(&harness, "Acme US"));
    // The keyboard walks the rows drawn: from Acme US, nothing below it.
    select(&mut harness, "Acme US");
    harness.key_press(egui::Key::ArrowUp);
    settle(&mut harness);
    let selected = harness.state().state.list.selected;
    assert_eq!(
        selected,
        Some(account_id(&harness, "Acme US")),
        "nothing above"
    );
    click(&mut harness, "eu (2)");
    assert!(row_shown(&harness, "Globex"));

    click(&mut harness, "Groups");
    click(&mut harness, "Group by customer");
    assert!(shows(&harness, "ops@acme.example (2)") && shows(&harness, "it@globex.example (1)"));
}

/// While Up/Down walk the list, a change elsewhere (a favourite starred in a terminal) does
/// not reorder the rows; the new order comes with the next click or search.
#[test]
fn rows_stay_put_while_the_keyboard_walks_them() {
    let env = TestEnv::new();
    for name in ["Acme", "Globex", "Initech"] {
        assert_ok(&env.add_minimal(name, &["environment=sb"]));
    }
    let mut harness = window(engine_factory(gui_options(
        &env,
        Arc::new(KeyringVault::new()),
    )));
    wait_for(&mut harness, "the accounts", |app| {
        app.state.accounts.len() == 3
    });
    let order = |harness: &AppHarness| -> Vec<String> {
        let state = &harness.state().state;
        state
            .visible_accounts()
            .map(|id| state.account(id).unwrap().name.clone())
            .collect()
    };
    assert_eq!(order(&harness), ["Acme", "Globex", "Initech"]);
    harness.key_press(egui::Key::ArrowDown);
    harness.key_press(egui::Key::ArrowDown);
    settle(&mut harness);
    assert_ok(&env.run(&["accounts", "edit", "Initech", "--favourite"]));
    wait_for(&mut harness, "the favourite", |app| {
        app.state
            .accounts
            .iter()
            .any(|account| account.name == "Initech" && account.favourite)
    });
    assert_eq!(order(&harness), ["Acme", "Globex", "Initech"], "held");
    // A search (here typed, then cleared) makes the order again: favourites first.
    type_into(&mut harness, "Search accounts", "x");
    harness.key_press(egui::Key::Escape);
    settle(&mut harness);
    assert_eq!(
        order(&harness),
        ["Initech", "Acme", "Globex"],
        "favourites first"
    );
}
