//! An account's stage (production, staging ...): set and shown by the CLI, kept in the file
//! (schema 2 only when used), exported, audited, and a launch into a stage that asks first
//! is confirmed, in the CLI and in the window.

use serde_json::Value;
use sso_launcher::sandbox::assuresign::SSO;

use crate::gui_support::*;
use crate::support::*;

fn json(output: &std::process::Output) -> Value {
    assert_ok(output);
    serde_json::from_str(&stdout(output)).unwrap()
}

#[test]
fn a_stage_is_set_shown_kept_and_removed() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    let accounts_file = || std::fs::read_to_string(env.config_dir().join("accounts.toml")).unwrap();
    assert!(
        accounts_file().contains("schema_version = 1"),
        "no stage, version 1"
    );

    assert_ok(&env.run(&["accounts", "edit", "Acme", "--stage", " production "]));
    assert!(accounts_file().contains("schema_version = 2"));
    assert!(accounts_file().contains("stage = \"production\""));
    let listed = json(&env.run(&["--json", "accounts", "list"]));
    assert_eq!(listed[0]["stage"], "production");
    let table = stdout(&env.run(&["accounts", "list"]));
    assert!(table.lines().next().unwrap().contains("STAGE"), "{table}");
    assert!(
        table.lines().nth(1).unwrap().contains("production"),
        "{table}"
    );
    assert!(stdout(&env.run(&["accounts", "show", "Acme"])).contains("stage:     production"));

    let err = assert_exit(&env.run(&["accounts", "edit", "Acme", "--stage", "  "]), 2);
    assert!(
        err.contains("--stage needs a word") && err.contains("--no-stage"),
        "{err}"
    );
    assert_ok(&env.run(&["accounts", "edit", "Acme", "--no-stage"]));
    assert_eq!(
        json(&env.run(&["--json", "accounts", "list"]))[0]["stage"],
        Value::Null
    );
    assert!(
        accounts_file().contains("schema_version = 1"),
        "back to version 1"
    );
}

#[test]
fn a_production_launch_needs_yes_without_a_terminal_and_the_stages_are_a_setting() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    assert_ok(&env.run(&["accounts", "edit", "Acme", "--stage", "Production"]));

    // No terminal to ask on: refused, nothing sent to the provider.
    let err = assert_exit(&env.run(&["launch", "Acme", "--print-url"]), 2);
    assert!(
        err.contains("'Acme' is a Production account") && err.contains("--yes"),
        "{err}"
    );
    assert_eq!(env.count(SSO), 0);
    let output = env.run(&["launch", "Acme", "--print-url", "--yes"]);
    assert_ok(&output);
    assert!(stdout(&output).contains("ssoToken="));
    // `token` is for scripts: it never asks.
    assert_ok(&env.run(&["token", "Acme"]));

    // The audit record names the stage.
    let audit = std::fs::read_to_string(env.data_dir().join("audit.jsonl")).unwrap();
    let launch: Value = audit
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .find(|record| record["action"] == "launch")
        .unwrap();
    assert_eq!(launch["stage"], "Production");

    // `confirm_stages` says which stages ask: here staging only, so production does not.
    let settings = env.config_dir().join("settings.toml");
    std::fs::write(
        &settings,
        "schema_version = 1\nconfirm_stages = [\"staging\"]\n",
    )
    .unwrap();
    assert_ok(&env.run(&["launch", "Acme", "--print-url"]));
    assert_ok(&env.run(&["accounts", "edit", "Acme", "--stage", "staging"]));
    assert_exit(&env.run(&["launch", "Acme", "--print-url"]), 2);
    std::fs::write(&settings, "schema_version = 1\nconfirm_stages = []\n").unwrap();
    assert_ok(&env.run(&["launch", "Acme", "--print-url"]));
}

#[test]
fn exports_carry_the_stage_and_a_newer_export_is_named_as_such() {
    let env = TestEnv::new();
    env.add_assuresign("Plain", &[]);
    let plain = json(&env.run(&["accounts", "export"]));
    assert_eq!(
        plain["version"], 1,
        "no stage: version 1, which older releases read"
    );
    env.add_assuresign("Live", &[]);
    assert_ok(&env.run(&["accounts", "edit", "Live", "--stage", "production"]));
    let exported = json(&env.run(&["accounts", "export"]));
    assert_eq!(exported["version"], 2);

    let other = TestEnv::new();
    let file = other.dir.path().join("export.json");
    std::fs::write(&file, exported.to_string()).unwrap();
    assert_ok(&other.run(&["accounts", "import", file.to_str().unwrap()]));
    let listed = json(&other.run(&["--json", "accounts", "list"]));
    let live = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "Live")
        .unwrap();
    assert_eq!(live["stage"], "production");

    // A file from a newer release, with a field this one does not know: "newer release".
    let mut newer = exported.clone();
    newer["version"] = 3.into();
    newer["accounts"][0]["credential_set"] = "acme-api".into();
    let before = std::fs::read_to_string(other.config_dir().join("accounts.toml")).unwrap();
    std::fs::write(&file, newer.to_string()).unwrap();
    let err = assert_exit(
        &other.run(&["accounts", "import", file.to_str().unwrap()]),
        3,
    );
    assert!(
        err.contains("newer release") && !err.contains("unknown field"),
        "{err}"
    );
    let after = std::fs::read_to_string(other.config_dir().join("accounts.toml")).unwrap();
    assert_eq!(before, after, "nothing changed");
}

#[test]
fn the_window_asks_before_launching_into_production() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    assert_ok(&env.run(&["accounts", "edit", "Acme", "--stage", "production"]));
    let (mut harness, record) = window_on_one_account(&env);
    select(&mut harness, "Acme");
    // The stage is on the Launch button, for eyes and for screen readers.
    click(&mut harness, "Launch Acme · production");
    settle(&mut harness);
    assert!(shows(&harness, "reaches the customer's production system"));
    click(&mut harness, "Cancel Acme into production");
    settle(&mut harness);
    assert!(harness.state().state.launch_question.is_none());
    assert_eq!(env.count(SSO), 0, "cancelled: nothing sent");

    click(&mut harness, "Launch Acme · production");
    click(&mut harness, "Launch Acme into production");
    wait_for(&mut harness, "the launch to end", |app| {
        launch_done(app, "Acme")
    });
    assert!(wait_for_file(&record).contains("ssoToken="));
    assert_eq!(env.count(SSO), 1);
}
