//! After a full session of use, no secret is in any file the app wrote or in its logs.

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
