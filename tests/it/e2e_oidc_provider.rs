//! Against the real thing: panva's `oidc-provider` on loopback as the identity provider and
//! Debian's Chromium, driven by playwright-core, as the user's browser (both installed by
//! `scripts/test`). A Sovos-type account signs in, its tokens are validated and refreshed;
//! denial and tampering each end with a clear message and no tokens kept.

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use crate::support::*;
use serde_json::Value;
use sso_launcher::core::account::{Account, ProviderId};
use sso_launcher::core::clock::ManualClock;
use sso_launcher::core::engine::{Engine, EngineOptions};
use sso_launcher::core::paths::AppPaths;
use sso_launcher::core::store::vault::MemoryVault;
use sso_launcher::core::tokens::TokenSource;

const E2E_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/e2e");
const CLIENT_ID: &str = "e2e-native";
/// Environment variables that switch on the provider script's tampering hooks.
type Hooks = &'static [(&'static str, &'static str)];

/// A running oidc-provider; stopped when dropped.
struct OidcProvider {
    child: Child,
    issuer: String,
}

impl OidcProvider {
    fn start(hooks: &[(&str, &str)]) -> Self {
        let mut child = Command::new("node")
            .arg(format!("{E2E_DIR}/provider.mjs"))
            .envs(hooks.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node is installed by scripts/test");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let started: Value = serde_json::from_str(&line).unwrap_or_else(|_| {
            panic!("oidc-provider did not start (run npm ci in tests/e2e): {line}")
        });
        Self {
            child,
            issuer: started["issuer"].as_str().unwrap().to_string(),
        }
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn browser(mode: &str) -> String {
    format!("node {E2E_DIR}/browser.mjs {{url}} {mode}")
}

/// `prompt=consent` and `offline_access`: oidc-provider grants refresh tokens only so.
fn add_account(env: &TestEnv, name: &str, issuer: &str) {
    add_account_of(env, "sovos", name, issuer, &[]);
}

fn add_account_of(env: &TestEnv, provider: &str, name: &str, issuer: &str, more: &[&str]) {
    let issuer = format!("issuer={issuer}");
    let client = format!("client_id={CLIENT_ID}");
    let args = [
        "accounts",
        "add",
        name,
        "--provider",
        provider,
        "--set",
        &issuer,
        "--set",
        &client,
        "--set",
        "scopes=openid email offline_access",
        "--set",
        "prompt=consent",
    ];
    let sets: Vec<String> = more.iter().map(|pair| format!("--set={pair}")).collect();
    let args: Vec<&str> = args
        .iter()
        .copied()
        .chain(sets.iter().map(String::as_str))
        .collect();
    assert_ok(&env.run(&args));
}

#[test]
fn signs_in_with_a_real_provider_and_browser_then_refreshes() {
    let mut env = TestEnv::new();
    let provider = OidcProvider::start(&[]);
    add_account(&env, "OP", &provider.issuer);
    let output = env.run(&["--json", "--browser", &browser("allow"), "login", "OP"]);
    assert_ok(&output);
    let login: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let claims = &login["id_token_claims"];
    assert_eq!(claims["iss"], provider.issuer.as_str(), "{login}");
    assert_eq!(
        (claims["sub"].as_str(), claims["aud"][0].as_str()),
        (Some("jane"), Some(CLIENT_ID))
    );
    assert_eq!(login["refresh_token_held"], true);
    let token: Value = serde_json::from_str(&stdout(&env.run(&["--json", "token", "OP"]))).unwrap();
    assert_eq!(
        (
            token["source"].as_str(),
            token["id_token_claims"]["sub"].as_str()
        ),
        (Some("vault"), Some("jane"))
    );
    env.secrets
        .push(token["access_token"].as_str().unwrap().to_string());

    renews_with_the_refresh_token_alone(
        &env,
        sso_launcher::core::provider::sovos::ID,
        &provider.issuer,
    );
}

/// One engine signs in; a second one, whose clock has moved past the token's life and whose
/// browser cannot start, must renew it with the refresh token alone.
fn renews_with_the_refresh_token_alone(env: &TestEnv, provider: ProviderId, issuer: &str) {
    let vault = Arc::new(MemoryVault::new());
    let clock = Arc::new(ManualClock::new(time::OffsetDateTime::now_utc()));
    let paths = AppPaths {
        config_dir: env.dir.path().join("engine"),
        data_dir: env.dir.path().join("engine/data"),
    };
    let engine_with = |browser_command: String| {
        let mut options = EngineOptions::new(paths.clone(), vault.clone());
        options.clock = clock.clone();
        options.browser_override = Some(browser_command);
        Engine::open(options).unwrap()
    };
    let signing_in = engine_with(browser("allow"));
    let mut account = Account::new("OP", provider);
    for (key, value) in [
        ("issuer", issuer),
        ("client_id", CLIENT_ID),
        ("scopes", "openid offline_access"),
        ("prompt", "consent"),
    ] {
        account.settings.insert(key.into(), value.into());
    }
    let account = signing_in.add_account(account, Vec::new()).unwrap();
    let first = env
        .runtime
        .block_on(signing_in.login(&account, None))
        .unwrap();
    clock.advance(Duration::from_secs(2 * 3600));
    let refreshing = engine_with("/nonexistent/browser {url}".into());
    let renewed = env.runtime.block_on(refreshing.token(&account)).unwrap();
    assert_eq!(renewed.source, TokenSource::Fresh);
    assert_ne!(
        renewed.token.value.expose_secret(),
        first.token.value.expose_secret()
    );
    assert_eq!(renewed.token.id_claims.as_ref().unwrap().sub, "jane");
}

#[test]
fn denial_tampering_and_provider_failure_end_clearly_with_nothing_kept() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.config_dir()).unwrap();
    std::fs::write(
        env.config_dir().join("settings.toml"),
        "schema_version = 1\nloopback_timeout_seconds = 30\n",
    )
    .unwrap();
    let cases: [(Hooks, &str, i32, &str); 5] = [
        (&[], "deny", 8, "access_denied"),
        // Refused; the sign-in waits on until the timeout (8 s for this case).
        (
            &[("E2E_TAMPER_STATE", "1")],
            "allow",
            8,
            "1 answer with a wrong or missing state",
        ),
        (&[], "tamper-pkce", 5, "invalid_grant"),
        (&[], "tamper-nonce", 7, "nonce mismatch"),
        (
            &[("E2E_FAIL_TOKEN", "1")],
            "allow",
            6,
            "the token endpoint is failing",
        ),
    ];
    for (index, (hooks, mode, code, expected)) in cases.into_iter().enumerate() {
        let timeout = if hooks.is_empty() || hooks[0].0 != "E2E_TAMPER_STATE" {
            30
        } else {
            // Long enough for Chromium to start on a loaded 2-core machine.
            8
        };
        std::fs::write(
            env.config_dir().join("settings.toml"),
            format!("schema_version = 1\nloopback_timeout_seconds = {timeout}\n"),
        )
        .unwrap();
        let provider = OidcProvider::start(hooks);
        let name = format!("OP {index}");
        add_account(&env, &name, &provider.issuer);
        let err = assert_exit(
            &env.run(&["--browser", &browser(mode), "login", &name]),
            code,
        );
        assert!(err.contains(expected), "{mode} {hooks:?}: {err}");
        assert!(!env.session_stored(&name), "{mode}: no tokens kept");
    }
}

/// The generic OpenID Connect provider (`--provider oidc`) against the same real provider:
/// the browser sign-in, the token from the vault, the landing page a launch opens once the
/// session is held, a refresh, tampering refused, and client credentials.
#[test]
fn the_generic_openid_connect_provider_works_with_a_real_provider() {
    let mut env = TestEnv::new();
    let provider = OidcProvider::start(&[]);
    let landing = format!("{}/landing", provider.issuer);
    let landing_setting = format!("landing_url={landing}");
    add_account_of(
        &env,
        "oidc",
        "Generic",
        &provider.issuer,
        &[&landing_setting],
    );
    let output = env.run(&["--json", "--browser", &browser("allow"), "login", "Generic"]);
    assert_ok(&output);
    let login: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(login["id_token_claims"]["iss"], provider.issuer.as_str());
    assert_eq!(login["id_token_claims"]["sub"], "jane");
    assert_eq!(login["refresh_token_held"], true);
    let token: Value =
        serde_json::from_str(&stdout(&env.run(&["--json", "token", "Generic"]))).unwrap();
    assert_eq!(token["source"], "vault");
    env.secrets
        .push(token["access_token"].as_str().unwrap().to_string());

    // With the session held, a launch opens the landing page; nothing else is asked for.
    let output = env.run(&["launch", "Generic", "--print-url"]);
    assert_ok(&output);
    assert_eq!(stdout(&output).trim(), landing);

    renews_with_the_refresh_token_alone(
        &env,
        sso_launcher::core::provider::oidc::ID,
        &provider.issuer,
    );

    // A tampered nonce is refused, and nothing is kept.
    add_account_of(&env, "oidc", "Tampered", &provider.issuer, &[]);
    let err = assert_exit(
        &env.run(&["--browser", &browser("tamper-nonce"), "login", "Tampered"]),
        7,
    );
    assert!(
        err.contains("nonce mismatch") && err.contains("OpenID Connect"),
        "{err}"
    );
    assert!(!env.session_stored("Tampered"));

    // Client credentials with the service client's secret (client_secret_basic).
    let issuer = format!("issuer={}", provider.issuer);
    let output = env.run_with_stdin(
        &[
            "accounts",
            "add",
            "Service",
            "--provider",
            "oidc",
            "--set",
            &issuer,
            "--set",
            "client_id=e2e-service",
            "--set",
            "grant=client_credentials",
            "--secrets-from-stdin",
        ],
        "client_secret=e2e-service-secret-7b1d\n",
    );
    assert_ok(&output);
    env.secrets.push("e2e-service-secret-7b1d".into());
    let output = env.run(&["--json", "token", "Service"]);
    assert_ok(&output);
    let service: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(service["token_type"], "Bearer");
    assert!(service["access_token"].as_str().unwrap().len() > 10);
    env.secrets
        .push(service["access_token"].as_str().unwrap().to_string());
}
