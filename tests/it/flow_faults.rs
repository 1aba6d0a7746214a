//! Every sandbox fault ends in a clear message and its documented exit code, never a panic.

use crate::support::*;
use sso_launcher::sandbox::assuresign::{API_USER, SSO};

#[test]
fn each_fault_gives_a_clear_message_and_exit_code() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    let cases: &[(&str, &str, u64, i32, &str)] = &[
        (API_USER, "status_500", 0, 6, "failed on its side"),
        (API_USER, "drop_connection", 0, 6, "could not reach"),
        (API_USER, "html_body", 0, 6, "HTML page (HTTP 502)"),
        (API_USER, "malformed_json", 0, 7, "invalid JSON"),
        (API_USER, "delay", 3000, 6, "did not answer within 0.5 s"),
        (SSO, "status_500", 0, 6, "INTERNAL_SERVER_ERROR"),
        (SSO, "malformed_json", 0, 7, "cannot read"),
        (SSO, "html_body", 0, 6, "HTML page"),
        (SSO, "drop_connection", 0, 6, "could not reach"),
        (
            API_USER,
            "redirect",
            0,
            7,
            "redirect (302) to https://login.example.com/portal",
        ),
    ];
    for (endpoint, fault, delay, code, expected) in cases {
        assert_ok(&env.run(&["logout", "Acme"]));
        env.fault(endpoint, fault, 1, *delay);
        let output = env.run(&["--http-timeout", "0.5", "launch", "Acme", "--print-url"]);
        let err = assert_exit(&output, *code);
        assert!(err.contains(expected), "{endpoint} {fault}: {err}");
        assert!(stdout(&output).is_empty(), "no URL after a failure");
    }
    // The account still works once the faults are used up.
    assert_ok(&env.run(&["launch", "Acme", "--print-url"]));
}

#[test]
fn wrong_key_is_rejected_with_exit_5_and_a_hint() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    assert_ok(&env.run_with_stdin(
        &["accounts", "edit", "Acme", "--secrets-from-stdin"],
        "api_key=wrong-key\n",
    ));
    let err = assert_exit(&env.run(&["launch", "Acme"]), 5);
    assert!(err.contains("FORBIDDEN"), "{err}");
    assert!(err.contains("API key"), "{err}");
    assert_eq!(env.count(SSO), 0);
}

#[test]
fn json_errors_have_code_message_and_hint() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    env.fault(API_USER, "drop_connection", 1, 0);
    let output = env.run(&["--json", "launch", "Acme"]);
    assert_eq!(output.status.code(), Some(6));
    let error: serde_json::Value = serde_json::from_str(stderr(&output).trim()).unwrap();
    assert_eq!(error["error"]["code"], "network");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("could not reach")
    );
    assert!(error["error"]["hint"].as_str().unwrap().contains("network"));
}

#[test]
fn unreachable_provider_is_a_network_error() {
    let env = TestEnv::new();
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let origin = format!("http://{closed}");
    let api = format!("api_base_url={origin}");
    let auth = format!("auth_base_url={origin}");
    assert_ok(&env.add_minimal("Gone", &[&api, &auth]));
    let err = assert_exit(&env.run(&["launch", "Gone"]), 6);
    assert!(err.contains("could not reach"), "{err}");
}

#[test]
fn loopback_is_always_direct_even_with_a_proxy_set() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    // A proxy nobody listens on: any request sent through it would fail.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let proxy = format!("http://{dead}");
    let output = env
        .cli()
        .env("HTTPS_PROXY", &proxy)
        .env("HTTP_PROXY", &proxy)
        .env("ALL_PROXY", &proxy)
        .env("NO_PROXY", "internal.example.com")
        .args(["launch", "Acme", "--print-url"])
        .output()
        .unwrap();
    assert_ok(&output);
    let doctor = env
        .cli()
        .env("HTTPS_PROXY", &proxy)
        .args(["doctor"])
        .output()
        .unwrap();
    assert!(
        stdout(&doctor).contains(&format!("HTTPS_PROXY={proxy}")),
        "{}",
        stdout(&doctor)
    );
}
