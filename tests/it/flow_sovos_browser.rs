//! The Sovos browser sign-in through the CLI against the strict sandbox. The "browser" is a
//! curl script that loads the login page, signs in (or denies, or tampers with the answer)
//! and follows the redirect to the app's loopback listener.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::support::*;
use serde_json::Value;
use sso_launcher::core::account::Account;
use sso_launcher::core::clock::ManualClock;
use sso_launcher::core::engine::{Engine, EngineOptions};
use sso_launcher::core::error::{ErrorKind, UserFacing};
use sso_launcher::core::paths::AppPaths;
use sso_launcher::core::store::vault::MemoryVault;
use sso_launcher::core::tokens::TokenSource;
use sso_launcher::sandbox::fixtures::sovos as fx;
use sso_launcher::sandbox::sovos::{AUTHORIZE, TOKEN};

/// Writes the scripted browser; its arguments: URL, then `allow`/`deny`, then `keep`/`tamper`.
pub fn sandbox_browser(env: &TestEnv, decision: &str, answer: &str) -> String {
    let script: PathBuf = env.dir.path().join("sovos-browser.sh");
    std::fs::write(
        &script,
        format!(
            r#"#!/bin/sh
url="$1"
page=$(curl -s "$url")
transaction=$(printf '%s' "$page" | sed -n 's/.*name="transaction" value="\([^"]*\)".*/\1/p')
base="${{url%%/oauth2/auth*}}"
location=$(curl -s -o /dev/null -w '%{{redirect_url}}' --data-urlencode "transaction=$transaction" \
  --data-urlencode "username={user}" --data-urlencode "password={password}" --data-urlencode "decision=$2" "$base/oauth2/login")
if [ "$3" = tamper ]; then location=$(printf '%s' "$location" | sed 's/state=[^&]*/state=forged/'); fi
curl -s -o /dev/null "$location"
"#,
            user = fx::USER_EMAIL,
            password = fx::USER_PASSWORD
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    format!("{} {{url}} {decision} {answer}", script.display())
}

pub fn add_browser_account(env: &TestEnv, name: &str, extra: &[&str]) {
    let issuer = format!("issuer={}", env.sandbox.sandbox().sovos_issuer());
    let client = format!("client_id={}", fx::PUBLIC_CLIENT_ID);
    let mut args = vec!["accounts", "add", name, "--provider", "sovos"];
    for pair in [issuer.as_str(), client.as_str()].iter().chain(extra) {
        args.extend(["--set", *pair]);
    }
    assert_ok(&env.run(&args));
}

/// An engine in this process (memory vault) with a public-client Sovos account "Signer".
pub fn in_process_engine(
    env: &TestEnv,
    browser: String,
    adjust: impl FnOnce(&mut EngineOptions),
) -> (Engine, Account) {
    let paths = AppPaths {
        config_dir: env.config_dir(),
        data_dir: env.data_dir(),
    };
    let mut options = EngineOptions::new(paths, Arc::new(MemoryVault::new()));
    options.browser_override = Some(browser);
    adjust(&mut options);
    let engine = Engine::open(options).unwrap();
    let mut account = Account::new("Signer", sso_launcher::core::provider::sovos::ID);
    account
        .settings
        .insert("issuer".into(), env.sandbox.sandbox().sovos_issuer().into());
    account
        .settings
        .insert("client_id".into(), fx::PUBLIC_CLIENT_ID.into());
    let account = engine.add_account(account, Vec::new()).unwrap();
    (engine, account)
}

#[test]
fn browser_sign_in_validates_the_id_token_and_keeps_the_tokens() {
    let mut env = TestEnv::new();
    add_browser_account(&env, "Signer", &[]);
    let browser = sandbox_browser(&env, "allow", "keep");
    let output = env.run(&["--json", "--browser", &browser, "login", "Signer"]);
    assert_ok(&output);
    let login: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(login["id_token_claims"]["email"], fx::USER_EMAIL, "{login}");
    assert_eq!(
        login["id_token_claims"]["iss"],
        env.sandbox.sandbox().sovos_issuer()
    );
    assert_eq!(login["id_token_claims"]["aud"][0], fx::PUBLIC_CLIENT_ID);
    assert_eq!(login["refresh_token_held"], true);
    assert!(
        login.get("access_token").is_none(),
        "login does not print the token"
    );

    // A second process gets the token from the keyring: no browser, no new sign-in.
    let token: Value =
        serde_json::from_str(&stdout(&env.run(&["--json", "token", "Signer"]))).unwrap();
    assert_eq!(token["source"], "vault");
    assert_eq!(token["id_token_claims"]["sub"], "sovos-user-0001");
    env.secrets
        .push(token["access_token"].as_str().unwrap().to_string());
    assert_eq!((env.count(AUTHORIZE), env.count(TOKEN)), (1, 1));
    let launched = stderr(&env.run(&["launch", "Signer"]));
    assert!(
        launched.contains("holds a valid Bearer token"),
        "{launched}"
    );
}

#[test]
fn confidential_client_signs_in_with_its_secret() {
    let env = TestEnv::new();
    let issuer = format!("issuer={}", env.sandbox.sandbox().sovos_issuer());
    let client = format!("client_id={}", fx::CLIENT_ID);
    let args = [
        "accounts",
        "add",
        "Signer",
        "--provider",
        "sovos",
        "--set",
        &issuer,
        "--set",
        &client,
        "--secrets-from-stdin",
    ];
    assert_ok(&env.run_with_stdin(&args, &format!("client_secret={}\n", fx::CLIENT_SECRET)));
    let browser = sandbox_browser(&env, "allow", "keep");
    assert_ok(&env.run(&["--browser", &browser, "login", "Signer"]));
    assert!(env.session_stored("Signer"));
}

#[test]
fn denial_tampering_and_timeouts_end_clearly_with_no_tokens_stored() {
    let env = TestEnv::new();
    add_browser_account(&env, "Signer", &[]);
    std::fs::write(
        env.config_dir().join("settings.toml"),
        "schema_version = 1\nloopback_timeout_seconds = 1.5\n",
    )
    .unwrap();
    let cases = [
        (
            sandbox_browser(&env, "deny", "keep"),
            "access_denied: The user denied access",
        ),
        // A forged state is refused and the sign-in waits on until its timeout.
        (
            sandbox_browser(&env, "allow", "tamper"),
            "1 answer with a wrong or missing state",
        ),
        ("true {url}".to_string(), "no sign-in answer arrived"),
        (
            "/nonexistent/browser {url}".to_string(),
            "Open this address in a browser",
        ),
    ];
    for (browser, expected) in cases {
        let output = env.run(&["--browser", &browser, "login", "Signer"]);
        let err = assert_exit(&output, 8);
        assert!(err.contains(expected), "{browser}: {err}");
        assert!(!env.session_stored("Signer"), "{browser}: no token stored");
    }
    assert_eq!(env.count(TOKEN), 0, "no code was ever exchanged");
}

#[test]
fn an_expired_session_is_refreshed_without_the_browser() {
    let env = TestEnv::new();
    let clock = Arc::new(ManualClock::new(time::OffsetDateTime::now_utc()));
    let (engine, account) =
        in_process_engine(&env, sandbox_browser(&env, "allow", "keep"), |options| {
            options.clock = clock.clone();
        });

    let first = env.runtime.block_on(engine.login(&account, None)).unwrap();
    assert!(first.token.refresh_token.is_some());
    clock.advance(Duration::from_secs(61 * 60));
    let renewed = env.runtime.block_on(engine.token(&account)).unwrap();
    assert_eq!(renewed.source, TokenSource::Fresh);
    assert_ne!(
        renewed.token.value.expose_secret(),
        first.token.value.expose_secret()
    );
    // The identity carries over; a new ID token from the refresh has its own `exp` (a second
    // later when the refresh crosses one), as OpenID Connect allows (Core §12.2).
    let identity = |claims: &Option<sso_launcher::core::provider::IdClaims>| {
        claims
            .as_ref()
            .map(|c| (c.iss.clone(), c.sub.clone(), c.aud.clone(), c.email.clone()))
    };
    assert_eq!(
        identity(&renewed.token.id_claims),
        identity(&first.token.id_claims),
        "the identity carried over"
    );
    assert!(identity(&renewed.token.id_claims).is_some());
    assert_eq!(
        (env.count(AUTHORIZE), env.count(TOKEN)),
        (1, 2),
        "refreshed, not signed in again"
    );
}

#[test]
fn a_new_sign_in_cancels_the_one_still_waiting() {
    let env = TestEnv::new();
    // The first time, the "browser" does nothing (the user walked away); then it signs in.
    let marker = env.dir.path().join("first-done");
    let script = env.dir.path().join("second-time-lucky.sh");
    let signing_in = sandbox_browser(&env, "allow", "keep");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nif [ -e {m} ]; then exec {real}; fi\ntouch {m}\n",
            m = marker.display(),
            real = signing_in.replace("{url}", "\"$1\"")
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let (engine, account) =
        in_process_engine(&env, format!("{} {{url}}", script.display()), |_| {});
    let engine = Arc::new(engine);

    let (first, second) = env.runtime.block_on(async {
        let waiting = {
            let (engine, account) = (engine.clone(), account.clone());
            tokio::spawn(async move { engine.login(&account, None).await })
        };
        while !marker.exists() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let second = engine.login(&account, None).await;
        (waiting.await.unwrap(), second)
    });
    let err = first.unwrap_err();
    assert!(err.to_string().contains("cancelled"), "{err}");
    assert!(second.unwrap().token.id_claims.is_some());
}

/// "Refresh all" renews without asking: once the refresh token is refused, the account fails
/// with a clear error instead of opening a browser; a renewal the user asked for still may.
#[test]
fn a_refused_refresh_fails_without_a_browser_unless_the_user_asked() {
    let env = TestEnv::new();
    let (engine, account) = in_process_engine(&env, sandbox_browser(&env, "allow", "keep"), |_| {});
    env.runtime.block_on(engine.login(&account, None)).unwrap();
    assert_eq!(env.count(AUTHORIZE), 1);

    // Someone else uses the refresh token: the sandbox rotates it, so the one held is dead.
    let held = env
        .runtime
        .block_on(engine.held_session(&account))
        .unwrap()
        .unwrap();
    let refresh_token = held.refresh_token.expect("a refresh token was granted");
    let token_url = format!(
        "{}{}",
        env.sandbox.sandbox().sovos_issuer(),
        sso_launcher::sandbox::sovos::TOKEN_PATH
    );
    let status = env.runtime.block_on(async {
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose_secret()),
            ("client_id", fx::PUBLIC_CLIENT_ID),
        ];
        let response = reqwest::Client::new()
            .post(&token_url)
            .form(&form)
            .send()
            .await
            .unwrap();
        response.status().as_u16()
    });
    assert_eq!(status, 200);

    let err = env
        .runtime
        .block_on(engine.renew(&account, false))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BrowserFlow, "{err}");
    assert!(err.to_string().contains("browser"), "{err}");
    assert_eq!(env.count(AUTHORIZE), 1, "no browser was opened");
    assert_eq!(
        env.runtime
            .block_on(engine.held_session(&account))
            .unwrap()
            .map(|session| session.value.expose_secret().to_string()),
        Some(held.value.expose_secret().to_string()),
        "the held session is left as it was"
    );

    // The user's own "Refresh" signs in through the browser.
    let renewed = env.runtime.block_on(engine.renew(&account, true)).unwrap();
    assert_eq!(renewed.source, TokenSource::Fresh);
    assert_eq!(env.count(AUTHORIZE), 2);
}
