//! The fault matrix (issue 14): every sandbox fault against every provider's first answer,
//! through the CLI as a user runs it. Each cell must end in a clear message that names the
//! provider and says what to do, the documented exit code, nothing kept, no panic, and no more
//! of the body than a short, clean excerpt that never holds a value the app sent.

use crate::flow_ags::add_ags;
use crate::flow_licensespring::{add_account, free_redirect_uri, signing_keys};
use crate::flow_signnow::{add_password_account, default_secrets};
use crate::flow_sovos::add_sovos;
use crate::support::*;
use sso_launcher::sandbox::fixtures::{ags, sovos};
use sso_launcher::sandbox::{
    ags as ags_fake, assuresign, licensespring, signnow as signnow_fake, sovos as sovos_fake,
};

/// One provider's row: its account, the command that reaches its first answer, the endpoint
/// that answers it, and where a presented credential can be refused as expired.
struct Row {
    provider: &'static str,
    account: &'static str,
    command: &'static str,
    endpoint: &'static str,
    /// The endpoint that checks a credential the app presents, and how many refusals it
    /// takes to give up (AssureSign signs in again once before it does).
    expired_at: (&'static str, u32),
    add: fn(&TestEnv),
    /// The user's browser: a command and the file it records the URL it was given in.
    browser: fn(&TestEnv) -> (String, std::path::PathBuf),
}

/// One column: the fault, its delay, the exit code it must end in (0: it must work), and
/// what the message must say.
struct Column {
    fault: &'static str,
    delay_ms: u64,
    exit: i32,
    says: &'static [&'static str],
}

const ROWS: &[Row] = &[
    Row {
        provider: "AssureSign",
        account: "Acme",
        command: "launch",
        endpoint: assuresign::API_USER,
        expired_at: (assuresign::SSO, 2),
        add: |env| env.add_assuresign("Acme", &[]),
        browser: TestEnv::recording_browser,
    },
    Row {
        provider: "AGS",
        account: "Gateway",
        command: "token",
        endpoint: ags_fake::SIGN_ON_SESSION,
        expired_at: (ags_fake::SIGN_ON_SESSION, 1),
        add: |env| {
            let secrets = format!("session_token={}\n", ags::SESSION_TOKEN);
            assert_ok(&add_ags(env, "Gateway", &[], &secrets));
        },
        browser: TestEnv::recording_browser,
    },
    Row {
        provider: "LicenseSpring",
        account: "Licensed",
        command: "launch",
        endpoint: licensespring::SSO_URL,
        expired_at: (licensespring::SSO_URL, 1),
        add: |env| {
            free_redirect_uri(env);
            add_account(env, "Licensed", &[], &signing_keys());
        },
        // It signs in on the sandbox's page, as a user would, so a launch that works ends.
        browser: |env| crate::flow_licensespring::browser(env, "allow", "curl"),
    },
    Row {
        provider: "signNow",
        account: "Sign",
        command: "token",
        endpoint: signnow_fake::TOKEN,
        expired_at: (signnow_fake::TOKEN, 1),
        add: |env| assert_ok(&add_password_account(env, "Sign", &default_secrets(), &[])),
        browser: TestEnv::recording_browser,
    },
    Row {
        provider: "Sovos",
        account: "Signer",
        command: "token",
        endpoint: sovos_fake::TOKEN,
        expired_at: (sovos_fake::TOKEN, 1),
        add: |env| assert_ok(&add_sovos(env, "Signer", &[], sovos::CLIENT_SECRET)),
        browser: TestEnv::recording_browser,
    },
];

const COLUMNS: &[Column] = &[
    Column {
        fault: "html_body",
        delay_ms: 0,
        exit: 6,
        says: &["HTML page"],
    },
    Column {
        fault: "status_500",
        delay_ms: 0,
        exit: 6,
        says: &[],
    },
    Column {
        fault: "malformed_json",
        delay_ms: 0,
        exit: 7,
        says: &[],
    },
    Column {
        fault: "huge_body",
        delay_ms: 0,
        exit: 7,
        says: &["larger than 1048576 bytes"],
    },
    Column {
        fault: "drop_connection",
        delay_ms: 0,
        exit: 6,
        says: &["could not reach"],
    },
    Column {
        fault: "delay",
        delay_ms: 3000,
        exit: 6,
        says: &["did not answer within 0.5 s"],
    },
    Column {
        fault: "slow_drip",
        delay_ms: 200,
        exit: 6,
        says: &["did not answer within 0.5 s"],
    },
    Column {
        fault: "expired_bearer",
        delay_ms: 0,
        exit: 5,
        says: &[],
    },
    Column {
        fault: "missing_field",
        delay_ms: 0,
        exit: 7,
        says: &[],
    },
    Column {
        fault: "absurd_lifetime",
        delay_ms: 0,
        exit: 0,
        says: &[],
    },
    Column {
        fault: "wrong_types",
        delay_ms: 0,
        exit: 7,
        says: &[],
    },
    Column {
        fault: "invalid_utf8",
        delay_ms: 0,
        exit: 7,
        says: &[],
    },
];

/// What one cell saw: its exit code and message, or what was wrong with them.
fn run_cell(env: &TestEnv, row: &Row, column: &Column) -> Result<(), String> {
    assert_ok(&env.run(&["logout", row.account]));
    let (endpoint, times) = if column.fault == "expired_bearer" {
        row.expired_at
    } else {
        (row.endpoint, 1)
    };
    env.fault(endpoint, column.fault, times, column.delay_ms);
    let (browser, opened) = (row.browser)(env);
    let _ = std::fs::remove_file(&opened);
    let mut args = vec!["--browser", &browser, "--http-timeout", "0.5", row.command];
    args.push(row.account);
    if row.command == "launch" && row.provider == "AssureSign" {
        args.push("--print-url");
    }
    let output = env.run(&args);
    let err = stderr(&output);
    let code = output.status.code();
    let problem = |what: &str| Err(format!("exit {code:?}, {what}:\n{err}"));
    if err.contains("panicked") {
        return problem("a panic");
    }
    if column.exit == 0 {
        return if code == Some(0) {
            Ok(())
        } else {
            problem("expected success")
        };
    }
    if code != Some(column.exit) {
        return problem(&format!("expected exit {}", column.exit));
    }
    if !(err.contains("error:") && err.contains("hint:")) {
        return problem("no error and hint");
    }
    if !err.contains(row.provider) {
        return problem("the provider is not named");
    }
    if let Some(missing) = column.says.iter().find(|said| !err.contains(**said)) {
        return problem(&format!("it does not say '{missing}'"));
    }
    if err.len() > 900 {
        return problem("the message is longer than a short excerpt allows");
    }
    if err.contains("xxxxxxxxxxxxxxxx") || err.chars().any(|c| c.is_control() && c != '\n') {
        return problem("raw body text in the message");
    }
    if let Some(secret) = env.secrets.iter().find(|s| err.contains(s.as_str())) {
        return problem(&format!("a secret ({}…) in the message", &secret[..4]));
    }
    if !stdout(&output).trim().is_empty() {
        return problem("output after a failure");
    }
    if opened.exists() {
        return problem("a browser was opened");
    }
    if row.command == "token" && env.session_stored(row.account) {
        return problem("a session was kept");
    }
    Ok(())
}

#[test]
fn every_fault_for_every_provider_ends_clearly_and_keeps_nothing() {
    let failures: Vec<String> = std::thread::scope(|scope| {
        let rows: Vec<_> = ROWS
            .iter()
            .map(|row| {
                scope.spawn(move || {
                    let mut env = TestEnv::new();
                    env.secrets.push(sovos::CLIENT_SECRET.into());
                    (row.add)(&env);
                    let mut failures = Vec::new();
                    for column in COLUMNS {
                        if let Err(problem) = run_cell(&env, row, column) {
                            failures
                                .push(format!("{} × {}: {problem}", row.provider, column.fault));
                        }
                    }
                    // Once the faults are used up the account works again.
                    let (browser, _) = (row.browser)(&env);
                    let mut args = vec!["--browser", browser.as_str(), row.command, row.account];
                    if row.provider == "AssureSign" {
                        args.push("--print-url");
                    }
                    let after = env.run(&args);
                    if after.status.code() != Some(0) {
                        failures.push(format!(
                            "{}: broken after the faults: {}",
                            row.provider,
                            stderr(&after)
                        ));
                    }
                    failures
                })
            })
            .collect();
        rows.into_iter()
            .flat_map(|row| row.join().expect("a matrix row panicked"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} cells failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
