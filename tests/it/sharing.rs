//! Sharing account lists without secrets: exports chosen by tag or search, as JSON or TOML;
//! imports that say what they would do, and what to do with accounts here already.

use serde_json::Value;

use crate::support::*;

fn json(output: &std::process::Output) -> Value {
    assert_ok(output);
    serde_json::from_str(&stdout(output)).unwrap()
}

fn names(list: &Value) -> Vec<String> {
    let mut names: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|account| account["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn exports_choose_by_tag_or_search_and_write_toml_or_json() {
    let env = TestEnv::new();
    env.add_assuresign("Acme EU", &[]);
    env.add_assuresign("Acme US", &[]);
    env.add_assuresign("Globex", &[]);
    assert_ok(&env.run(&["accounts", "edit", "Acme EU", "--tag", "eu"]));

    let by_tag = json(&env.run(&["accounts", "export", "--tag", "EU"]));
    assert_eq!(names(&by_tag["accounts"]), ["Acme EU"]);
    let by_search = json(&env.run(&["accounts", "export", "--search", "acme"]));
    assert_eq!(names(&by_search["accounts"]), ["Acme EU", "Acme US"]);

    let file = env.dir.path().join("team.toml");
    assert_ok(&env.run(&["accounts", "export", file.to_str().unwrap()]));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("format = \"sso-launcher-accounts\"") && text.contains("[[accounts]]"),
        "{text}"
    );
    assert!(
        !text.contains("api_key")
            && !text.contains(sso_launcher::sandbox::fixtures::assuresign::API_KEY)
    );
    let forced = json(&env.run(&["accounts", "export", "--format", "json", "--tag", "eu"]));
    assert_eq!(forced["format"], "sso-launcher-accounts");

    // The TOML file imports elsewhere, ids kept.
    let other = TestEnv::new();
    assert_ok(&other.run(&["accounts", "import", file.to_str().unwrap()]));
    let here = json(&env.run(&["--json", "accounts", "list"]));
    let there = json(&other.run(&["--json", "accounts", "list"]));
    assert_eq!(names(&there), names(&here));
    let ids = |list: &Value| {
        let mut ids: Vec<String> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap().into())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&there), ids(&here));
}

#[test]
fn an_import_says_what_it_would_do_and_handles_accounts_here_already() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    env.add_assuresign("Globex", &[]);
    assert_ok(&env.run(&["accounts", "edit", "Acme", "--notes", "from the team list"]));
    let file = env.dir.path().join("team.json");
    assert_ok(&env.run(&["accounts", "export", file.to_str().unwrap()]));

    // Here: Acme with the same id (older notes), a different "globex", and nothing else.
    let other = TestEnv::new();
    other.add_assuresign("GLOBEX", &[]);
    let exported: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let acme = exported["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "Acme")
        .unwrap()
        .clone();
    let mut older = exported.clone();
    older["accounts"] = Value::Array(vec![{
        let mut acme = acme.clone();
        acme["notes"] = "old notes".into();
        acme
    }]);
    let older_file = other.dir.path().join("older.json");
    std::fs::write(&older_file, older.to_string()).unwrap();
    assert_ok(&other.run(&["accounts", "import", older_file.to_str().unwrap()]));
    let accounts_file = other.config_dir().join("accounts.toml");
    let before = std::fs::read_to_string(&accounts_file).unwrap();
    let path = file.to_str().unwrap();

    // GLOBEX holds a session here: a dry run keeps it, a replace drops it (below).
    assert_ok(&other.run(&["token", "GLOBEX"]));
    assert!(other.session_stored("GLOBEX"));

    // refuse (the default): nothing changes, both conflicts named.
    let err = assert_exit(&other.run(&["accounts", "import", path]), 3);
    assert!(
        err.contains("'Acme' (the same account)")
            && err.contains("'GLOBEX' (another account has this name)"),
        "{err}"
    );
    // --dry-run: what would happen, nothing changes.
    let dry = json(&other.run(&[
        "--json",
        "accounts",
        "import",
        path,
        "--dry-run",
        "--on-conflict",
        "replace",
    ]));
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["replaced"].as_array().unwrap().len(), 2, "{dry}");
    let words = stdout(&other.run(&[
        "accounts",
        "import",
        path,
        "--dry-run",
        "--on-conflict",
        "skip",
    ]));
    assert!(
        words.contains("Would skip 2") && words.contains("nothing was changed"),
        "{words}"
    );
    assert_eq!(std::fs::read_to_string(&accounts_file).unwrap(), before);
    assert!(other.session_stored("GLOBEX"), "a dry run drops nothing");

    // skip: nothing here changes.
    let skipped = json(&other.run(&[
        "--json",
        "accounts",
        "import",
        path,
        "--on-conflict",
        "skip",
    ]));
    assert_eq!(skipped["skipped"].as_array().unwrap().len(), 2);
    assert_eq!(std::fs::read_to_string(&accounts_file).unwrap(), before);

    // rename: beside the ones here, under free names and (same id) a new id.
    let renamed = json(&other.run(&[
        "--json",
        "accounts",
        "import",
        path,
        "--on-conflict",
        "rename",
    ]));
    let renamed_names: Vec<&str> = renamed["renamed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["account"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(renamed_names, ["Acme (2)", "Globex (2)"]);
    assert_ne!(renamed["renamed"][0]["account"]["id"], acme["id"]);

    // replace: the file's version, with the id (and so the secrets) kept here.
    assert_ok(&other.run(&["accounts", "remove", "Acme (2)", "--yes"]));
    assert_ok(&other.run(&["accounts", "remove", "Globex (2)", "--yes"]));
    let globex_id = json(&other.run(&["--json", "accounts", "show", "GLOBEX"]))["id"].clone();
    let replaced = json(&other.run(&[
        "--json",
        "accounts",
        "import",
        path,
        "--on-conflict",
        "replace",
    ]));
    assert_eq!(replaced["replaced"].as_array().unwrap().len(), 2);
    let acme_now = json(&other.run(&["--json", "accounts", "show", "Acme"]));
    assert_eq!(acme_now["notes"], "from the team list");
    let globex_now = json(&other.run(&["--json", "accounts", "show", "Globex"]));
    assert_eq!(globex_now["id"], globex_id, "the id here is kept");
    assert!(
        !other.session_stored("Globex"),
        "its cached session is dropped"
    );
    let launched = other.run(&["launch", "Globex", "--print-url"]);
    assert_ok(&launched);
}

/// `accounts list --search` finds as the window does: every word must match, best first.
#[test]
fn the_list_searches_as_the_window_does() {
    let env = TestEnv::new();
    for name in ["Acme EU", "Acme US", "Globex EU"] {
        env.add_assuresign(name, &[]);
    }
    assert_ok(&env.run(&["accounts", "edit", "Acme EU", "--stage", "production"]));
    // Best first: the whole words before letters scattered through a name ("Acme US").
    let found = json(&env.run(&["--json", "accounts", "list", "--search", "acme eu"]));
    assert_eq!(found[0]["name"], "Acme EU", "{found}");
    assert!(
        !names(&found).contains(&"Globex EU".to_string()),
        "every word must match"
    );
    let found = json(&env.run(&["--json", "accounts", "list", "--search", "eu"]));
    let order: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        ["Acme EU", "Globex EU", "Acme US"],
        "a whole word first, then letters in order"
    );
    let found = json(&env.run(&["--json", "accounts", "list", "--search", "prod"]));
    assert_eq!(names(&found), ["Acme EU"], "the stage is searched");
    let none = env.run(&["accounts", "list", "--search", "initech"]);
    assert_eq!(stdout(&none).trim(), "No account matches.");
}

/// An onboarding CSV: every bad row named with its line and why; by default a bad row
/// imports nothing, `--skip-invalid` imports the good rows and exits 3.
#[test]
fn a_csv_list_is_checked_row_by_row() {
    let env = TestEnv::new();
    env.add_assuresign("Here already", &[]);
    let origin = env.origin();
    let csv = format!(
        "name,provider,tags,notes,stage,credential,set.environment,set.api_username,set.context_username,set.auth_base_url,set.api_base_url,set.base_url\n\
         Acme,assuresign,eu;gold,\"first, with a comma\",production,,sb,u,a@b.example,{origin},{origin},\n\
         Broken,nonesuch,,,,,,,,,,\n\
         NoUser,assuresign,,,,,sb,,a@b.example,,,\n\
         Acme,assuresign,,,,,sb,u,c@d.example,,,\n\
         Shared,assuresign,,,,acme-api,sb,u,a@b.example,,,\n\
         Gateway,ags,,,,,,,,,,not a url\n\
         Second,assuresign,,,staging,,sb,u,e@f.example,,,\n"
    );
    let file = env.dir.path().join("onboarding.csv");
    std::fs::write(&file, csv).unwrap();
    let path = file.to_str().unwrap();
    let before = std::fs::read_to_string(env.config_dir().join("accounts.toml")).unwrap();

    let err = assert_exit(&env.run(&["accounts", "import", path]), 3);
    for expected in [
        "5 row(s) of the file cannot be imported",
        "line 3: unknown provider 'nonesuch'",
        "line 4:",
        "line 5: 'Acme' is named twice",
        "line 6: there is no credential set named",
        "line 7:",
        "--skip-invalid",
    ] {
        assert!(err.contains(expected), "{expected}: {err}");
    }
    assert_eq!(
        std::fs::read_to_string(env.config_dir().join("accounts.toml")).unwrap(),
        before
    );

    let output = env.run(&["--json", "accounts", "import", path, "--skip-invalid"]);
    let err = assert_exit(&output, 3);
    assert!(err.contains("5 row(s) were skipped"), "{err}");
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["bad_rows"].as_array().unwrap().len(), 5);
    let acme = json(&env.run(&["--json", "accounts", "show", "Acme"]));
    assert_eq!(acme["tags"], serde_json::json!(["eu", "gold"]));
    assert_eq!(acme["notes"], "first, with a comma");
    assert_eq!(acme["stage"], "production");
    assert_eq!(
        json(&env.run(&["--json", "accounts", "show", "Second"]))["stage"],
        "staging"
    );

    // A header it does not know: nothing read, said plainly.
    std::fs::write(&file, "name,provider,colour\nX,ags,red\n").unwrap();
    let err = assert_exit(&env.run(&["accounts", "import", path]), 3);
    assert!(err.contains("column 'colour'"), "{err}");
}
