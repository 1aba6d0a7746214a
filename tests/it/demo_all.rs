//! `--demo`: every demo account, one of each provider, launches from the CLI with no setup.
//! The "browser" signs in on whichever sandbox page it is sent to, as a person would.

use serde_json::Value;

use crate::support::*;
use sso_launcher::sandbox::fixtures::{self, licensespring, sovos};

fn demo_browser(dir: &std::path::Path) -> String {
    let script = dir.join("demo-browser.sh");
    std::fs::write(
        &script,
        format!(
            r#"#!/bin/sh
url="$1"
page=$(curl -s --max-time 10 "$url")
transaction=$(printf '%s' "$page" | sed -n 's/.*name="transaction" value="\([^"]*\)".*/\1/p')
case "$url" in
  */sso/authorize*) login="${{url%%/sso/authorize*}}/sso/login"; user="{ls_user}"; password="{ls_password}" ;;
  */oauth2/auth*) login="${{url%%/oauth2/auth*}}/oauth2/login"; user="{sovos_user}"; password="{sovos_password}" ;;
  *) exit 0 ;;
esac
location=$(curl -s -o /dev/null -w '%{{redirect_url}}' --data-urlencode "transaction=$transaction" \
  --data-urlencode "username=$user" --data-urlencode "password=$password" --data-urlencode "decision=allow" "$login")
curl -s -o /dev/null "$location"
"#,
            ls_user = licensespring::USER_EMAIL,
            ls_password = licensespring::USER_PASSWORD,
            sovos_user = sovos::USER_EMAIL,
            sovos_password = sovos::USER_PASSWORD,
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    format!("{} {{url}}", script.display())
}

#[test]
fn every_demo_account_launches_with_no_setup() {
    let dir = tempfile::tempdir().unwrap();
    let browser = demo_browser(dir.path());
    let accounts = [
        (fixtures::ASSURESIGN_DEMO, "opened"),
        (fixtures::SOVOS_DEMO, "token_type"),
        (fixtures::SOVOS_API_DEMO, "token_type"),
        (fixtures::SIGNNOW_DEMO, "token_type"),
        (fixtures::AGS_DEMO, "token_type"),
        (fixtures::LICENSESPRING_DEMO, "facts"),
    ];
    for (name, field) in accounts {
        let output = std::process::Command::new(BIN)
            .args(["--demo", "--json", "--browser", &browser, "launch", name])
            .env_remove("SSO_LAUNCHER_CONFIG_DIR")
            .env_remove("SSO_LAUNCHER_DATA_DIR")
            .output()
            .unwrap();
        assert_ok(&output);
        let summary: Value = serde_json::from_str(stdout(&output).lines().last().unwrap())
            .unwrap_or_else(|err| panic!("{name}: {err}: {}", stdout(&output)));
        assert!(!summary[field].is_null(), "{name}: {summary}");
        if name == fixtures::LICENSESPRING_DEMO {
            assert_eq!(summary["facts"]["license key"], licensespring::LICENSE_KEY);
            assert_eq!(
                summary["facts"]["signature"],
                "verified with the vendor key"
            );
        }
    }
}
