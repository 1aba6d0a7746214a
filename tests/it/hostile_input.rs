//! Hostile input (issue 14): what a server, a web page or a local user sends never crashes a
//! sign-in, never aborts one that is waiting, and never leaks.

use serde_json::Value;
use time::OffsetDateTime;

use crate::flow_ags::add_ags;
use crate::flow_signnow::{add_password_account, default_secrets};
use crate::flow_sovos::add_sovos;
use crate::support::*;
use sso_launcher::core::provider::MAX_SERVER_LIFETIME;
use sso_launcher::sandbox::fixtures::{ags, sovos};

/// The accounts of the three token servers: AGS "Gateway", Sovos "Signer", signNow "Sign".
fn add_token_accounts(env: &TestEnv) {
    assert_ok(&add_ags(
        env,
        "Gateway",
        &[],
        &format!("session_token={}\n", ags::SESSION_TOKEN),
    ));
    assert_ok(&add_sovos(env, "Signer", &[], sovos::CLIENT_SECRET));
    assert_ok(&add_password_account(env, "Sign", &default_secrets(), &[]));
}

/// Until when `token --json` says the token is good.
fn expires_at(output: &std::process::Output) -> OffsetDateTime {
    assert_ok(output);
    let answer: Value = serde_json::from_str(&stdout(output)).unwrap();
    let text = answer["expires_at"].as_str().expect("an expiry");
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap()
}

/// An `expires_in` of 99999999999999 seconds (AGS's as a string, the refresh lifetimes too)
/// used to overflow the time arithmetic and kill the launch (exit 101). It is capped at the
/// documented maximum, a year and a day, and the token works.
#[test]
fn an_absurd_lifetime_from_any_token_server_is_capped_not_a_crash() {
    let mut env = TestEnv::new();
    env.secrets.push(sovos::CLIENT_SECRET.into());
    add_token_accounts(&env);
    let cases = [
        ("Gateway", sso_launcher::sandbox::ags::SIGN_ON_SESSION),
        ("Signer", sso_launcher::sandbox::sovos::TOKEN),
        ("Sign", sso_launcher::sandbox::signnow::TOKEN),
    ];
    for (name, endpoint) in cases {
        env.fault(endpoint, "absurd_lifetime", 1, 0);
        let before = OffsetDateTime::now_utc();
        let until = expires_at(&env.run(&["--json", "token", name]));
        let most = before + MAX_SERVER_LIFETIME + time::Duration::minutes(5);
        assert!(
            until > before && until <= most,
            "{name}: good until {until}"
        );
        // The capped session is kept and handed out again without a new sign-in.
        let calls = env.count(endpoint);
        let again = expires_at(&env.run(&["--json", "token", name]));
        // Kept to the second.
        assert!(
            (again - until).abs() < time::Duration::SECOND,
            "{name}: {again} after {until}"
        );
        assert_eq!(env.count(endpoint), calls, "{name} signed in again");
    }
}

fn licensespring_variant(env: &TestEnv, variant: &str) {
    env.control(
        "POST",
        "variants",
        Some(serde_json::json!({"endpoint": sso_launcher::sandbox::licensespring::SSO_URL, "variant": variant})),
    );
}

/// LicenseSpring's SSO URL comes from its server: a `state` in it is replaced by the app's own
/// (one the server chose would let whoever knows it answer the sign-in), and a URL that is
/// not an https page (javascript:, file:) is never opened.
#[test]
fn licensespring_opens_only_web_pages_with_a_state_of_its_own() {
    use crate::flow_licensespring::{
        add_account, browser, free_redirect_uri, launch_json, signing_keys,
    };
    let env = TestEnv::new();
    free_redirect_uri(&env);
    add_account(&env, "Licensed", &["activate=true"], &signing_keys());
    licensespring_variant(&env, "with_state");
    let (command, record) = browser(&env, "allow", "curl");
    let summary = launch_json(&env, &command, "Licensed");
    assert_eq!(summary["came_back"], true, "{summary}");
    let opened = url::Url::parse(&std::fs::read_to_string(record).unwrap()).unwrap();
    let states: Vec<String> = opened
        .query_pairs()
        .filter(|(key, _)| key == "state")
        .map(|(_, value)| value.into_owned())
        .collect();
    assert_eq!(states.len(), 1, "{opened}");
    assert!(
        states[0] != "server-chosen" && states[0].len() >= 16,
        "{opened}"
    );

    for (variant, scheme) in [("javascript", "javascript:"), ("file", "file:")] {
        licensespring_variant(&env, variant);
        let (recording, opened) = env.recording_browser();
        let err = assert_exit(
            &env.run(&["--browser", &recording, "launch", "Licensed"]),
            7,
        );
        assert!(err.contains(&format!("is a {scheme} address")), "{err}");
        assert!(!opened.exists(), "{variant}: a browser was given it");
    }
}

/// OpenID Connect Core §12.2: the ID token a refresh brings must name the user the sign-in
/// did. One that names another user is refused, and no session is renewed with it.
#[test]
fn a_refreshed_id_token_for_another_user_is_refused() {
    use crate::flow_sovos_browser::{in_process_engine, sandbox_browser};
    use sso_launcher::core::clock::ManualClock;
    use std::sync::Arc;
    let env = TestEnv::new();
    let clock = Arc::new(ManualClock::new(OffsetDateTime::now_utc()));
    let (engine, account) =
        in_process_engine(&env, sandbox_browser(&env, "allow", "keep"), |options| {
            options.clock = clock.clone();
        });
    let first = env.runtime.block_on(engine.login(&account, None)).unwrap();
    let first_sub = first.token.id_claims.as_ref().unwrap().sub.clone();
    env.control(
        "POST",
        "variants",
        Some(serde_json::json!({"endpoint": sso_launcher::sandbox::sovos::TOKEN, "variant": "other_subject_on_refresh"})),
    );
    clock.advance(std::time::Duration::from_secs(61 * 60));
    let err = env.runtime.block_on(engine.token(&account)).unwrap_err();
    assert!(err.to_string().contains("names another user"), "{err}");
    // The next launch signs in afresh (the refresh token was spent) as the same user.
    env.control(
        "POST",
        "variants",
        Some(serde_json::json!({"endpoint": sso_launcher::sandbox::sovos::TOKEN, "variant": "plain"})),
    );
    let again = env.runtime.block_on(engine.token(&account)).unwrap();
    assert_eq!(again.token.id_claims.as_ref().unwrap().sub, first_sub);
}

/// A server that echoes the session token in its error, with terminal escape sequences and a
/// text-direction override: the error the user reads, the JSON error and the audit log quote a
/// short, clean excerpt without the token. A redirect is shown without its query.
#[test]
fn server_text_is_quoted_short_clean_and_without_what_was_sent() {
    let mut env = TestEnv::new();
    let token = "echoed-session-token-7f3a9c";
    env.secrets.push(token.into());
    assert_ok(&add_ags(
        &env,
        "Echo",
        &[],
        &format!("session_token={token}\n"),
    ));
    env.control(
        "POST",
        "variants",
        Some(serde_json::json!({"endpoint": sso_launcher::sandbox::ags::SIGN_ON_SESSION, "variant": "echo"})),
    );
    for json in [false, true] {
        let mut args = vec!["token", "Echo"];
        if json {
            args.insert(0, "--json");
        }
        let err = assert_exit(&env.run(&args), 5);
        assert!(err.contains("invalid session token [sent value]"), "{err}");
        assert!(!err.contains(token), "{err}");
        assert!(
            !err.contains('\x1b') && !err.contains('\u{202e}'),
            "{err:?}"
        );
    }
    let audit = std::fs::read_to_string(env.data_dir().join("audit.jsonl")).unwrap();
    assert!(
        audit.contains("sent value") && !audit.contains(token),
        "{audit}"
    );
    assert!(!audit.contains("\\u001b"), "{audit}");

    env.add_assuresign("Portal", &[]);
    env.fault(
        sso_launcher::sandbox::assuresign::API_USER,
        "redirect",
        1,
        0,
    );
    let err = assert_exit(&env.run(&["launch", "Portal", "--print-url"]), 7);
    assert!(err.contains("https://login.example.com/portal"), "{err}");
    assert!(!err.contains("ticket"), "{err}");
}

/// Secrets that could slip into plain text: an AGS parameter named like a password given as a
/// setting is refused (it would sit in accounts.toml), and `doctor` shows a proxy's address
/// without the user name and password in it.
#[test]
fn secrets_do_not_slip_into_settings_or_the_doctors_report() {
    let mut env = TestEnv::new();
    env.secrets.extend([
        "hunter2-as-setting".to_string(),
        "s3cret-proxy-pw".to_string(),
    ]);
    for key in [
        "param.Password",
        "param.sessionToken",
        "param.client_secret",
    ] {
        let set = format!("{key}=hunter2-as-setting");
        let output = add_ags(&env, "Leaky", &["sign_on=password", &set], "password=p\n");
        let err = assert_exit(&output, 2);
        assert!(err.contains("looks like a secret"), "{key}: {err}");
    }
    assert!(!env.config_dir().join("accounts.toml").exists());
    assert_ok(&add_ags(
        &env,
        "Fine",
        &["sign_on=password", "param.Username=alice"],
        "password=p\n",
    ));

    let output = env
        .cli()
        .env(
            "HTTPS_PROXY",
            "http://alice:s3cret-proxy-pw@proxy.example:3128",
        )
        .args(["doctor"])
        .output()
        .unwrap();
    let report = stdout(&output);
    assert!(report.contains("http://***@proxy.example:3128"), "{report}");
    assert!(!report.contains("s3cret-proxy-pw") && !stderr(&output).contains("s3cret-proxy-pw"));
}

/// Every reason an ID token must be refused, each from the sandbox's token endpoint: a broken
/// signature, `alg: none`, another audience, another issuer, an expired token, an `at_hash`
/// that does not match the access token. Each ends the sign-in with exit 7, keeping nothing.
#[test]
fn every_bad_id_token_is_refused_and_nothing_is_kept() {
    use crate::flow_sovos_browser::{add_browser_account, sandbox_browser};
    let env = TestEnv::new();
    add_browser_account(&env, "Signer", &[]);
    let browser = sandbox_browser(&env, "allow", "keep");
    let variant = |name: &str| {
        env.control(
            "POST",
            "variants",
            Some(serde_json::json!({"endpoint": sso_launcher::sandbox::sovos::TOKEN, "variant": name})),
        );
    };
    for bad in [
        "bad_signature",
        "alg_none",
        "wrong_aud",
        "wrong_iss",
        "expired",
        "at_hash_mismatch",
    ] {
        variant(bad);
        let err = assert_exit(&env.run(&["--browser", &browser, "login", "Signer"]), 7);
        assert!(err.contains("ID token"), "{bad}: {err}");
        assert!(!env.session_stored("Signer"), "{bad}: a session was kept");
    }
    variant("plain");
    assert_ok(&env.run(&["--browser", &browser, "login", "Signer"]));
    assert!(env.session_stored("Signer"));
}

/// An answer over the 1 MiB cap, from each provider's first call, is refused (exit 7) before
/// it is read whole.
#[test]
fn an_answer_over_the_cap_is_refused_by_every_provider() {
    use crate::flow_licensespring::{add_account, free_redirect_uri, signing_keys};
    let mut env = TestEnv::new();
    env.secrets.push(sovos::CLIENT_SECRET.into());
    env.add_assuresign("Sign AS", &[]);
    add_token_accounts(&env);
    free_redirect_uri(&env);
    add_account(&env, "Licensed", &[], &signing_keys());
    let cases = [
        (
            "Sign AS",
            sso_launcher::sandbox::assuresign::API_USER,
            "token",
        ),
        (
            "Gateway",
            sso_launcher::sandbox::ags::SIGN_ON_SESSION,
            "token",
        ),
        ("Signer", sso_launcher::sandbox::sovos::TOKEN, "token"),
        ("Sign", sso_launcher::sandbox::signnow::TOKEN, "token"),
        (
            "Licensed",
            sso_launcher::sandbox::licensespring::SSO_URL,
            "launch",
        ),
    ];
    for (name, endpoint, command) in cases {
        env.fault(endpoint, "huge_body", 1, 0);
        let (recording, _) = env.recording_browser();
        let err = assert_exit(&env.run(&["--browser", &recording, command, name]), 7);
        assert!(err.contains("larger than 1048576 bytes"), "{name}: {err}");
    }
}

/// A link the window shows because no browser could open it is copied through the worker like
/// any one-time link: marked to stay out of clipboard histories, and cleared when its time is
/// up (settings clipboard_seconds), instead of staying on the clipboard for good.
#[test]
fn the_shown_links_copy_is_cleared_like_any_copied_link() {
    use crate::gui_support::*;
    use sso_launcher::core::store::vault::KeyringVault;
    let _turn = clipboard_turn();
    let env = TestEnv::new();
    std::fs::create_dir_all(env.config_dir()).unwrap();
    std::fs::write(
        env.config_dir().join("settings.toml"),
        "schema_version = 1\nclipboard_seconds = 2\n",
    )
    .unwrap();
    env.add_assuresign("Acme", &[]);
    let mut options = gui_options(&env, std::sync::Arc::new(KeyringVault::new()));
    options.browser_override = Some("/nonexistent/browser {url}".into());
    let mut harness = window(sso_launcher::gui::engine_factory(options));
    wait_for(&mut harness, "the account", |app| {
        app.state.accounts.len() == 1
    });
    act(&mut harness, "Launch", "Acme");
    wait_for(&mut harness, "the failed browser", |app| {
        launch_done(app, "Acme")
    });
    click(&mut harness, "Copy the link shown");
    let copied = wait_for_clipboard("the shown link", |seen| seen.contains("ssoToken="));
    let id = account_id(&harness, "Acme");
    wait_for(&mut harness, "the copy's time", |app| {
        app.state.copied_until.contains_key(&id)
    });
    wait_for(&mut harness, "the clearing", |app| {
        !app.state.copied_until.contains_key(&id)
    });
    assert_ne!(read_clipboard(), copied, "the link stayed on the clipboard");
}

/// An OAuth server that quotes the refused client secret back in its error_description (with
/// terminal escapes): the error the user reads and the audit log never hold it.
#[test]
fn an_oauth_error_never_quotes_the_secret_that_was_sent() {
    let mut env = TestEnv::new();
    let wrong = "wrong-client-secret-9f8e7d6c";
    env.secrets.push(wrong.into());
    assert_ok(&add_sovos(&env, "Signer", &[], wrong));
    env.control(
        "POST",
        "variants",
        Some(serde_json::json!({"endpoint": sso_launcher::sandbox::sovos::TOKEN, "variant": "echo_secret"})),
    );
    let err = assert_exit(&env.run(&["token", "Signer"]), 5);
    assert!(
        err.contains("client secret [sent value] is not valid"),
        "{err}"
    );
    assert!(!err.contains(wrong) && !err.contains('\x1b'), "{err:?}");
    let audit = std::fs::read_to_string(env.data_dir().join("audit.jsonl")).unwrap();
    assert!(!audit.contains(wrong), "{audit}");
}
