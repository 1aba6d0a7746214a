//! Credential sets: one API user's secrets stored once and used by many accounts; an edit of
//! the set reaches them all, removing a set in use is refused with the list, and files name
//! sets, never their secrets.

use serde_json::Value;
use sso_launcher::sandbox::fixtures::assuresign as fx;

use crate::support::*;

fn add_set(env: &TestEnv, name: &str, api_key: &str) -> std::process::Output {
    env.add_assuresign_set(name, api_key)
}

/// An AssureSign account on the sandbox for `context`, with no secret of its own.
fn add_account_using(env: &TestEnv, name: &str, set: &str, context: &str) -> std::process::Output {
    env.add_assuresign_using(name, set, context, &env.origin())
}

fn launch(env: &TestEnv, name: &str) -> std::process::Output {
    env.run(&["launch", name, "--print-url"])
}

#[test]
fn one_api_user_serves_many_accounts_and_an_edit_of_the_set_reaches_them_all() {
    let env = TestEnv::new();
    assert_ok(&add_set(&env, "acme-api", fx::API_KEY));
    assert_ok(&add_account_using(
        &env,
        "Acme EU",
        "acme-api",
        fx::CONTEXT_USERS[0],
    ));
    assert_ok(&add_account_using(
        &env,
        "Acme US",
        "ACME-API",
        fx::CONTEXT_USERS[1],
    ));

    // Each signs in as its own context user, through the one API user.
    let before = env.count("assuresign.api_user");
    assert_ok(&launch(&env, "Acme EU"));
    assert_ok(&launch(&env, "Acme US"));
    assert_eq!(
        env.count("assuresign.api_user"),
        before + 2,
        "tokens stay per account"
    );

    let list: Value =
        serde_json::from_str(&stdout(&env.run(&["--json", "credentials", "list"]))).unwrap();
    assert_eq!(list[0]["name"], "acme-api");
    assert_eq!(
        list[0]["used_by"],
        serde_json::json!(["Acme EU", "Acme US"])
    );
    assert_eq!(list[0]["secrets"]["api_key"], true);
    assert_eq!(list[0]["settings"]["api_username"], fx::API_USERNAME);

    // A wrong key in the set: both accounts drop their sessions and fail with it.
    assert_ok(&env.run_with_stdin(
        &["credentials", "edit", "acme-api", "--secrets-from-stdin"],
        "api_key=not-the-key\n",
    ));
    for name in ["Acme EU", "Acme US"] {
        let output = launch(&env, name);
        assert_ne!(
            output.status.code(),
            Some(0),
            "{name} used the set's new key"
        );
    }
    assert_ok(&env.run_with_stdin(
        &["credentials", "edit", "acme-api", "--secrets-from-stdin"],
        &format!("api_key={}\n", fx::API_KEY),
    ));
    assert_ok(&launch(&env, "Acme US"));

    // The files name the set; the key is only in the keyring.
    for file in ["accounts.toml", "credentials.toml"] {
        let text = std::fs::read_to_string(env.config_dir().join(file)).unwrap();
        assert!(!text.contains(fx::API_KEY), "{file}: {text}");
    }
    let accounts = std::fs::read_to_string(env.config_dir().join("accounts.toml")).unwrap();
    assert!(accounts.contains("credential = \"acme-api\""), "{accounts}");
    assert!(accounts.contains("schema_version = 2"), "{accounts}");
}

#[test]
fn a_set_in_use_is_not_removed_and_an_account_goes_back_to_its_own_secrets() {
    let env = TestEnv::new();
    assert_ok(&add_set(&env, "acme-api", fx::API_KEY));
    assert_ok(&add_account_using(
        &env,
        "Acme",
        "acme-api",
        fx::CONTEXT_USERS[0],
    ));
    assert_ok(&add_account_using(
        &env,
        "Globex",
        "acme-api",
        fx::CONTEXT_USERS[1],
    ));

    let refused = env.run(&["credentials", "remove", "acme-api"]);
    let message = assert_exit(&refused, 2);
    assert!(
        message.contains("Acme") && message.contains("Globex"),
        "{message}"
    );
    assert_ok(&launch(&env, "Acme"));

    // Back to its own secrets: without its own API user the account is refused as it stands.
    let bare = env.run(&["accounts", "edit", "Globex", "--no-credential"]);
    let message = assert_exit(&bare, 3);
    assert!(message.contains("api_username"), "{message}");
    assert_ok(&env.run_with_stdin(
        &[
            "accounts",
            "edit",
            "Globex",
            "--no-credential",
            "--set",
            &format!("api_username={}", fx::API_USERNAME),
            "--secrets-from-stdin",
        ],
        &format!("api_key={}\n", fx::API_KEY),
    ));
    assert_ok(&launch(&env, "Globex"));
    assert_ok(&env.run(&["accounts", "remove", "Acme", "--yes"]));
    assert_ok(&env.run(&["credentials", "remove", "acme-api"]));
    let list = stdout(&env.run(&["credentials", "list"]));
    assert!(list.contains("No credential sets yet"), "{list}");
}

#[test]
fn a_set_must_exist_fit_the_provider_and_hold_only_what_it_shares() {
    let env = TestEnv::new();
    let unknown = add_account_using(&env, "Acme", "nonesuch", fx::CONTEXT_USERS[0]);
    let message = assert_exit(&unknown, 9);
    assert!(
        message.contains("no credential set named 'nonesuch'"),
        "{message}"
    );
    assert!(message.contains("credentials list"), "{message}");

    let not_shared = env.run_with_stdin(
        &[
            "credentials",
            "add",
            "x",
            "--provider",
            "assuresign",
            "--set",
            "context_username=jo@example.com",
            "--secrets-from-stdin",
        ],
        "api_key=k\n",
    );
    let message = assert_exit(&not_shared, 2);
    assert!(message.contains("'context_username'"), "{message}");

    assert_ok(&add_set(&env, "acme-api", fx::API_KEY));
    let taken = add_set(&env, "ACME-API", fx::API_KEY);
    assert!(assert_exit(&taken, 2).contains("already exists"));
    let other_provider = env.run(&[
        "accounts",
        "add",
        "Sign",
        "--provider",
        "signnow",
        "--credential",
        "acme-api",
        "--set",
        "username=a@b.example",
    ]);
    let message = assert_exit(&other_provider, 2);
    assert!(message.contains("is for AssureSign"), "{message}");
}

#[test]
fn lists_name_sets_on_export_and_csv_rows_may_use_them() {
    let env = TestEnv::new();
    assert_ok(&add_set(&env, "acme-api", fx::API_KEY));
    let origin = env.origin();
    let csv = env.dir.path().join("onboarding.csv");
    std::fs::write(
        &csv,
        format!(
            "name,provider,credential,set.auth_base_url,set.api_base_url,set.context_username\n\
             Acme,assuresign,acme-api,{origin},{origin},{}\n\
             Globex,assuresign,nonesuch,{origin},{origin},{}\n",
            fx::CONTEXT_USERS[0],
            fx::CONTEXT_USERS[1]
        ),
    )
    .unwrap();
    let refused = env.run(&["accounts", "import", csv.to_str().unwrap()]);
    let message = assert_exit(&refused, 3);
    assert!(
        message.contains("line 3") && message.contains("no credential set named 'nonesuch'"),
        "{message}"
    );
    let partial = env.run(&[
        "accounts",
        "import",
        csv.to_str().unwrap(),
        "--skip-invalid",
    ]);
    assert_exit(&partial, 3);
    assert_ok(&launch(&env, "Acme"));

    let export: Value = serde_json::from_str(&stdout(&env.run(&["accounts", "export"]))).unwrap();
    assert_eq!(export["version"], 2);
    assert_eq!(export["accounts"][0]["credential"], "acme-api");
    assert!(!export.to_string().contains(fx::API_KEY));
}

/// The editor offers the saved sets: choosing one hides what the set gives (the API user and
/// its key), the account saves naming the set, and it launches with the set's secrets.
#[test]
fn the_editor_offers_a_set_instead_of_its_own_secrets() {
    use std::sync::Arc;

    use sso_launcher::core::store::vault::KeyringVault;
    use sso_launcher::gui::engine_factory;

    use crate::gui_support::*;

    let env = TestEnv::new();
    assert_ok(&add_set(&env, "acme-api", fx::API_KEY));
    let mut harness = window(engine_factory(gui_options(
        &env,
        Arc::new(KeyringVault::new()),
    )));
    wait_for(&mut harness, "the sets", |app| {
        !app.state.credential_sets.is_empty()
    });
    click(&mut harness, "New account");
    assert!(shows(&harness, "API key *"), "own secrets at first");
    click(&mut harness, "Secrets from");
    click(&mut harness, "Set: acme-api");
    assert!(!shows(&harness, "API key *"), "the set gives the key");
    assert!(!shows(&harness, "API user name *"), "and the API user");
    type_into(&mut harness, "Name *", "Acme");
    type_into(&mut harness, "Act as (e-mail) *", fx::CONTEXT_USERS[1]);
    click(&mut harness, "Environment");
    click(&mut harness, "US East (na1)");
    save(&mut harness, "Acme");
    let file = std::fs::read_to_string(env.config_dir().join("accounts.toml")).unwrap();
    assert!(file.contains("credential = \"acme-api\""), "{file}");
    assert!(!file.contains("api_username"), "{file}");
    let shown = stdout(&env.run(&["accounts", "show", "Acme"]));
    assert!(shown.contains("api_key: set"), "{shown}");
}
