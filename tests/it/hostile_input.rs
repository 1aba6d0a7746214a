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
    assert_ok(&add_ags(
        &env,
        "Gateway",
        &[],
        &format!("session_token={}\n", ags::SESSION_TOKEN),
    ));
    assert_ok(&add_sovos(&env, "Signer", &[], sovos::CLIENT_SECRET));
    assert_ok(&add_password_account(&env, "Sign", &default_secrets(), &[]));
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
