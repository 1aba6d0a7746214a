//! LicenseSpring through the CLI against the strict sandbox: the signed SSO URL, the browser
//! (a curl script; Debian's Chromium for the fragment relay), the redirect on the URI the URL
//! names, activation with a verified `LicenseSignature`, and the documented errors.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::support::*;
use sso_launcher::sandbox::fixtures::licensespring as fx;
use sso_launcher::sandbox::licensespring::{ACTIVATE, SSO_URL};

/// A key that did not sign the sandbox's licenses (base64 DER).
const OTHER_VENDOR_KEY: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAlQq4NtCbQ48ucfDOdiVmvuxTvZMNYn88m1ts/u3ZXc8EahgmI5ihWSMv0BrEQPnxbDVZ5R2NEoraSCRDU9iBlZ9wD6oRC2pe2NTx/PNZ3s1uA4TZcgbG3jSxyA3zTcwzmuPV1dwRZAp1WPSL96CO2Kz4wXyq9ofXndl8cWRYzwebA+iZJOUrrgsENPx+FxlmF25NJScU1UUJ7oY8kAfcSWcyZA5TjJRVAtbp/UwnTiJ6sePNnwEOH3lGpokB0g/+Q7hyw0XKFS943kku/ZYCGETr0ByTRA2HFpcrRN8gWiSxuDG9d1JWp2B0qJZZJ61HNwnXQMIR1xckB97Co1/NRwIDAQAB";

/// Points the sandbox's registered redirect URI at a free loopback port; returns the URI.
pub fn free_redirect_uri(env: &TestEnv) -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let uri = format!("http://127.0.0.1:{port}/callback");
    set_redirect_uri(env, &uri);
    uri
}

fn set_redirect_uri(env: &TestEnv, uri: &str) {
    let answer = env.control(
        "POST",
        "licensespring/redirect_uri",
        Some(json!({"redirect_uri": uri})),
    );
    assert_eq!(answer["ok"], true, "{answer}");
}

pub fn add_account(env: &TestEnv, name: &str, sets: &[&str], secrets: &str) {
    let base = format!(
        "api_base_url={}",
        env.sandbox.sandbox().licensespring_origin()
    );
    let key = format!(
        "vendor_public_key={}",
        env.sandbox.sandbox().licensespring_vendor_key()
    );
    let product = format!("product={}", fx::PRODUCT);
    let customer = format!("customer_account_code={}", fx::CUSTOMER);
    let defaults = [
        base.as_str(),
        key.as_str(),
        product.as_str(),
        customer.as_str(),
    ];
    let overridden = |pair: &&str| {
        let name = pair.split('=').next().unwrap();
        sets.iter().any(|set| set.starts_with(&format!("{name}=")))
    };
    let mut args = vec!["accounts", "add", name, "--provider", "licensespring"];
    for pair in defaults.iter().filter(|pair| !overridden(pair)).chain(sets) {
        args.extend(["--set", *pair]);
    }
    args.push("--secrets-from-stdin");
    assert_ok(&env.run_with_stdin(&args, secrets));
}

pub fn signing_keys() -> String {
    format!("api_key={}\nshared_key={}\n", fx::API_KEY, fx::SHARED_KEY)
}

/// The user's browser: records the URL, signs in on the sandbox page (`allow`, `deny`, or
/// `tamper`: a forged state), then follows the redirect with curl, or with headless
/// Chromium when `chromium` is given (a fragment needs a browser that runs the relay script).
pub fn browser(env: &TestEnv, decision: &str, last_hop: &str) -> (String, PathBuf) {
    let script = env
        .dir
        .path()
        .join(format!("ls-browser-{decision}-{last_hop}.sh"));
    let record = env
        .dir
        .path()
        .join(format!("ls-opened-{decision}-{last_hop}.url"));
    let profile = env.dir.path().join("chromium-profile");
    std::fs::write(
        &script,
        format!(
            r#"#!/bin/sh
url="$1"
printf '%s' "$url" > "{record}"
page=$(curl -s "$url")
transaction=$(printf '%s' "$page" | sed -n 's/.*name="transaction" value="\([^"]*\)".*/\1/p')
base="${{url%%/sso/authorize*}}"
location=$(curl -s -o /dev/null -w '%{{redirect_url}}' --data-urlencode "transaction=$transaction" \
  --data-urlencode "username={user}" --data-urlencode "password={password}" --data-urlencode "decision={decision}" "$base/sso/login")
if [ "{tamper}" = yes ]; then location=$(printf '%s' "$location" | sed 's/state=[^&]*/state=forged/'); fi
if [ "{last_hop}" = chromium ]; then
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --password-store=basic --user-data-dir="{profile}" \
    --virtual-time-budget=5000 --dump-dom "$location" > /dev/null 2>&1
else
  curl -s -o /dev/null "$location"
fi
"#,
            record = record.display(),
            profile = profile.display(),
            user = fx::USER_EMAIL,
            password = fx::USER_PASSWORD,
            decision = if decision == "tamper" { "allow" } else { decision },
            tamper = if decision == "tamper" { "yes" } else { "no" },
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    (format!("{} {{url}}", script.display()), record)
}

pub fn launch_json(env: &TestEnv, browser: &str, name: &str) -> Value {
    let output = env.run(&["--json", "--browser", browser, "launch", name]);
    assert_ok(&output);
    serde_json::from_str(&stdout(&output)).unwrap()
}

#[test]
fn code_grant_comes_back_and_activates_a_verified_license() {
    let env = TestEnv::new();
    let redirect_uri = free_redirect_uri(&env);
    add_account(&env, "Licensed", &["activate=true"], &signing_keys());
    let (command, record) = browser(&env, "allow", "curl");
    let summary = launch_json(&env, &command, "Licensed");
    assert_eq!(summary["came_back"], true, "{summary}");
    assert_eq!(summary["redirect_uri"], redirect_uri.as_str());
    assert_eq!(summary["facts"]["license key"], fx::LICENSE_KEY);
    assert_eq!(summary["facts"]["features"], "Export, Batch signing");
    assert_eq!(
        summary["facts"]["signature"],
        "verified with the vendor key"
    );
    let opened = std::fs::read_to_string(record).unwrap();
    let opened = url::Url::parse(&opened).unwrap();
    let params: Vec<(String, String)> = opened.query_pairs().into_owned().collect();
    assert!(
        params
            .iter()
            .any(|(key, value)| key == "state" && value.len() >= 16),
        "the app added a state: {opened}"
    );
    assert!(params.contains(&("response_type".into(), "code".into())));
    assert_eq!((env.count(SSO_URL), env.count(ACTIVATE)), (1, 1));
}

#[test]
fn token_grant_is_relayed_from_the_fragment_by_a_real_browser() {
    let env = TestEnv::new();
    free_redirect_uri(&env);
    add_account(
        &env,
        "Implicit",
        &["response_type=token", "activate=true"],
        &signing_keys(),
    );
    let (command, _) = browser(&env, "allow", "chromium");
    let summary = launch_json(&env, &command, "Implicit");
    assert_eq!(
        summary["facts"]["signed in as"],
        fx::USER_EMAIL,
        "{summary}"
    );
    assert_eq!(summary["facts"]["license key"], fx::LICENSE_KEY);
    assert_eq!(env.count(ACTIVATE), 1);
}

#[test]
fn without_activation_the_sign_in_only_reports_what_came_back() {
    let env = TestEnv::new();
    free_redirect_uri(&env);
    let bearer = format!("oauth_token={}\n", fx::OAUTH_TOKEN);
    add_account(&env, "Bearer", &[], &bearer);
    let (command, _) = browser(&env, "allow", "curl");
    let summary = launch_json(&env, &command, "Bearer");
    assert!(
        summary["facts"]["received"]
            .as_str()
            .unwrap()
            .contains("authorization code"),
        "{summary}"
    );
    assert_eq!(env.count(ACTIVATE), 0);
    let err = assert_exit(&env.run(&["token", "Bearer"]), 2);
    assert!(err.contains("hold no session token"), "{err}");
}

#[test]
fn denial_forgery_and_a_foreign_license_signature_keep_nothing() {
    let env = TestEnv::new();
    free_redirect_uri(&env);
    add_account(&env, "Licensed", &["activate=true"], &signing_keys());
    let (deny, _) = browser(&env, "deny", "curl");
    let err = assert_exit(&env.run(&["--browser", &deny, "launch", "Licensed"]), 8);
    assert!(err.contains("access_denied"), "{err}");
    // A forged state is refused, and the sign-in waits on (here 2 s) for the real answer.
    std::fs::write(
        env.config_dir().join("settings.toml"),
        "schema_version = 1\nloopback_timeout_seconds = 2\n",
    )
    .unwrap();
    let (tamper, _) = browser(&env, "tamper", "curl");
    let err = assert_exit(&env.run(&["--browser", &tamper, "launch", "Licensed"]), 8);
    assert!(
        err.contains("1 answer with a wrong or missing state"),
        "{err}"
    );
    std::fs::remove_file(env.config_dir().join("settings.toml")).unwrap();
    assert_eq!(env.count(ACTIVATE), 0);

    let wrong_key = format!("vendor_public_key={OTHER_VENDOR_KEY}");
    add_account(
        &env,
        "Foreign",
        &["activate=true", &wrong_key],
        &signing_keys(),
    );
    let (allow, _) = browser(&env, "allow", "curl");
    let err = assert_exit(&env.run(&["--browser", &allow, "launch", "Foreign"]), 7);
    assert!(
        err.contains("does not match the vendor public key"),
        "{err}"
    );
    assert!(!err.contains(fx::LICENSE_KEY), "{err}");
}

#[test]
fn documented_error_codes_become_plain_messages() {
    let env = TestEnv::new();
    free_redirect_uri(&env);
    let wrong_shared = format!("api_key={}\nshared_key=not-the-key\n", fx::API_KEY);
    add_account(&env, "Bad key", &[], &wrong_shared);
    let err = assert_exit(&env.run(&["accounts", "check", "Bad key"]), 5);
    assert!(
        err.contains("signature_mismatch") && err.contains("shared key is wrong"),
        "{err}"
    );
    add_account(&env, "Bad product", &["product=nope"], &signing_keys());
    let err = assert_exit(&env.run(&["accounts", "check", "Bad product"]), 5);
    assert!(
        err.contains("unknown_product") && err.contains("product was not found"),
        "{err}"
    );
    add_account(&env, "Good", &[], &signing_keys());
    env.control("POST", "clock", Some(json!({"advance_seconds": 20 * 60})));
    let err = assert_exit(&env.run(&["accounts", "check", "Good"]), 5);
    assert!(
        err.contains("date_header_diff") && err.contains("clock"),
        "{err}"
    );
    let err = assert_exit(
        &env.run(&["accounts", "edit", "Good", "--set", "response_type=both"]),
        3,
    );
    assert!(err.contains("must be code or token"), "{err}");
}

#[test]
fn a_redirect_uri_off_this_machine_opens_the_page_and_says_so() {
    let env = TestEnv::new();
    set_redirect_uri(&env, "https://vendor.example.com/sso/callback");
    add_account(&env, "Remote", &[], &signing_keys());
    let (command, record) = env.recording_browser();
    let summary = launch_json(&env, &command, "Remote");
    assert_eq!(summary["came_back"], false);
    assert!(
        summary["note"]
            .as_str()
            .unwrap()
            .contains("not on this machine"),
        "{summary}"
    );
    assert!(wait_for_file(&record).contains("/sso/authorize"));
}

#[test]
fn a_port_less_redirect_uri_means_port_80() {
    let env = TestEnv::new();
    set_redirect_uri(&env, "http://127.0.0.1/callback");
    add_account(&env, "Port 80", &[], &signing_keys());
    // What this machine allows decides the outcome; each is checked.
    let probe = std::net::TcpListener::bind("127.0.0.1:80").map(drop);
    let output = env.run(&["--json", "accounts", "check", "Port 80"]);
    match probe {
        Ok(()) => {
            assert_ok(&output);
            let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
            assert_eq!(report["redirect_uri"], "http://127.0.0.1/callback");
            assert!(
                report["note"].as_str().unwrap().contains("can receive"),
                "{report}"
            );
        }
        Err(err) if err.kind() == std::io::ErrorKind::PermissionDenied => {
            let err = assert_exit(&output, 3);
            assert!(
                err.contains("port 80") && err.contains("http://127.0.0.1:53682/callback"),
                "{err}"
            );
        }
        Err(_) => {
            let err = assert_exit(&output, 3);
            assert!(err.contains("port 80 is in use"), "{err}");
        }
    }
}

#[test]
fn checks_in_one_process_leave_the_redirect_port_free() {
    use sso_launcher::core::engine::{Engine, EngineOptions};
    use sso_launcher::core::paths::AppPaths;
    use sso_launcher::core::store::vault::MemoryVault;
    let env = TestEnv::new();
    let redirect_uri = free_redirect_uri(&env);
    let paths = AppPaths {
        config_dir: env.config_dir(),
        data_dir: env.data_dir(),
    };
    let engine = Engine::open(EngineOptions::new(
        paths,
        std::sync::Arc::new(MemoryVault::new()),
    ))
    .unwrap();
    let (account, secrets) = env
        .sandbox
        .sandbox()
        .demo_accounts()
        .into_iter()
        .find(|(account, _)| account.name == sso_launcher::sandbox::fixtures::LICENSESPRING_DEMO)
        .unwrap();
    let account = engine.add_account(account, secrets).unwrap();
    for _ in 0..3 {
        let report = env.runtime.block_on(engine.check(&account)).unwrap();
        assert_eq!(report.round_trip.unwrap().redirect_uri, redirect_uri);
    }
    std::net::TcpListener::bind(
        url::Url::parse(&redirect_uri)
            .unwrap()
            .socket_addrs(|| None)
            .unwrap()[0],
    )
    .expect("the port is free again");
}
