//! The team list: an export file named by `team_accounts`, shown read-only beside the
//! personal list, searched and launched like it; each operator keeps the credential sets'
//! secrets; the personal list wins a name clash, and a broken or missing file keeps the last
//! good copy in the window, with a notice.

use std::sync::Arc;

use egui_kittest::kittest::{NodeT as _, Queryable};
use serde_json::Value;
use sso_launcher::core::store::vault::KeyringVault;
use sso_launcher::gui::engine_factory;
use sso_launcher::sandbox::fixtures::assuresign as fx;

use crate::gui_support::*;
use crate::support::*;

/// The team's list, written by one operator's export: two AssureSign accounts that use the
/// "team-api" credential set.
fn team_list(env: &TestEnv) -> std::path::PathBuf {
    let lead = TestEnv::new();
    assert_ok(&lead.add_assuresign_set("team-api", fx::API_KEY));
    // On the sandbox of the operator who uses the list.
    let origin = env.origin();
    for (name, context) in [
        ("Acme", fx::CONTEXT_USERS[0]),
        ("Globex", fx::CONTEXT_USERS[1]),
    ] {
        assert_ok(&lead.add_assuresign_using(name, "team-api", context, &origin));
    }
    let file = env.dir.path().join("share").join("team-accounts.json");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    assert_ok(&lead.run(&["accounts", "export", file.to_str().unwrap()]));
    file
}

fn use_team_list(env: &TestEnv, file: &std::path::Path) {
    assert_ok(&env.run(&["settings", "set", "team_accounts", file.to_str().unwrap()]));
}

#[test]
fn the_team_list_is_listed_searched_and_launched_but_not_changed_here() {
    let env = TestEnv::new();
    let file = team_list(&env);
    use_team_list(&env, &file);
    // Without the set's secrets here, the launch says what is missing.
    let missing = env.run(&["launch", "Acme", "--print-url"]);
    let message = assert_exit(&missing, 9);
    assert!(
        message.contains("no credential set named 'team-api'"),
        "{message}"
    );

    assert_ok(&env.add_assuresign_set("team-api", fx::API_KEY));
    env.add_assuresign("Initech", &[]);
    let list: Value =
        serde_json::from_str(&stdout(&env.run(&["--json", "accounts", "list"]))).unwrap();
    let team: Vec<(&str, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["name"].as_str().unwrap(), a["team"].as_bool().unwrap()))
        .collect();
    assert_eq!(team, [("Acme", true), ("Globex", true), ("Initech", false)]);
    let found = stdout(&env.run(&["accounts", "list", "--search", "globx"]));
    assert!(
        found.contains("Globex") && found.contains("(team)"),
        "{found}"
    );

    assert_ok(&env.run(&["launch", "Globex", "--print-url"]));
    let refused = env.run(&["accounts", "edit", "Globex", "--notes", "x"]);
    assert!(assert_exit(&refused, 2).contains("read-only"));
    let refused = env.run(&["accounts", "remove", "Globex", "--yes"]);
    assert!(assert_exit(&refused, 2).contains("team list"));

    // A personal account of the same name wins, and the list says so.
    env.add_assuresign("ACME", &[]);
    let output = env.run(&["accounts", "list"]);
    assert!(stderr(&output).contains("hide these of the team list: Acme"));
    assert_eq!(
        stdout(&output).matches("Acme").count() + stdout(&output).matches("ACME").count(),
        1
    );

    // A missing file: the list says so and the personal accounts still show.
    std::fs::remove_file(&file).unwrap();
    let output = env.run(&["accounts", "list"]);
    assert_ok(&output);
    assert!(
        stderr(&output).contains("is missing"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).contains("Initech"));
}

#[test]
fn the_window_shows_the_team_list_and_keeps_the_last_good_copy() {
    let env = TestEnv::new();
    let file = team_list(&env);
    use_team_list(&env, &file);
    env.add_assuresign("Initech", &[]);
    let mut harness = window(engine_factory(gui_options(
        &env,
        Arc::new(KeyringVault::new()),
    )));
    wait_for(&mut harness, "the team's accounts", |app| {
        app.state.accounts.len() == 3
    });
    assert!(row_shown(&harness, "Globex") && row_shown(&harness, "Initech"));
    assert!(
        shows(&harness, "Team (2)"),
        "the team's accounts are a group of their own"
    );
    select(&mut harness, "Globex");
    assert!(
        harness
            .get_by_label("Edit Globex")
            .accesskit_node()
            .is_disabled(),
        "Edit is off for a team account"
    );

    // Broken on the share: the copy read before stays, with a notice.
    std::fs::write(&file, "{\"format\": \"sso-launcher-accounts\", \"acc").unwrap();
    wait_for(&mut harness, "the notice", |app| {
        app.state.team.notice.is_some()
    });
    assert!(shows(&harness, "The copy read before is shown"));
    assert!(row_shown(&harness, "Globex"));

    // Fixed again: read again without a restart.
    let lead_copy = team_list(&env);
    std::fs::rename(&lead_copy, &file).unwrap();
    wait_for(&mut harness, "the notice to go", |app| {
        app.state.team.notice.is_none()
    });
    assert!(row_shown(&harness, "Acme"));
}
