//! After a full session of use, no secret is in any file the app wrote or in its logs.

use std::process::Command;

use crate::support::*;
use sso_launcher::sandbox::assuresign::API_USER;

#[test]
fn no_secret_in_files_or_verbose_logs() {
    let mut env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    let token_output = env.run(&["-vv", "token", "Acme"]);
    assert_ok(&token_output);
    let bearer = stdout(&token_output).trim().to_string();
    assert!(bearer.len() > 20);
    let mut logs = stderr(&token_output);

    let launch = env.run(&["-vv", "launch", "Acme", "--print-url"]);
    assert_ok(&launch);
    let url = stdout(&launch).trim().to_string();
    let sso_token = url.split("ssoToken=").nth(1).unwrap().to_string();
    logs.push_str(&stderr(&launch));
    for args in [
        vec!["-vv", "accounts", "check", "Acme"],
        vec!["-vv", "accounts", "show", "Acme"],
        vec!["-vv", "accounts", "export"],
        vec!["-vv", "doctor"],
    ] {
        let output = env.run(&args);
        assert_ok(&output);
        logs.push_str(&stderr(&output));
        assert!(
            !stdout(&output).contains(&bearer),
            "{args:?} printed the bearer"
        );
    }
    env.fault(API_USER, "status_500", 1, 0);
    assert_ok(&env.run(&["logout", "Acme"]));
    logs.push_str(&stderr(&env.run(&["-vv", "launch", "Acme"])));

    assert!(logs.contains("INFO"), "verbose logging was on: {logs}");
    for secret in [
        sso_launcher::sandbox::fixtures::assuresign::API_KEY,
        &bearer,
        &sso_token,
    ] {
        assert!(!logs.contains(secret), "a secret reached the logs");
    }
    // The Drop check scans every written file for these too.
    env.secrets.push(bearer);
    env.secrets.push(sso_token);
    assert!(!env.written_files().is_empty());
}

/// The test command's last step, `scripts/scan-secrets`, finds a listed secret planted in a
/// file the app writes (as it is, and percent-encoded), and passes over the test's own
/// scaffolding and the vault's ciphertext.
#[test]
fn the_scan_after_the_suite_finds_a_planted_secret() {
    let root = tempfile::tempdir().unwrap();
    let env = root.path().join("files/env-planted");
    for folder in ["secrets", "files/env-planted/data", "tmp"] {
        std::fs::create_dir_all(root.path().join(folder)).unwrap();
    }
    let secret = "s3cret/token+value=";
    std::fs::write(
        root.path().join("secrets/used.list"),
        format!("{secret}\nshort\n"),
    )
    .unwrap();
    // The test's own script and the ciphertext may hold it; neither is the app's plain text.
    std::fs::write(env.join("browser.sh"), secret).unwrap();
    std::fs::write(env.join("data/vault.age"), secret).unwrap();
    std::fs::write(env.join("data/audit.jsonl"), "{\"detail\":\"fine\"}\n").unwrap();
    let scan = || {
        Command::new("python3")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/scan-secrets"))
            .arg(root.path())
            .output()
            .unwrap()
    };
    let clean = scan();
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    assert!(stdout(&clean).contains("no secret in any file"));
    for (file, text) in [
        ("data/window.ron", format!("x {secret} y")),
        (
            "data/audit.jsonl",
            "u=s3cret%2Ftoken%2Bvalue%3D".to_string(),
        ),
    ] {
        std::fs::write(env.join(file), text).unwrap();
        let found = scan();
        assert_eq!(found.status.code(), Some(1), "{file}: {}", stdout(&found));
        assert!(stdout(&found).contains(file), "{}", stdout(&found));
        std::fs::remove_file(env.join(file)).unwrap();
    }
}
