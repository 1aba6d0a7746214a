//! signNow through the CLI (and once in process) against the strict sandbox.

use std::sync::Arc;
use std::time::Duration;

use crate::support::*;
use serde_json::{Value, json};
use sso_launcher::core::account::Account;
use sso_launcher::core::clock::ManualClock;
use sso_launcher::core::engine::{Engine, EngineOptions};
use sso_launcher::core::paths::AppPaths;
use sso_launcher::core::secret::SecretString;
use sso_launcher::core::store::vault::MemoryVault;
use sso_launcher::core::tokens::TokenSource;
use sso_launcher::sandbox::fixtures::signnow as fx;
use sso_launcher::sandbox::signnow::{AUTHORIZE, ERRORS_ENDPOINT, TOKEN, VERIFY};

fn origin(env: &TestEnv) -> String {
    env.sandbox.sandbox().signnow_origin().to_string()
}

pub fn add_password_account(
    env: &TestEnv,
    name: &str,
    secrets: &str,
    extra: &[&str],
) -> std::process::Output {
    let api = format!("api_base_url={}", origin(env));
    let app = format!("app_base_url={}", origin(env));
    let user = format!("username={}", fx::USER_EMAIL);
    let mut args = vec![
        "accounts",
        "add",
        name,
        "--provider",
        "signnow",
        "--secrets-from-stdin",
    ];
    for pair in [api.as_str(), app.as_str(), user.as_str()]
        .iter()
        .chain(extra)
    {
        args.extend(["--set", *pair]);
    }
    env.run_with_stdin(&args, secrets)
}

pub fn default_secrets() -> String {
    format!(
        "basic_token={}\npassword={}\n",
        fx::BASIC_TOKEN,
        fx::USER_PASSWORD
    )
}

fn json_of(output: &std::process::Output) -> Value {
    assert_ok(output);
    serde_json::from_str(&stdout(output)).unwrap()
}

fn days_left(token: &Value) -> i64 {
    let at = time::OffsetDateTime::parse(
        token["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    (at - time::OffsetDateTime::now_utc()).whole_days()
}

#[test]
fn password_grant_is_cached_and_verified() {
    let mut env = TestEnv::new();
    env.secrets
        .extend([fx::BASIC_TOKEN.to_string(), fx::USER_PASSWORD.to_string()]);
    assert_ok(&add_password_account(&env, "Sign", &default_secrets(), &[]));
    let first = json_of(&env.run(&["--json", "token", "Sign"]));
    assert_eq!(
        (
            first["token_type"].as_str(),
            first["refresh_token_held"].as_bool()
        ),
        (Some("Bearer"), Some(true))
    );
    env.secrets
        .push(first["access_token"].as_str().unwrap().to_string());
    let second = json_of(&env.run(&["--json", "token", "Sign"]));
    assert_eq!(second["source"], "vault");
    assert_eq!(env.count(TOKEN), 1);
    let check = json_of(&env.run(&["--json", "accounts", "check", "Sign"]));
    let verified = check["verified_for_seconds"].as_u64().unwrap();
    assert!(verified > 29 * 24 * 3600, "{check}");
    assert_eq!((env.count(TOKEN), env.count(VERIFY)), (2, 1));
}

#[test]
fn client_secret_works_in_place_of_the_basic_token() {
    let env = TestEnv::new();
    let secrets = format!(
        "client_secret={}\npassword={}\n",
        fx::CLIENT_SECRET,
        fx::USER_PASSWORD
    );
    let client = format!("client_id={}", fx::CLIENT_ID);
    assert_ok(&add_password_account(&env, "Sign", &secrets, &[&client]));
    assert_ok(&env.run(&["token", "Sign"]));
}

#[test]
fn every_documented_expires_in_shape_is_understood() {
    let env = TestEnv::new();
    assert_ok(&add_password_account(&env, "Sign", &default_secrets(), &[]));
    for variant in ["number", "string", "absolute"] {
        env.control(
            "POST",
            "variants",
            Some(json!({"endpoint": TOKEN, "variant": variant})),
        );
        assert_ok(&env.run(&["logout", "Sign"]));
        let token = json_of(&env.run(&["--json", "token", "Sign"]));
        assert!((29..=30).contains(&days_left(&token)), "{variant}: {token}");
    }
}

#[test]
fn both_error_dialects_become_clear_messages() {
    let env = TestEnv::new();
    let wrong_password = format!("basic_token={}\npassword=wrong\n", fx::BASIC_TOKEN);
    assert_ok(&add_password_account(
        &env,
        "Wrong password",
        &wrong_password,
        &[],
    ));
    let wrong_basic = format!(
        "basic_token=d3Jvbmc6d3Jvbmc=\npassword={}\n",
        fx::USER_PASSWORD
    );
    assert_ok(&add_password_account(&env, "Wrong app", &wrong_basic, &[]));
    for dialect in ["oauth", "errors"] {
        env.control(
            "POST",
            "variants",
            Some(json!({"endpoint": ERRORS_ENDPOINT, "variant": dialect})),
        );
        let err = assert_exit(&env.run(&["token", "Wrong password"]), 5);
        assert!(
            err.contains("Invalid credentials.") && err.contains("username and password"),
            "{dialect}: {err}"
        );
        let err = assert_exit(&env.run(&["token", "Wrong app"]), 5);
        assert!(
            err.contains("invalid_client") && err.contains("Basic token"),
            "{dialect}: {err}"
        );
    }
    env.fault(TOKEN, "status_500", 1, 0);
    assert_exit(&env.run(&["token", "Wrong password"]), 6);
}

#[test]
fn single_use_refresh_tokens_are_refreshed_once_even_when_asked_twice_at_once() {
    let env = TestEnv::new();
    let clock = Arc::new(ManualClock::new(time::OffsetDateTime::now_utc()));
    let mut options = EngineOptions::new(
        AppPaths {
            config_dir: env.config_dir(),
            data_dir: env.data_dir(),
        },
        Arc::new(MemoryVault::new()),
    );
    options.clock = clock.clone();
    let engine = Arc::new(Engine::open(options).unwrap());
    let mut account = Account::new("Sign", sso_launcher::core::provider::signnow::ID);
    for (key, value) in [
        ("api_base_url", origin(&env)),
        ("app_base_url", origin(&env)),
        ("username", fx::USER_EMAIL.into()),
    ] {
        account.settings.insert(key.into(), value);
    }
    let secrets = vec![
        ("basic_token".into(), SecretString::new(fx::BASIC_TOKEN)),
        ("password".into(), SecretString::new(fx::USER_PASSWORD)),
    ];
    let account = engine.add_account(account, secrets).unwrap();
    env.runtime.block_on(engine.token(&account)).unwrap();
    clock.advance(Duration::from_secs(31 * 24 * 3600));
    let (a, b) = env
        .runtime
        .block_on(async { tokio::join!(engine.token(&account), engine.token(&account)) });
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.token.value.expose_secret(), b.token.value.expose_secret());
    assert!([a.source, b.source].contains(&TokenSource::Fresh));
    assert_eq!(env.count(TOKEN), 2, "one sign-in and one refresh");
}

#[test]
fn authorization_code_grant_uses_the_registered_port() {
    let env = TestEnv::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    env.control(
        "POST",
        "redirect_uris",
        Some(json!({"provider": "signnow", "uris": [format!("http://127.0.0.1:{port}/callback")]})),
    );
    let script = env.dir.path().join("signnow-browser.sh");
    std::fs::write(&script, format!(r#"#!/bin/sh
page=$(curl -s "$1")
transaction=$(printf '%s' "$page" | sed -n 's/.*name="transaction" value="\([^"]*\)".*/\1/p')
base="${{1%%/authorize*}}"
location=$(curl -s -o /dev/null -w '%{{redirect_url}}' --data-urlencode "transaction=$transaction" --data-urlencode "username={}" --data-urlencode "password={}" --data-urlencode "decision=$2" "$base/authorize/login")
curl -s -o /dev/null "$location"
"#, fx::USER_EMAIL, fx::USER_PASSWORD)).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let redirect_port = format!("redirect_port={port}");
    assert_ok(&add_password_account(
        &env,
        "Sign",
        &format!("basic_token={}\n", fx::BASIC_TOKEN),
        &["grant=authorization_code", &redirect_port],
    ));
    let allow = format!("{} {{url}} allow", script.display());
    let login = json_of(&env.run(&["--json", "--browser", &allow, "login", "Sign"]));
    assert_eq!(login["refresh_token_held"], true);
    assert_eq!(
        env.count(AUTHORIZE),
        2,
        "the authorize page and the sign-in"
    );
    let deny = format!("{} {{url}} deny", script.display());
    let err = assert_exit(&env.run(&["--browser", &deny, "login", "Sign"]), 8);
    assert!(err.contains("access_denied"), "{err}");
    let err = assert_exit(
        &add_password_account(&env, "No port", "", &["grant=authorization_code"]),
        3,
    );
    assert!(err.contains("redirect_port"), "{err}");
}

#[test]
fn token_endpoint_takes_multipart_or_urlencoded_and_the_basic_token_every_time() {
    let env = TestEnv::new();
    let url = format!("{}/oauth2/token", origin(&env));
    let basic = format!("Basic {}", fx::BASIC_TOKEN);
    let post = |content_type: &str, body: String, auth: &str| {
        env.runtime.block_on(async {
            let response = reqwest::Client::new()
                .post(&url)
                .header("content-type", content_type)
                .header("authorization", auth)
                .body(body)
                .send()
                .await
                .unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap(),
            )
        })
    };
    let fields = [
        ("grant_type", "password"),
        ("username", fx::USER_EMAIL),
        ("password", fx::USER_PASSWORD),
        ("scope", "*"),
    ];
    let urlencoded = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    assert_eq!(
        post(
            "application/x-www-form-urlencoded",
            urlencoded.clone(),
            &basic
        )
        .0,
        200
    );
    let multipart: String = fields
        .iter()
        .map(|(name, value)| {
            format!("--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
        })
        .collect::<String>()
        + "--XyZ--\r\n";
    assert_eq!(
        post("multipart/form-data; boundary=XyZ", multipart, &basic).0,
        200
    );
    let (status, answer) = post(
        "application/x-www-form-urlencoded",
        urlencoded.clone(),
        "Basic d3Jvbmc6d3Jvbmc=",
    );
    assert_eq!(
        (status, answer["error"].as_str()),
        (401, Some("invalid_client"))
    );
    assert_eq!(
        post(
            "application/json",
            r#"{"grant_type":"password"}"#.into(),
            &basic
        )
        .0,
        400
    );
    let (_, answer) = post(
        "application/x-www-form-urlencoded",
        "grant_type=password&username=a&password=b&scope=read".into(),
        &basic,
    );
    assert_eq!(answer["error"], "invalid_scope");
}
