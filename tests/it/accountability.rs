//! Every launch accountable: a ticket per launch (`--ticket`, required by `require_ticket`),
//! who and where in each record, `sso-launcher audit` to answer afterwards, and
//! `sso-launcher settings` for admins and scripts.

use egui_kittest::kittest::{NodeT, Queryable};
use serde_json::Value;
use sso_launcher::sandbox::assuresign::SSO;

use crate::gui_support::*;
use crate::support::*;

fn json(output: &std::process::Output) -> Value {
    assert_ok(output);
    serde_json::from_str(&stdout(output)).unwrap()
}

fn audit(env: &TestEnv, args: &[&str]) -> Value {
    let mut all = vec!["--json", "audit"];
    all.extend_from_slice(args);
    json(&env.run(&all))
}

#[test]
fn a_ticket_goes_with_each_launch_and_can_be_required() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    assert_ok(&env.run(&["launch", "Acme", "--print-url", "--ticket", " INC-123 "]));
    let records = audit(&env, &["--ticket", "inc-123"]);
    assert_eq!(records.as_array().unwrap().len(), 1, "{records}");
    let record = &records[0];
    assert_eq!(record["ticket"], "INC-123");
    assert_eq!(record["via"], "cli");
    let me = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    assert_eq!(
        record["operator"],
        String::from_utf8_lossy(&me.stdout).trim()
    );
    assert!(record["host"].as_str().is_some_and(|host| !host.is_empty()));
    assert_eq!(record["correlation"].as_str().unwrap().len(), 32);

    // Required: launch and login refuse without one (nothing sent); token never asks.
    let set = env.run(&["settings", "set", "require_ticket", "true"]);
    assert_ok(&set);
    let sent = env.count(SSO);
    let err = assert_exit(&env.run(&["launch", "Acme", "--print-url"]), 2);
    assert!(
        err.contains("ticket reference is required") && err.contains("--ticket"),
        "{err}"
    );
    assert_exit(&env.run(&["login", "Acme"]), 2);
    assert_eq!(env.count(SSO), sent, "nothing sent without a ticket");
    assert_ok(&env.run(&["token", "Acme"]));
    assert_ok(&env.run(&["login", "Acme", "--ticket", "CHG-9"]));
    let logins = audit(&env, &["--ticket", "CHG-9"]);
    assert_eq!(logins[0]["action"], "login");
    let err = assert_exit(
        &env.run(&["launch", "Acme", "--ticket", "bad\u{7}ticket"]),
        2,
    );
    assert!(err.contains("control character"), "{err}");
}

#[test]
fn settings_are_read_and_changed_checked_like_the_window() {
    let env = TestEnv::new();
    let listed = json(&env.run(&["--json", "settings", "list"]));
    assert_eq!(listed["require_ticket"], Value::Null, "the default applies");
    assert!(listed.as_object().unwrap().contains_key("confirm_stages"));
    assert_ok(&env.run(&[
        "settings",
        "set",
        "confirm_stages",
        "[\"production\", \"staging\"]",
    ]));
    assert_ok(&env.run(&["settings", "set", "browser_command", "firefox {url}"]));
    assert_eq!(
        stdout(&env.run(&["settings", "get", "browser_command"])).trim(),
        "firefox {url}"
    );
    let stages = json(&env.run(&["--json", "settings", "get", "confirm_stages"]));
    assert_eq!(
        stages["value"],
        serde_json::json!(["production", "staging"])
    );
    let file = std::fs::read_to_string(env.config_dir().join("settings.toml")).unwrap();
    assert!(
        file.contains("browser_command = \"firefox {url}\""),
        "{file}"
    );

    // A misspelt key names the real ones; an out-of-range value is refused with its bounds;
    // neither touches the file.
    let err = assert_exit(&env.run(&["settings", "set", "require_tickets", "true"]), 2);
    assert!(
        err.contains("no setting 'require_tickets'") && err.contains(" require_ticket,"),
        "{err}"
    );
    let err = assert_exit(
        &env.run(&["settings", "set", "http_timeout_seconds", "99999"]),
        2,
    );
    assert!(err.contains("http_timeout_seconds"), "{err}");
    let err = assert_exit(&env.run(&["settings", "set", "require_ticket", "maybe"]), 2);
    assert!(err.contains("require_ticket"), "{err}");
    assert_eq!(
        std::fs::read_to_string(env.config_dir().join("settings.toml")).unwrap(),
        file
    );

    assert_ok(&env.run(&["settings", "unset", "browser_command"]));
    assert_eq!(
        stdout(&env.run(&["settings", "get", "browser_command"])).trim(),
        ""
    );
}

#[test]
fn the_audit_command_filters_and_writes_table_json_and_csv() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    env.add_assuresign("=HYPERLINK(\"x\"), Globex", &[]);
    assert_ok(&env.run(&["launch", "Acme", "--print-url", "--ticket", "INC-1"]));
    assert_ok(&env.run(&["launch", "=HYPERLINK", "--print-url", "--ticket", "INC-2"]));

    let all = audit(&env, &[]);
    assert_eq!(all.as_array().unwrap().len(), 2);
    assert_eq!(
        audit(&env, &["--account", "acme"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        audit(&env, &["--since", "2000-01-01"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(
        audit(&env, &["--since", "2999-01-01T00:00:00Z"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    let same = json(&env.run(&["audit", "--format", "json"]));
    assert_eq!(same, all, "--format json is --json");
    let err = assert_exit(&env.run(&["audit", "--since", "yesterday"]), 2);
    assert!(err.contains("2026-11-30"), "{err}");

    let table = stdout(&env.run(&["audit", "--ticket", "INC-1"]));
    let mut lines = table.lines();
    assert!(lines.next().unwrap().starts_with("TIME"), "{table}");
    assert!(lines.next().unwrap().contains("INC-1"), "{table}");

    let csv = stdout(&env.run(&["audit", "--format", "csv"]));
    let rows: Vec<&str> = csv.split("\r\n").filter(|row| !row.is_empty()).collect();
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(rows[0].starts_with("time,operator,host,account,"), "{csv}");
    // A name a spreadsheet would run as a formula is quoted as text.
    assert!(csv.contains("\"'=HYPERLINK(\"\"x\"\"), Globex\""), "{csv}");
}

#[test]
fn the_window_asks_for_a_ticket_when_one_is_required_and_remembers_it() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    assert_ok(&env.run(&["settings", "set", "require_ticket", "true"]));
    let (mut harness, record) = window_on_one_account(&env);

    act(&mut harness, "Launch", "Acme");
    assert!(
        harness.state().state.launch_question.is_some(),
        "asks for the ticket"
    );
    assert!(
        harness
            .get_by_label("Launch Acme with a ticket")
            .accesskit_node()
            .is_disabled(),
        "Launch waits for the ticket"
    );
    type_into(&mut harness, "Ticket for this launch", "INC-77");
    click(&mut harness, "Launch Acme with a ticket");
    wait_for(&mut harness, "the launch to end", |app| {
        launch_done(app, "Acme")
    });
    assert!(wait_for_file(&record).contains("ssoToken="));

    // The ticket stays for the next launch: no question this time.
    std::fs::remove_file(&record).unwrap();
    act(&mut harness, "Launch", "Acme");
    assert!(harness.state().state.launch_question.is_none());
    wait_for(&mut harness, "the second launch", |app| {
        launch_done(app, "Acme")
    });
    let tickets: Vec<Value> = audit(&env, &["--account", "Acme"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|record| record["action"] == "launch")
        .map(|record| record["ticket"].clone())
        .collect();
    assert_eq!(tickets, ["INC-77", "INC-77"]);
}

/// The Activity tab filters by ticket (and stage, operator, via ...) and period, shows the
/// ticket, and exports the entries shown as the CLI's CSV.
#[test]
fn the_activity_tab_filters_and_exports_what_it_shows() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    env.add_assuresign("Globex", &[]);
    assert_ok(&env.run(&["launch", "Acme", "--print-url", "--ticket", "INC-7"]));
    assert_ok(&env.run(&["launch", "Globex", "--print-url", "--ticket", "INC-8"]));
    let (mut harness, _) = window_on_accounts(&env, 2);
    click(&mut harness, "Activity");
    wait_for(&mut harness, "the launches", |app| {
        app.state.activity.len() >= 2
    });
    type_into(&mut harness, "Filter activity", "inc-7");
    assert!(shows(&harness, "1 of 2 entries"), "by ticket");
    click(&mut harness, "Period");
    click(&mut harness, "Today");
    assert!(shows(&harness, "1 of 2 entries"), "both are from today");
    let file = env.dir.path().join("activity.csv");
    click(&mut harness, "Export CSV…");
    type_into(
        &mut harness,
        "Export 1 entry as CSV to",
        file.to_str().unwrap(),
    );
    click(&mut harness, "Export");
    wait_for(&mut harness, "the file", |app| {
        app.state.activity_view.export_to.is_none()
    });
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("time,operator,host,account"), "{text}");
    assert!(
        lines[1].contains(",Acme,") && lines[1].contains("INC-7"),
        "{text}"
    );
}
