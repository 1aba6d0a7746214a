//! What a new user meets on the command line: a check that opens nothing, hints that point
//! at a fix that works, a demo link that works while the command runs, and plain words.

use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::flow_sovos_browser::{add_browser_account, sandbox_browser};
use crate::support::*;
use sso_launcher::sandbox::sovos::{AUTHORIZE, DISCOVERY, JWKS, TOKEN};

/// A browser command that records that it was called, and fails.
fn tripwire(env: &TestEnv) -> (String, std::path::PathBuf) {
    let record = env.dir.path().join("browser-was-called");
    (format!("touch {} {{url}}", record.display()), record)
}

#[test]
fn check_of_a_browser_sign_in_opens_nothing_and_renews_a_held_session() {
    let env = TestEnv::new();
    add_browser_account(&env, "Signer", &[]);
    let (tripwire, record) = tripwire(&env);

    let started = Instant::now();
    let output = env.run(&["--browser", &tripwire, "accounts", "check", "Signer"]);
    assert_ok(&output);
    let text = stdout(&output);
    assert!(
        text.contains("OpenID discovery") && text.contains("signing key"),
        "{text}"
    );
    assert!(text.contains("can be listened on"), "{text}");
    assert!(!record.exists(), "check opened a browser");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(env.count(DISCOVERY) >= 1 && env.count(JWKS) >= 1);
    assert_eq!(env.count(AUTHORIZE), 0, "no sign-in was started");
    assert_eq!(env.count(TOKEN), 0);

    // Signed in once (through the scripted browser), a check renews the held session.
    assert_ok(&env.run(&[
        "--browser",
        &sandbox_browser(&env, "allow", "keep"),
        "login",
        "Signer",
    ]));
    let tokens_before = env.count(TOKEN);
    let output = env.run(&["--browser", &tripwire, "accounts", "check", "Signer"]);
    assert_ok(&output);
    assert!(stdout(&output).contains("renewed"), "{}", stdout(&output));
    assert_eq!(env.count(TOKEN), tokens_before + 1, "one refresh");
    assert!(!record.exists(), "check opened a browser");
}

#[test]
fn check_of_a_browser_sign_in_says_when_its_fixed_port_is_taken() {
    let env = TestEnv::new();
    let busy = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let redirect = format!("redirect_port={port}");
    add_browser_account(&env, "Signer", &[&redirect]);
    let (tripwire, record) = tripwire(&env);
    let output = env.run(&["--browser", &tripwire, "accounts", "check", "Signer"]);
    assert_ne!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stderr(&output).contains(&port), "{}", stderr(&output));
    assert!(!record.exists());
}

#[test]
fn hints_point_at_a_fix_that_works() {
    let env = TestEnv::new();
    // A refused add: the account does not exist, so `accounts edit` is not the fix.
    let err = assert_exit(
        &env.run(&[
            "accounts",
            "add",
            "Acme",
            "--provider",
            "assuresign",
            "--set",
            "environment=zz",
        ]),
        3,
    );
    assert!(!err.contains("accounts edit"), "{err}");
    assert!(
        err.contains("Nothing was saved") && err.contains("accounts add"),
        "{err}"
    );

    // An import that meets accounts already here says so, and how to import the rest.
    let export = env.dir.path().join("export.json");
    env.add_assuresign("Acme", &[]);
    assert_ok(&env.run(&["accounts", "export", export.to_str().unwrap()]));
    let err = assert_exit(
        &env.run(&["accounts", "import", export.to_str().unwrap()]),
        3,
    );
    assert!(err.contains("'Acme' (the same account)"), "{err}");
    assert!(!err.contains("move it aside"), "{err}");
    assert!(err.contains("delete those accounts from the file"), "{err}");

    // Discovery at an address given on the command line speaks of that flag, in plain words.
    let err = assert_exit(&env.run(&["discover", "--base-url", "gateway"]), 2);
    assert!(
        err.contains("--base-url 'gateway' is not a valid address: write it like https://"),
        "{err}"
    );
    assert!(!err.contains("account settings"), "{err}");
    assert!(!err.contains("relative URL without a base"), "{err}");
    let err = assert_exit(
        &env.run(&["discover", "--base-url", "http://127.0.0.1:1"]),
        6,
    );
    assert!(!err.contains("account settings"), "{err}");
    assert!(err.contains("--base-url"), "{err}");
}

#[test]
fn demo_print_url_prints_at_once_and_serves_until_the_link_is_used() {
    let env = TestEnv::new();
    let mut child = Command::new(BIN)
        .args(["--demo", "launch", "AssureSign demo", "--print-url"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let link = lines.next().expect("a first line").unwrap();
    assert!(link.contains("ssoToken="), "{link}");
    // The command still runs: the link answers with the signed-in page.
    assert!(child.try_wait().unwrap().is_none(), "the demo ended early");
    let (status, page) = env.http("GET", &link, None, &[]);
    assert_eq!(status, 200, "{page}");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the demo kept running after the link was used"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success());
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(
        err.contains("until the link is used") && err.contains("Ctrl+C"),
        "{err}"
    );
}

#[test]
fn plain_words_for_logout_and_show() {
    let output = Command::new(BIN)
        .args(["--demo", "logout", "AGS demo"])
        .output()
        .unwrap();
    assert_ok(&output);
    let text = stdout(&output);
    assert!(!text.contains("no the"), "{text}");
    assert!(text.contains("held no cached tokens"), "{text}");

    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    let output = env.run(&["--vault", "memory", "accounts", "show", "Acme"]);
    assert_ok(&output);
    let text = stdout(&output);
    assert!(!text.contains("OS keyring"), "{text}");
    assert!(
        text.contains("secrets (in memory for this run only)"),
        "{text}"
    );
    let output = env.run(&["accounts", "show", "Acme"]);
    let text = stdout(&output);
    assert!(text.contains("secrets (in the OS keyring)"), "{text}");
    assert!(text.contains("api_key: set"), "{text}");
    assert!(
        !text.contains("password"),
        "api_user mode has no password: {text}"
    );
}

#[test]
fn help_lists_each_providers_settings_and_puts_global_flags_apart() {
    let output = Command::new(BIN)
        .args(["accounts", "add", "--help"])
        .output()
        .unwrap();
    assert_ok(&output);
    let help = stdout(&output);
    assert!(help.contains("Global options:"), "{help}");
    let (own, global) = help.split_once("Global options:").unwrap();
    assert!(!own.contains("--config-dir") && global.contains("--config-dir"));
    for expected in [
        "--provider assuresign",
        "context_username",
        "Act as (e-mail)",
        "US East (na1)",
        "secret: API key",
        "--provider sovos",
        "redirect_port",
        "param.NAME",
    ] {
        assert!(help.contains(expected), "{expected}: {help}");
    }
    // Every argument says what it is.
    for args in [
        &["accounts", "add", "--help"][..],
        &["accounts", "export", "--help"],
        &["accounts", "import", "--help"],
        &["accounts", "remove", "--help"],
        &["completions", "--help"],
    ] {
        let help = stdout(&Command::new(BIN).args(args).output().unwrap());
        let arguments = help
            .split_once("Arguments:")
            .map(|(_, rest)| rest.split("Options:").next().unwrap_or(""))
            .unwrap_or("");
        for line in arguments
            .lines()
            .filter(|line| line.trim_start().starts_with('<') || line.trim_start().starts_with('['))
        {
            let described = line
                .trim()
                .split_once(' ')
                .is_some_and(|(_, text)| !text.trim().is_empty());
            let next_line_described = arguments
                .lines()
                .skip_while(|other| *other != line)
                .nth(1)
                .is_some_and(|next| !next.trim().is_empty());
            assert!(described || next_line_described, "{args:?}: {line}");
        }
    }
}
