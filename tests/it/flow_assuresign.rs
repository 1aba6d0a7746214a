//! AssureSign launched end to end through the CLI against the strict sandbox.

use crate::support::*;
use sso_launcher::sandbox::assuresign::{API_USER, CREDENTIALS, SSO};

#[test]
fn launch_opens_simple_setup_signed_in_and_second_process_reuses_the_bearer() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    let (browser, record) = env.recording_browser();

    let output = env.run(&["--browser", &browser, "launch", "Acme"]);
    assert_ok(&output);
    let url = wait_for_file(&record);
    assert!(
        url.starts_with(&format!("{}/ui/simpleSetup?ssoToken=", env.origin())),
        "{url}"
    );
    let (status, page) = env.http("GET", &url, None, &[]);
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Signed in as demo.user@example.com"),
        "{page}"
    );
    assert_eq!((env.count(API_USER), env.count(SSO)), (1, 1));

    // A second process: the bearer comes from the keyring, so one HTTP call, not two.
    std::fs::remove_file(&record).unwrap();
    let output = env.run(&["--json", "--browser", &browser, "launch", "Acme"]);
    assert_ok(&output);
    let answer: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(answer["session"], "vault", "{answer}");
    wait_for_file(&record);
    assert_eq!((env.count(API_USER), env.count(SSO)), (1, 2));
}

#[test]
fn forbidden_session_triggers_exactly_one_reauthentication() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    assert_ok(&env.run(&["launch", "Acme", "--print-url"]));
    assert_eq!(env.count(API_USER), 1);

    env.fault(SSO, "expired_bearer", 1, 0);
    let output = env.run(&["--json", "launch", "Acme", "--print-url"]);
    assert_ok(&output);
    assert_eq!((env.count(API_USER), env.count(SSO)), (2, 3));
    let answer: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(answer["reauthenticated"], true, "{answer}");
    let (status, page) = env.http("GET", answer["url"].as_str().unwrap(), None, &[]);
    assert_eq!(status, 200, "{page}");

    // Rejected again after the fresh sign-in: give up after one retry, exit 5.
    env.fault(SSO, "expired_bearer", 2, 0);
    let output = env.run(&["launch", "Acme", "--print-url"]);
    let err = assert_exit(&output, 5);
    assert!(err.contains("FORBIDDEN"), "{err}");
    assert_eq!((env.count(API_USER), env.count(SSO)), (3, 5));
}

#[test]
fn sso_token_is_refused_after_30_seconds_and_after_first_use() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    let expired = env.run(&["launch", "Acme", "--print-url"]);
    assert_ok(&expired);
    let reused = env.run(&["launch", "Acme", "--print-url"]);
    assert_ok(&reused);

    let url = stdout(&reused).trim().to_string();
    assert_eq!(env.http("GET", &url, None, &[]).0, 200);
    let (status, page) = env.http("GET", &url, None, &[]);
    assert_eq!(status, 403);
    assert!(page.contains("already been used"), "{page}");

    env.control(
        "POST",
        "clock",
        Some(serde_json::json!({"advance_seconds": 31})),
    );
    let (status, page) = env.http("GET", stdout(&expired).trim(), None, &[]);
    assert_eq!(status, 403);
    assert!(page.contains("expired"), "{page}");
}

#[test]
fn session_expired_on_the_server_clock_is_renewed() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &["session_minutes=5"]);
    assert_ok(&env.run(&["launch", "Acme", "--print-url"]));
    // The sandbox's clock moves past the session; the client's cache still thinks it fresh.
    env.control(
        "POST",
        "clock",
        Some(serde_json::json!({"advance_seconds": 301})),
    );
    let output = env.run(&["launch", "Acme", "--print-url"]);
    assert_ok(&output);
    assert_eq!(env.count(API_USER), 2);
    assert_eq!(env.http("GET", stdout(&output).trim(), None, &[]).0, 200);
}

#[test]
fn two_concurrent_launches_in_two_processes_authenticate_once() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    // Slow sign-in widens the window in which both processes want a token.
    env.fault(API_USER, "delay", 1, 400);
    let first = env.spawn(&["launch", "Acme", "--print-url"]);
    let second = env.spawn(&["launch", "Acme", "--print-url"]);
    let (first, second) = (
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    );
    assert_ok(&first);
    assert_ok(&second);
    assert_eq!((env.count(API_USER), env.count(SSO)), (1, 2));
    assert_ne!(
        stdout(&first),
        stdout(&second),
        "each launch gets its own ssoToken"
    );
}

#[test]
fn both_documented_token_shapes_are_accepted() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    env.control(
        "POST",
        "variants",
        Some(serde_json::json!({"endpoint": API_USER, "variant": "result_token"})),
    );
    let output = env.run(&["launch", "Acme", "--print-url"]);
    assert_ok(&output);
    assert_eq!(env.http("GET", stdout(&output).trim(), None, &[]).0, 200);
    env.control(
        "POST",
        "variants",
        Some(serde_json::json!({"endpoint": API_USER, "variant": "token"})),
    );
    assert_ok(&env.run(&["logout", "Acme"]));
    assert_ok(&env.run(&["launch", "Acme", "--print-url"]));
    assert_eq!(env.count(API_USER), 2);
}

#[test]
fn legacy_credentials_login_uses_the_user_session_token_scheme() {
    let env = TestEnv::new();
    let origin = env.origin();
    let output = env.run_with_stdin(
        &[
            "accounts",
            "add",
            "Legacy",
            "--provider",
            "assuresign",
            "--set",
            &format!("api_base_url={origin}"),
            "--set",
            "auth_mode=credentials",
            "--set",
            "username=demo.user",
            "--secrets-from-stdin",
        ],
        &format!(
            "password={}\n",
            sso_launcher::sandbox::fixtures::assuresign::PASSWORD
        ),
    );
    assert_ok(&output);
    let output = env.run(&["--json", "token", "Legacy"]);
    assert_ok(&output);
    let token: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(token["token_type"], "X-AS-UserSessionToken");
    let output = env.run(&["launch", "Legacy", "--print-url"]);
    assert_ok(&output);
    assert_eq!(env.http("GET", stdout(&output).trim(), None, &[]).0, 200);
    assert_eq!((env.count(CREDENTIALS), env.count(API_USER)), (1, 0));
}

#[test]
fn user_context_and_envelope_reach_the_page() {
    let env = TestEnv::new();
    env.add_assuresign(
        "Acme",
        &[
            "user_context=second.user@example.com:ctx-9",
            "envelope_id=env-42",
        ],
    );
    let output = env.run(&["launch", "Acme", "--print-url"]);
    assert_ok(&output);
    let url = stdout(&output).trim().to_string();
    assert!(url.contains("/ui/simpleSetup/env-42?ssoToken="), "{url}");
    let (_, page) = env.http("GET", &url, None, &[]);
    assert!(
        page.contains("Signed in as second.user@example.com"),
        "{page}"
    );
    assert!(page.contains("prepared envelope env-42"), "{page}");
}

#[test]
fn landing_url_on_another_origin_is_refused_before_any_token_is_fetched() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    let output = env.run(&[
        "accounts",
        "edit",
        "Acme",
        "--set",
        "landing_url=https://evil.example.com/ui/simpleSetup",
    ]);
    let err = assert_exit(&output, 3);
    assert!(err.contains("API origin"), "{err}");

    // Even when written into the file by hand, launching refuses it.
    let file = env.config_dir().join("accounts.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let edited = text.replace(
        "[accounts.settings]",
        "[accounts.settings]\nlanding_url = \"https://evil.example.com/x\"",
    );
    std::fs::write(&file, edited).unwrap();
    let err = assert_exit(&env.run(&["launch", "Acme", "--print-url"]), 3);
    assert!(err.contains("landing_url"), "{err}");
    assert_eq!(env.count(SSO), 0);

    let same_origin = format!("landing_url={}/ui/documents?view=all", env.origin());
    std::fs::write(&file, text).unwrap();
    assert_ok(&env.run(&["accounts", "edit", "Acme", "--set", &same_origin]));
    let output = env.run(&["launch", "Acme", "--print-url"]);
    assert_ok(&output);
    assert!(
        stdout(&output).contains("/ui/documents?view=all&ssoToken="),
        "{}",
        stdout(&output)
    );
}

#[test]
fn missing_browser_prints_the_link_with_a_note() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    let output = env.run(&["--browser", "/nonexistent/browser {url}", "launch", "Acme"]);
    assert_ok(&output);
    let url = stdout(&output).trim().to_string();
    assert!(url.contains("ssoToken="), "{url}");
    assert!(
        stderr(&output).contains("could not start the browser"),
        "{}",
        stderr(&output)
    );
    assert_eq!(env.http("GET", &url, None, &[]).0, 200);
}

#[test]
fn audit_log_records_each_action_without_tokens() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    assert_ok(&env.run(&["launch", "Acme", "--print-url"]));
    env.fault(API_USER, "status_500", 1, 0);
    assert_ok(&env.run(&["logout", "Acme"]));
    assert_exit(&env.run(&["launch", "Acme", "--print-url"]), 6);
    let log = std::fs::read_to_string(env.data_dir().join("audit.jsonl")).unwrap();
    let records: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(records.len(), 3, "{log}");
    assert_eq!(records[0]["outcome"], "ok");
    assert_eq!(records[0]["action"], "launch");
    assert_eq!(records[0]["provider"], "assuresign");
    assert_eq!(records[1]["action"], "logout");
    assert_eq!(records[1]["detail"], "tokens forgotten");
    assert_eq!(records[2]["outcome"], "network");
    assert!(
        records
            .iter()
            .all(|r| r["v"] == 1 && r["time"].as_str().unwrap().contains('T'))
    );
    assert!(!log.contains("ssoToken"), "{log}");
}

#[test]
fn demo_mode_launches_without_any_setup_and_waits_for_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    // A "browser" that really fetches the page, as a person's browser would.
    let browser = format!(
        "curl --silent --max-time 10 --output {} {{url}}",
        page.display()
    );
    let output = std::process::Command::new(BIN)
        .args(["--demo", "--browser", &browser, "launch", "AssureSign demo"])
        .env_remove("SSO_LAUNCHER_CONFIG_DIR")
        .env_remove("SSO_LAUNCHER_DATA_DIR")
        .output()
        .unwrap();
    assert_ok(&output);
    assert!(
        stderr(&output).contains("The browser loaded the signed-in page"),
        "{}",
        stderr(&output)
    );
    // The launch ends once the page was sent; curl may still be writing it.
    let mut html = String::new();
    for _ in 0..50 {
        html = std::fs::read_to_string(&page).unwrap_or_default();
        if html.contains("</html>") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(
        html.contains("Signed in as demo.user@example.com"),
        "{html}"
    );
}

#[test]
fn system_browser_without_a_graphical_session_prints_the_link() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    let output = env
        .cli()
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .args(["launch", "Acme"])
        .output()
        .unwrap();
    assert_ok(&output);
    assert!(
        stderr(&output).contains("no graphical session"),
        "{}",
        stderr(&output)
    );
    let url = stdout(&output).trim().to_string();
    assert_eq!(env.http("GET", &url, None, &[]).0, 200);
}
