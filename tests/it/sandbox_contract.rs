//! The sandbox enforces AssureSign's documented contract on any client, not just ours.

use crate::support::*;
use serde_json::{Value, json};
use sso_launcher::sandbox::fixtures::assuresign as fx;

fn sign_in(env: &TestEnv) -> String {
    let body = json!({"request": {"apiUsername": fx::API_USERNAME, "key": fx::API_KEY, "contextUsername": fx::CONTEXT_USERS[0], "sessionLengthInMinutes": 60}});
    let (status, text) = env.http(
        "POST",
        &format!("{}/api/v3.5/authentication/apiUser", env.origin()),
        Some(body.to_string()),
        &[],
    );
    assert_eq!(status, 200, "{text}");
    serde_json::from_str::<Value>(&text).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string()
}

fn sso(env: &TestEnv, authorization: Option<&str>, body: Option<&str>) -> (u16, Value) {
    let mut headers = vec![("accept", "application/json")];
    if let Some(value) = authorization {
        headers.push(("authorization", value));
    }
    let (status, text) = env.http(
        "POST",
        &format!("{}/api/documentnow/v3.5/authentication/sso", env.origin()),
        body.map(str::to_string),
        &headers,
    );
    (status, serde_json::from_str(&text).unwrap())
}

#[test]
fn sso_requires_a_valid_bearer_and_answers_the_documented_envelope() {
    let env = TestEnv::new();
    let token = sign_in(&env);
    for authorization in [
        None,
        Some("bearer not-a-token"),
        Some("Basic abc"),
        Some(&format!("X-AS-UserSessionToken {token}") as &str),
    ] {
        let (status, answer) = sso(&env, authorization, None);
        assert_eq!(status, 403, "{authorization:?}");
        assert_eq!(answer["errorCode"], "FORBIDDEN", "{answer}");
        assert!(answer["summary"].is_string() && answer["details"].is_array());
    }
    // The documented request has no body; `{}` and `{"request":{}}` are also seen and accepted.
    for body in [None, Some("{}"), Some(r#"{"request":{}}"#)] {
        let (status, answer) = sso(&env, Some(&format!("bearer {token}")), body);
        assert_eq!(status, 200, "{body:?}: {answer}");
        assert!(answer["result"]["ssoToken"].as_str().unwrap().len() > 20);
    }
    let (status, _) = sso(
        &env,
        Some(&format!("Bearer {token}")),
        Some(r#"{"unexpected":1}"#),
    );
    assert_eq!(status, 400);
}

#[test]
fn api_user_login_checks_credentials_shape_and_content_type() {
    let env = TestEnv::new();
    let url = format!("{}/api/v3.5/authentication/apiUser", env.origin());
    let wrong_key = json!({"request": {"apiUsername": fx::API_USERNAME, "key": "nope", "contextUsername": fx::CONTEXT_USERS[0]}});
    let (status, text) = env.http("POST", &url, Some(wrong_key.to_string()), &[]);
    assert_eq!(status, 403);
    assert!(text.contains("FORBIDDEN"));
    let unknown_user = json!({"request": {"apiUsername": fx::API_USERNAME, "key": fx::API_KEY, "contextUsername": "who@example.com"}});
    assert_eq!(
        env.http("POST", &url, Some(unknown_user.to_string()), &[])
            .0,
        403
    );
    let flat = json!({"apiUsername": fx::API_USERNAME, "key": fx::API_KEY});
    assert_eq!(env.http("POST", &url, Some(flat.to_string()), &[]).0, 400);
    let too_long = json!({"request": {"apiUsername": fx::API_USERNAME, "key": fx::API_KEY, "contextUsername": fx::CONTEXT_USERS[0], "sessionLengthInMinutes": 5000}});
    assert_eq!(
        env.http("POST", &url, Some(too_long.to_string()), &[]).0,
        400
    );
    // A form-encoded body is not what the API takes.
    let (status, _) = env.runtime.block_on(async {
        let response = reqwest::Client::new()
            .post(&url)
            .form(&[("apiUsername", fx::API_USERNAME)])
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), ())
    });
    assert_eq!(status, 415);
    assert_eq!(env.http("GET", &url, None, &[]).0, 405);
}

#[test]
fn simple_setup_page_needs_a_valid_sso_token() {
    let env = TestEnv::new();
    let (status, page) = env.http(
        "GET",
        &format!("{}/ui/simpleSetup", env.origin()),
        None,
        &[],
    );
    assert_eq!(status, 403);
    assert!(
        page.contains("Sign-on failed") && !page.contains("Signed in as"),
        "{page}"
    );
    let (status, page) = env.http(
        "GET",
        &format!("{}/ui/simpleSetup?ssoToken=forged", env.origin()),
        None,
        &[],
    );
    assert_eq!(status, 403);
    assert!(page.contains("not valid"), "{page}");
}

#[test]
fn control_api_refuses_unknown_endpoints_and_variants() {
    let env = TestEnv::new();
    let answer = env.control(
        "POST",
        "faults",
        Some(json!({"endpoint": "assuresign.nope", "fault": "status_500"})),
    );
    assert!(
        answer["error"].as_str().unwrap().contains("known"),
        "{answer}"
    );
    let answer = env.control(
        "POST",
        "variants",
        Some(json!({"endpoint": "assuresign.api_user", "variant": "xml"})),
    );
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("token, result_token"),
        "{answer}"
    );
    let answer = env.control(
        "POST",
        "faults",
        Some(json!({"endpoint": "assuresign.sso", "fault": "explode"})),
    );
    assert!(answer["error"].is_string(), "{answer}");
    let bad_uri = json!({"provider": "signnow", "uris": ["not a url"]});
    let answer = env.control("POST", "redirect_uris", Some(bad_uri));
    assert!(
        answer["error"].as_str().unwrap().contains("not a URL"),
        "{answer}"
    );
}

#[test]
fn sandbox_command_prints_base_urls_and_serves() {
    let env = TestEnv::new();
    let mut child = env.spawn(&["sandbox", "--port", "0"]);
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    let urls: Value = serde_json::from_str(&line).unwrap();
    let origin = urls["assuresign"]["api_base_url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(origin.starts_with("http://127.0.0.1:"), "{urls}");
    assert_eq!(
        urls["demo_credentials"]["assuresign"]["api_username"],
        fx::API_USERNAME
    );
    let issuer = urls["sovos"]["issuer"].as_str().unwrap().to_string();
    assert!(
        issuer.starts_with("http://127.0.0.1:") && issuer != origin,
        "{urls}"
    );
    let (status, _) = env.http(
        "GET",
        &format!("{issuer}/.well-known/openid-configuration"),
        None,
        &[],
    );
    assert_eq!(status, 200);
    let (status, text) = env.http("GET", &format!("{origin}/__sandbox/counts"), None, &[]);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(status, 200, "{text}");
}
