//! Sovos Signer API tokens (client_credentials) through the CLI against the strict sandbox.

use crate::support::*;
use serde_json::Value;
use sso_launcher::sandbox::fixtures::sovos as fx;
use sso_launcher::sandbox::sovos::{DISCOVERY, TOKEN};

pub fn add_sovos(env: &TestEnv, name: &str, extra: &[&str], secret: &str) -> std::process::Output {
    let issuer = format!("issuer={}", env.sandbox.sandbox().sovos_issuer());
    let client = format!("client_id={}", fx::CLIENT_ID);
    let mut args = vec![
        "accounts",
        "add",
        name,
        "--provider",
        "sovos",
        "--secrets-from-stdin",
    ];
    for pair in [issuer.as_str(), client.as_str(), "grant=client_credentials"]
        .iter()
        .chain(extra)
    {
        args.extend(["--set", *pair]);
    }
    env.run_with_stdin(&args, &format!("client_secret={secret}\n"))
}

fn json_of(output: &std::process::Output) -> Value {
    assert_ok(output);
    serde_json::from_str(&stdout(output)).unwrap()
}

#[test]
fn api_token_is_fetched_once_and_reused_by_the_next_process() {
    let mut env = TestEnv::new();
    env.secrets.push(fx::CLIENT_SECRET.into());
    assert_ok(&add_sovos(&env, "Signer", &[], fx::CLIENT_SECRET));

    let first = json_of(&env.run(&["--json", "token", "Signer"]));
    assert_eq!(first["token_type"], "Bearer");
    assert_eq!(first["source"], "fresh");
    let access_token = first["access_token"].as_str().unwrap().to_string();
    env.secrets.push(access_token.clone());
    let expires_at = time::OffsetDateTime::parse(
        first["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let left = expires_at - time::OffsetDateTime::now_utc();
    assert!(
        left > time::Duration::minutes(58) && left <= time::Duration::minutes(60),
        "{left}"
    );

    let second = json_of(&env.run(&["--json", "token", "Signer"]));
    assert_eq!(second["source"], "vault");
    assert_eq!(second["access_token"], access_token.as_str());
    let launched = json_of(&env.run(&["--json", "launch", "Signer"]));
    assert_eq!(launched["opened"], false);
    assert_eq!(launched["token_type"], "Bearer");
    assert_eq!(
        env.count(TOKEN),
        1,
        "the 60-minute token is cached and reused"
    );
    let text = stderr(&env.run(&["launch", "Signer"]));
    assert!(
        text.contains("holds a valid Bearer token that expires in"),
        "{text}"
    );
}

#[test]
fn landing_url_opens_once_a_token_is_held() {
    let env = TestEnv::new();
    let landing = format!(
        "landing_url={}/welcome",
        env.sandbox.sandbox().sovos_issuer()
    );
    assert_ok(&add_sovos(&env, "Signer", &[&landing], fx::CLIENT_SECRET));
    let (browser, record) = env.recording_browser();
    assert_ok(&env.run(&["--browser", &browser, "launch", "Signer"]));
    assert_eq!(
        wait_for_file(&record),
        landing.trim_start_matches("landing_url=")
    );
    assert_eq!(env.count(TOKEN), 1);
}

#[test]
fn refusals_and_faults_give_clear_messages_and_exit_codes() {
    let env = TestEnv::new();
    assert_ok(&add_sovos(&env, "Wrong secret", &[], "not-the-secret"));
    let err = assert_exit(&env.run(&["token", "Wrong secret"]), 5);
    assert!(
        err.contains("invalid_client") && err.contains("client secret"),
        "{err}"
    );

    assert_ok(&add_sovos(
        &env,
        "Wrong audience",
        &["audience=api.example.com"],
        fx::CLIENT_SECRET,
    ));
    let err = assert_exit(&env.run(&["token", "Wrong audience"]), 5);
    assert!(
        err.contains("audience must be signer.trust.sovos.com"),
        "{err}"
    );

    assert_ok(&add_sovos(&env, "Signer", &[], fx::CLIENT_SECRET));
    let cases: &[(&str, &str, i32, &str)] = &[
        (TOKEN, "status_500", 6, "failed on its side"),
        (TOKEN, "html_body", 6, "HTML page (HTTP 502)"),
        (TOKEN, "drop_connection", 6, "could not reach"),
        (DISCOVERY, "status_500", 6, "discovery answered HTTP 500"),
        (
            DISCOVERY,
            "malformed_json",
            7,
            "discovery document is cut short",
        ),
        (DISCOVERY, "redirect", 7, "redirect (302)"),
    ];
    for (endpoint, fault, code, expected) in cases {
        env.fault(endpoint, fault, 1, 0);
        let err = assert_exit(&env.run(&["token", "Signer"]), *code);
        assert!(err.contains(expected), "{endpoint} {fault}: {err}");
    }
    assert_ok(&env.run(&["token", "Signer"]));
}

#[test]
fn settings_are_checked() {
    let env = TestEnv::new();
    let refused = [
        ("grant=implicit", "grant 'implicit'"),
        ("issuer=http://accounts.example.com", "https"),
        ("redirect_host=10.0.0.1", "loopback"),
        ("redirect_port=70000", "port number"),
        ("redirect_path=callback", "start with /"),
    ];
    for (setting, expected) in refused {
        let args = [
            "accounts",
            "add",
            "S",
            "--provider",
            "sovos",
            "--set",
            "client_id=c",
            "--set",
            setting,
        ];
        let err = assert_exit(&env.run(&args), 3);
        assert!(err.contains(expected), "{setting}: {err}");
    }
    // client_credentials needs the secret: without a terminal and without stdin, refused.
    let issuer = format!("issuer={}", env.sandbox.sandbox().sovos_issuer());
    let err = assert_exit(
        &env.run(&[
            "accounts",
            "add",
            "S",
            "--provider",
            "sovos",
            "--set",
            &issuer,
            "--set",
            "client_id=c",
            "--set",
            "grant=client_credentials",
        ]),
        2,
    );
    assert!(err.contains("client_secret"), "{err}");
}

#[test]
fn token_endpoint_enforces_client_secret_basic_form_bodies_and_grants() {
    let env = TestEnv::new();
    let url = format!("{}/oauth2/token", env.sandbox.sandbox().sovos_issuer());
    let form = |body: &str, auth: Option<&str>| {
        env.runtime.block_on(async {
            let mut request = reqwest::Client::new()
                .post(&url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.to_string());
            if let Some(auth) = auth {
                request = request.header("authorization", auth);
            }
            let response = request.send().await.unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap(),
            )
        })
    };
    use base64::Engine as _;
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            fx::CLIENT_ID,
            fx::CLIENT_SECRET
        ))
    );
    let good = "grant_type=client_credentials&audience=signer.trust.sovos.com";
    assert_eq!(form(good, Some(&basic)).0, 200);
    let (status, answer) = form(good, None);
    assert_eq!(
        (status, answer["error"].as_str()),
        (401, Some("invalid_client"))
    );
    let in_body = format!(
        "{good}&client_id={}&client_secret={}",
        fx::CLIENT_ID,
        fx::CLIENT_SECRET
    );
    assert_eq!(form(&in_body, None).1["error"], "invalid_request");
    assert_eq!(
        form("grant_type=password&username=u&password=p", Some(&basic)).1["error"],
        "unsupported_grant_type"
    );
    let (status, answer) = env.http(
        "POST",
        &url,
        Some(r#"{"grant_type":"client_credentials"}"#.into()),
        &[("authorization", &basic)],
    );
    assert_eq!(status, 400, "{answer}");
}

#[test]
fn demo_has_a_sovos_account() {
    let output = std::process::Command::new(BIN)
        .args(["--demo", "--json", "token", "Sovos API demo"])
        .env_remove("SSO_LAUNCHER_CONFIG_DIR")
        .env_remove("SSO_LAUNCHER_DATA_DIR")
        .output()
        .unwrap();
    let token = json_of(&output);
    assert_eq!(token["token_type"], "Bearer");
}
