//! AGS through the CLI against the strict sandbox: session-token and parameter sign-ons, the
//! kept client id, the 300 account choice, platform 403s, sign-out and error answers.

use base64::Engine as _;
use serde_json::{Value, json};

use crate::support::*;
use sso_launcher::sandbox::ags::{
    ACCOUNTS_ENDPOINT, DISCOVERY, ERRORS_ENDPOINT, REFRESH, SIGN_ON, SIGN_ON_SESSION, SIGN_OUT,
    SUBSEQUENT,
};
use sso_launcher::sandbox::fixtures::ags as fx;

/// Adds an AGS account on the sandbox; `sets` adds or overrides settings.
pub fn add_ags(env: &TestEnv, name: &str, sets: &[&str], secrets: &str) -> std::process::Output {
    let base = format!("base_url={}", env.sandbox.sandbox().ags_origin());
    let tenant = format!("tenant_id={}", fx::TENANT);
    let service = format!("auth_service_id={}", fx::SERVICE_ID);
    let mut args = vec!["accounts", "add", name, "--provider", "ags"];
    let overridden = |pair: &&str| {
        let key = pair.split('=').next().unwrap();
        sets.iter().any(|set| set.starts_with(&format!("{key}=")))
    };
    let defaults = [base.as_str(), tenant.as_str(), service.as_str()];
    for pair in defaults.iter().filter(|pair| !overridden(pair)).chain(sets) {
        args.extend(["--set", *pair]);
    }
    args.push("--secrets-from-stdin");
    env.run_with_stdin(&args, secrets)
}

fn session_token_account(env: &TestEnv, name: &str) {
    assert_ok(&add_ags(
        env,
        name,
        &[],
        &format!("session_token={}\n", fx::SESSION_TOKEN),
    ));
}

fn password_account(env: &TestEnv, name: &str, user: &str, extra: &[&str]) {
    let user = format!("param.Username={user}");
    let mut sets = vec!["sign_on=password", user.as_str()];
    sets.extend(extra);
    assert_ok(&add_ags(
        env,
        name,
        &sets,
        &format!("password={}\n", fx::PASSWORD),
    ));
}

fn token_json(env: &TestEnv, args: &[&str]) -> Value {
    let output = env.run(args);
    assert_ok(&output);
    serde_json::from_str(&stdout(&output)).unwrap()
}

/// A claim of the JWT-shaped access token.
fn claim(token: &Value, name: &str) -> String {
    let payload = token["access_token"]
        .as_str()
        .unwrap()
        .split('.')
        .nth(1)
        .unwrap();
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    claims[name].as_str().unwrap().to_string()
}

/// What the app remembered for the account (client id, chosen account).
fn remembered(env: &TestEnv, name: &str) -> Value {
    let shown: Value =
        serde_json::from_str(&stdout(&env.run(&["--json", "accounts", "show", name]))).unwrap();
    let path = env
        .data_dir()
        .join("remembered")
        .join(format!("{}.json", shown["id"].as_str().unwrap()));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn session_token_sign_on_keeps_the_client_id_and_signs_out() {
    let env = TestEnv::new();
    session_token_account(&env, "Gateway");
    let first = token_json(&env, &["--json", "token", "Gateway"]);
    assert_eq!(first["token_type"], "bearer");
    assert_eq!(first["refresh_token_held"], true);
    let client_id = remembered(&env, "Gateway")["client_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(claim(&first, "deviceId"), client_id);

    let again = token_json(&env, &["--json", "token", "Gateway"]);
    assert_eq!(again["source"], "vault");
    assert_eq!(env.count(SIGN_ON_SESSION), 1);

    let output = env.run(&["--json", "logout", "Gateway"]);
    assert_ok(&output);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["signed_out_at_provider"], true, "{report}");
    assert_eq!(env.count(SIGN_OUT), 1);
    assert!(!env.session_stored("Gateway"));

    // The next sign-on presents the kept client id: the same device, not a new one.
    let after = token_json(&env, &["--json", "token", "Gateway"]);
    assert_eq!(claim(&after, "deviceId"), client_id);
    assert_eq!(env.count(SIGN_ON_SESSION), 2);
}

#[test]
fn a_deleted_device_is_registered_again_once() {
    let env = TestEnv::new();
    session_token_account(&env, "Gateway");
    assert_ok(&env.run(&["token", "Gateway"]));
    let old = remembered(&env, "Gateway")["client_id"].clone();
    assert_ok(&env.run(&["logout", "Gateway"]));
    env.control("POST", "ags/delete_devices", None);
    let token = token_json(&env, &["--json", "token", "Gateway"]);
    let new = remembered(&env, "Gateway")["client_id"].clone();
    assert_ne!(old, new);
    assert_eq!(claim(&token, "deviceId"), new.as_str().unwrap());
    assert_eq!(
        env.count(SIGN_ON_SESSION),
        3,
        "first, refused (20003), registered again"
    );
}

#[test]
fn password_sign_on_follows_discovery_and_checks_parameters_first() {
    let env = TestEnv::new();
    password_account(&env, "Operator", fx::USERNAME, &["param.Region=EU"]);
    let token = token_json(&env, &["--json", "token", "Operator"]);
    assert_eq!(claim(&token, "accountId"), fx::ACCOUNTS[0].0);
    assert_eq!((env.count(DISCOVERY), env.count(SIGN_ON)), (1, 1));

    password_account(&env, "Typo", fx::USERNAME, &["param.Regoin=EU"]);
    let err = assert_exit(&env.run(&["token", "Typo"]), 3);
    assert!(err.contains("no sign-on parameter 'Regoin'"), "{err}");
    assert!(err.contains("Username, Password, Region"), "{err}");
    assert_ok(&add_ags(
        &env,
        "No user",
        &["sign_on=password"],
        &format!("password={}\n", fx::PASSWORD),
    ));
    let err = assert_exit(&env.run(&["token", "No user"]), 3);
    assert!(err.contains("param.Username=VALUE"), "{err}");
    assert_eq!(env.count(SIGN_ON), 1, "nothing sent for either mistake");

    assert_ok(&add_ags(
        &env,
        "Wrong",
        &["sign_on=password", "param.Username=operator@example.com"],
        "password=nope\n",
    ));
    let err = assert_exit(&env.run(&["token", "Wrong"]), 5);
    assert!(err.contains("credentials were not accepted"), "{err}");
    assert!(err.contains("correlation id"), "{err}");
}

#[test]
fn several_matching_accounts_are_chosen_by_pick_or_listed() {
    let env = TestEnv::new();
    password_account(&env, "Family", fx::HOUSEHOLD_USERNAME, &[]);
    let err = assert_exit(&env.run(&["token", "Family"]), 2);
    assert!(
        err.contains("1. Home (1663)") && err.contains("2. Office (1664)"),
        "{err}"
    );
    assert!(err.contains("--pick"), "{err}");
    assert!(!env.session_stored("Family"));

    let token = token_json(&env, &["--json", "--pick", "office", "token", "Family"]);
    assert_eq!(claim(&token, "accountId"), "1664");
    assert_eq!(env.count(SUBSEQUENT), 1);
    assert_eq!(
        remembered(&env, "Family")["account_choice"],
        "Office (1664)"
    );

    // The choice is remembered for the next sign-on; --pick overrides it.
    assert_ok(&env.run(&["logout", "Family"]));
    let token = token_json(&env, &["--json", "token", "Family"]);
    assert_eq!(claim(&token, "accountId"), "1664");
    assert_ok(&env.run(&["logout", "Family"]));
    let token = token_json(&env, &["--json", "--pick", "1", "token", "Family"]);
    assert_eq!(claim(&token, "accountId"), "1663");

    // accountInformation as a plain string is shown as it is.
    env.control(
        "POST",
        "variants",
        Some(json!({"endpoint": ACCOUNTS_ENDPOINT, "variant": "string"})),
    );
    assert_ok(&env.run(&["logout", "Family"]));
    let token = token_json(
        &env,
        &["--json", "--pick", "Office (1664)", "token", "Family"],
    );
    assert_eq!(claim(&token, "accountId"), "1664");
}

#[test]
fn platform_codes_become_plain_messages_in_every_body_shape() {
    let env = TestEnv::new();
    session_token_account(&env, "Gateway");
    let cases = [
        (20001, "cancelled"),
        (20002, "suspended"),
        (20004, "device is disabled"),
        (20007, "too many devices"),
        (20018, "VPN or proxy"),
        (20019, "geo-blocked"),
        (20020, "could not check the token"),
        (20021, "VPN or proxy"),
        (20022, "geo-blocked"),
    ];
    for (index, (code, words)) in cases.iter().enumerate() {
        let shape = ["json", "nested", "text"][index % 3];
        env.control(
            "POST",
            "variants",
            Some(json!({"endpoint": ERRORS_ENDPOINT, "variant": shape})),
        );
        env.control("POST", "ags/platform_error", Some(json!({"code": code})));
        let output = env.run(&["--json", "token", "Gateway"]);
        let err = assert_exit(&output, 5);
        assert!(err.contains(words), "{code} ({shape}): {err}");
        assert!(err.contains("correlation id"), "{err}");
        let reported: Value = serde_json::from_str(&err).unwrap();
        assert!(!reported["error"]["hint"].as_str().unwrap().is_empty());
    }
    assert!(!env.session_stored("Gateway"));
}

#[test]
fn wrong_settings_and_broken_answers_end_clearly() {
    let env = TestEnv::new();
    assert_ok(&add_ags(&env, "Bad token", &[], "session_token=wrong\n"));
    let err = assert_exit(&env.run(&["token", "Bad token"]), 5);
    assert!(err.contains("HTTP 401"), "{err}");

    assert_ok(&add_ags(
        &env,
        "Bad service",
        &["auth_service_id=nope"],
        &format!("session_token={}\n", fx::SESSION_TOKEN),
    ));
    let err = assert_exit(&env.run(&["token", "Bad service"]), 5);
    assert!(
        err.contains("not found") && err.contains("discover"),
        "{err}"
    );

    session_token_account(&env, "Gateway");
    env.fault(SIGN_ON_SESSION, "html_body", 1, 0);
    assert_exit(&env.run(&["token", "Gateway"]), 6);
    env.fault(SIGN_ON_SESSION, "malformed_json", 1, 0);
    let err = assert_exit(&env.run(&["token", "Gateway"]), 7);
    assert!(err.contains("cannot read"), "{err}");
    assert_ok(&env.run(&["token", "Gateway"]));

    let err = assert_exit(
        &env.run(&[
            "accounts",
            "add",
            "X",
            "--provider",
            "ags",
            "--set",
            "base_url=https://gw.example.com",
        ]),
        3,
    );
    assert!(err.contains("auth_service_id is required"), "{err}");
    let err = assert_exit(
        &env.run(&[
            "accounts",
            "add",
            "Y",
            "--provider",
            "ags",
            "--set",
            "param.=x",
        ]),
        2,
    );
    assert!(err.contains("no setting 'param.'"), "{err}");
}

#[test]
fn discovery_lists_services_before_and_after_an_account_exists() {
    let env = TestEnv::new();
    let origin = env.sandbox.sandbox().ags_origin().to_string();
    let output = env.run(&[
        "--json",
        "discover",
        "--base-url",
        &origin,
        "--tenant-id",
        fx::TENANT,
    ]);
    assert_ok(&output);
    let found: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let service = &found["services"][0];
    assert_eq!(service["id"], fx::SERVICE_ID);
    let sign_on = &service["endpoints"][0];
    assert_eq!(sign_on["path"], "/signOn");
    assert_eq!(
        sign_on["parameters"][1],
        json!({"name": "Password", "mandatory": true, "is_password": true})
    );

    session_token_account(&env, "Gateway");
    let text = stdout(&env.run(&["discover", "Gateway"]));
    assert!(
        text.contains("Username (mandatory), Password (mandatory, secret), Region"),
        "{text}"
    );
    let err = assert_exit(&env.run(&["discover", "--base-url", &origin]), 5);
    assert!(
        err.contains("servicediscovery: HTTP 400"),
        "no tenant: {err}"
    );
    assert_eq!(env.count(REFRESH), 0);
}
