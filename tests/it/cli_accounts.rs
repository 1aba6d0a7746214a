//! Managing accounts through the CLI: the file, the keyring, import and export.

use crate::support::*;
use sso_launcher::core::account::AccountId;
use sso_launcher::core::store::vault::{KeyringVault, SecretKey, SecretVault};
use sso_launcher::sandbox::fixtures::assuresign as fx;

fn account_id(env: &TestEnv, name: &str) -> AccountId {
    let output = env.run(&["--json", "accounts", "show", name]);
    assert_ok(&output);
    let shown: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    shown["id"].as_str().unwrap().parse().unwrap()
}

#[test]
fn secrets_go_to_the_keyring_and_leave_with_the_account() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    let id = account_id(&env, "Acme");
    let vault = KeyringVault::new();
    let key = SecretKey::new(id, "api_key");
    assert_eq!(
        vault.get(&key).unwrap().unwrap().expose_secret(),
        fx::API_KEY
    );
    assert_ok(&env.run(&["launch", "Acme", "--print-url"]));
    assert!(
        vault
            .get(&SecretKey::new(id, "cache.session"))
            .unwrap()
            .is_some()
    );

    let config = std::fs::read_to_string(env.config_dir().join("accounts.toml")).unwrap();
    assert!(
        config.contains("api_username = \"sandbox-api-user\""),
        "{config}"
    );

    let shown = stdout(&env.run(&["accounts", "show", "Acme"]));
    assert!(
        shown.contains("api_key: set") && !shown.contains("password"),
        "{shown}"
    );

    let err = assert_exit(&env.run(&["accounts", "remove", "Acme"]), 2);
    assert!(err.contains("--yes"), "{err}");
    assert_ok(&env.run(&["accounts", "remove", "Acme", "--yes"]));
    assert!(vault.get(&key).unwrap().is_none(), "api_key entry removed");
    assert!(
        vault
            .get(&SecretKey::new(id, "cache.session"))
            .unwrap()
            .is_none(),
        "cached bearer removed"
    );
    assert_exit(&env.run(&["accounts", "show", "Acme"]), 9);
}

#[test]
fn secrets_are_refused_as_settings_and_bad_stdin_is_refused_whole() {
    let env = TestEnv::new();
    let origin = env.origin();
    let base = [
        "accounts",
        "add",
        "Acme",
        "--provider",
        "assuresign",
        "--set",
        "api_username=u",
        "--set",
        "context_username=a@b.example",
    ];
    let with = |extra: &[&str]| -> Vec<String> {
        base.iter()
            .chain(extra)
            .map(|s| s.to_string())
            .chain([format!("--set=api_base_url={origin}")])
            .collect()
    };
    let args = with(&["--set", "api_key=oops"]);
    let err = assert_exit(
        &env.run(&args.iter().map(String::as_str).collect::<Vec<_>>()),
        2,
    );
    assert!(err.contains("secret") && !err.contains("oops"), "{err}");

    let args = with(&["--secrets-from-stdin"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    for bad in ["api_key=a\napi_key=b\n", "token=abc\n", "just-a-value\n"] {
        assert_exit(&env.run_with_stdin(&args, bad), 2);
    }
    // No terminal and no secret: refused, nothing saved.
    let err = assert_exit(&env.run_with_stdin(&args, ""), 2);
    assert!(err.contains("api_key"), "{err}");
    assert!(!env.config_dir().join("accounts.toml").exists());

    let err = assert_exit(
        &env.run(&[
            "accounts",
            "add",
            "X",
            "--provider",
            "assuresign",
            "--set",
            "environment=eu",
        ]),
        3,
    );
    assert!(err.contains("environment"), "{err}");
    let err = assert_exit(
        &env.run(&[
            "accounts",
            "add",
            "X",
            "--provider",
            "assuresign",
            "--set",
            "colour=blue",
        ]),
        2,
    );
    assert!(err.contains("known settings"), "{err}");
}

#[test]
fn edit_renames_tags_and_unsets() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &["envelope_id=e1"]);
    assert_ok(&env.run(&[
        "accounts",
        "edit",
        "acme",
        "--rename",
        "Acme Prod",
        "--tag",
        "customer",
        "--tag",
        "eu",
        "--favourite",
        "--unset",
        "envelope_id",
        "--notes",
        "VIP",
    ]));
    let output = env.run(&["--json", "accounts", "list"]);
    let list: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let account = &list[0];
    assert_eq!(account["name"], "Acme Prod");
    assert_eq!(account["tags"], serde_json::json!(["customer", "eu"]));
    assert_eq!(account["favourite"], true);
    assert_eq!(account["notes"], "VIP");
    assert!(account["settings"].get("envelope_id").is_none());
    let err = assert_exit(
        &env.run(&["accounts", "edit", "Acme Prod", "--unset", "envelope_id"]),
        2,
    );
    assert!(err.contains("envelope_id"), "{err}");
}

#[test]
fn names_are_found_by_id_exact_name_or_unique_prefix() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    env.add_assuresign("Acme Prod", &[]);
    env.add_assuresign("Beta", &[]);
    let err = assert_exit(&env.run(&["accounts", "show", "ac"]), 9);
    assert!(
        err.contains("Acme, Acme Prod") || err.contains("Acme Prod, Acme"),
        "{err}"
    );
    assert!(stdout(&env.run(&["accounts", "show", "Acme"])).contains("name:      Acme\n"));
    assert!(stdout(&env.run(&["accounts", "show", "acme p"])).contains("Acme Prod"));
    let id = account_id(&env, "be");
    assert!(stdout(&env.run(&["accounts", "show", &id.to_string()])).contains("Beta"));
    let err = assert_exit(&env.add_minimal("beta", &["environment=sb"]), 2);
    assert!(err.contains("already exists"), "{err}");
}

#[test]
fn corrupt_config_is_reported_with_line_and_left_untouched() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.config_dir()).unwrap();
    let file = env.config_dir().join("accounts.toml");
    let broken = "schema_version = 1\n[[accounts]]\nname = \"Acme\nprovider = \"assuresign\"\n";
    std::fs::write(&file, broken).unwrap();
    for args in [vec!["accounts", "list"], vec!["launch", "Acme"]] {
        let err = assert_exit(&env.run(&args), 3);
        assert!(
            err.contains("accounts.toml") && err.contains("line 3"),
            "{err}"
        );
    }
    assert_exit(&env.add_minimal("New", &["environment=sb"]), 3);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), broken);

    std::fs::write(&file, "schema_version = 99\n").unwrap();
    let err = assert_exit(&env.run(&["accounts", "list"]), 3);
    assert!(err.contains("schema version 99"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "schema_version = 99\n"
    );

    let settings = env.config_dir().join("settings.toml");
    std::fs::write(&settings, "schema_version = 1\nbrowser = \"x\"\n").unwrap();
    let err = assert_exit(&env.run(&["accounts", "list"]), 3);
    assert!(
        err.contains("settings.toml") && err.contains("browser"),
        "{err}"
    );
}

#[test]
fn export_and_import_round_trip_without_secrets() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &["envelope_id=e1"]);
    assert_ok(&env.run(&[
        "accounts",
        "edit",
        "Acme",
        "--tag",
        "vip",
        "--notes",
        "call first",
    ]));
    let export = env.dir.path().join("export.json");
    assert_ok(&env.run(&["accounts", "export", export.to_str().unwrap()]));
    let text = std::fs::read_to_string(&export).unwrap();
    assert!(!text.contains(fx::API_KEY));
    assert!(
        text.contains("\"format\": \"sso-launcher-accounts\""),
        "{text}"
    );

    let other = TestEnv::new();
    let output = other.run(&["--json", "accounts", "import", export.to_str().unwrap()]);
    assert_ok(&output);
    let shown = stdout(&other.run(&["accounts", "show", "Acme"]));
    assert!(
        shown.contains("envelope_id = e1") && shown.contains("vip") && shown.contains("call first"),
        "{shown}"
    );
    // The id is kept, so a launch link in a shared wiki opens the same account everywhere.
    let id = |env: &TestEnv| {
        let shown: serde_json::Value =
            serde_json::from_str(&stdout(&env.run(&["--json", "accounts", "show", "Acme"])))
                .unwrap();
        shown["id"].as_str().unwrap().to_string()
    };
    assert_eq!(id(&other), id(&env));
    assert!(
        text.contains(&format!("\"id\": \"{}\"", id(&env))),
        "{text}"
    );
    // Importing again meets the same id: refused with a clear message, nothing changes.
    let before = std::fs::read(other.config_dir().join("accounts.toml")).unwrap();
    assert_ok(&other.run(&["accounts", "edit", "Acme", "--rename", "Acme (renamed)"]));
    let renamed = std::fs::read(other.config_dir().join("accounts.toml")).unwrap();
    let err = assert_exit(
        &other.run(&["accounts", "import", export.to_str().unwrap()]),
        3,
    );
    assert!(
        err.contains("the same account as 'Acme (renamed)' here")
            && err.contains("nothing was imported"),
        "{err}"
    );
    assert_ne!(before, renamed);
    assert_eq!(
        std::fs::read(other.config_dir().join("accounts.toml")).unwrap(),
        renamed
    );
    // An export from an older release (no ids) still imports, with new ids.
    let old = text.replace(&format!("\"id\": \"{}\",", id(&env)), "");
    assert!(!old.contains(&id(&env)));
    let third = TestEnv::new();
    let file = third.dir.path().join("old.json");
    std::fs::write(&file, old).unwrap();
    assert_ok(&third.run(&["accounts", "import", file.to_str().unwrap()]));
    assert_ne!(id(&third), id(&env));
}

#[test]
fn bad_import_files_change_nothing() {
    let env = TestEnv::new();
    env.add_assuresign("Keep", &[]);
    let before = std::fs::read(env.config_dir().join("accounts.toml")).unwrap();
    let good_account = r#"{"name":"New","provider":"assuresign","settings":{"environment":"sb","api_username":"u","context_username":"a@b.example"}}"#;
    let cases = [
        ("not json".to_string(), "not a valid"),
        (r#"{"format":"other","version":1,"accounts":[]}"#.to_string(), "format"),
        (r#"{"format":"sso-launcher-accounts","version":9,"accounts":[]}"#.to_string(), "version 9"),
        (format!(r#"{{"format":"sso-launcher-accounts","version":1,"accounts":[{good_account},{good_account}]}}"#), "twice"),
        (r#"{"format":"sso-launcher-accounts","version":1,"accounts":[{"name":"S","provider":"assuresign","settings":{"environment":"sb","api_username":"u","context_username":"a@b.example","api_key":"x"}}]}"#.to_string(), "secret"),
        (r#"{"format":"sso-launcher-accounts","version":1,"accounts":[{"name":"P","provider":"nope"}]}"#.to_string(), "not a valid"),
        (format!(r#"{{"format":"sso-launcher-accounts","version":1,"accounts":[{good_account},{{"name":"Bad","provider":"assuresign","settings":{{"environment":"mars"}}}}]}}"#), "account 2"),
        (r#"{"format":"sso-launcher-accounts","version":1,"accounts":[{"id":"5f0e8a8e-4a51-4bb6-9b0e-2d43d7a1c001","name":"A","provider":"sovos","settings":{"client_id":"c"}},{"id":"5f0e8a8e-4a51-4bb6-9b0e-2d43d7a1c001","name":"B","provider":"sovos","settings":{"client_id":"c"}}]}"#.to_string(), "another account in the file has too"),
        (r#"{"format":"sso-launcher-accounts","version":1,"accounts":[{"id":"not-an-id","name":"A","provider":"sovos"}]}"#.to_string(), "not a valid"),
    ];
    for (index, (content, expected)) in cases.iter().enumerate() {
        let file = env.dir.path().join(format!("bad-{index}.json"));
        std::fs::write(&file, content).unwrap();
        let err = assert_exit(&env.run(&["accounts", "import", file.to_str().unwrap()]), 3);
        assert!(err.contains(expected), "case {index}: {err}");
        assert_eq!(
            std::fs::read(env.config_dir().join("accounts.toml")).unwrap(),
            before,
            "case {index}"
        );
    }
}

#[test]
fn doctor_reports_the_real_keyring_and_paths() {
    let env = TestEnv::new();
    let output = env.run(&["--json", "doctor"]);
    assert_ok(&output);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["vault"]["backend"], "keyring");
    assert_eq!(report["vault"]["healthy"], true);
    assert_eq!(report["config_dir"], env.config_dir().to_str().unwrap());

    // Without a session bus the keyring is unreachable: exit 4 with a way out.
    env.add_assuresign("Acme", &[]);
    let output = env
        .cli()
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .args(["doctor"])
        .output()
        .unwrap();
    let err = assert_exit(&output, 4);
    assert!(err.contains("--vault file"), "{err}");
    let output = env
        .cli()
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .args(["logout", "Acme"])
        .output()
        .unwrap();
    assert_exit(&output, 4);
}

#[test]
fn help_lists_exit_codes_and_completions_print() {
    let env = TestEnv::new();
    let help = stdout(&env.run(&["--help"]));
    assert!(
        help.contains("Exit codes:") && help.contains("9  account not found"),
        "{help}"
    );
    let completions = env.run(&["completions", "bash"]);
    assert_ok(&completions);
    assert!(stdout(&completions).contains("sso-launcher"));
    let err = assert_exit(&env.run(&["--json", "launch"]), 2);
    assert!(err.contains("\"code\":\"usage\""), "{err}");
}
