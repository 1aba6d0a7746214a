//! The clipboard keeps a one-time link until it expires, then clears it. Needs the X server
//! that `scripts/test` starts (DISPLAY) and `xclip` as an independent reader.

use std::process::Command;
use std::time::Duration;

use sso_launcher::core::clipboard::{ClipboardOutcome, copy_until_expiry};
use sso_launcher::core::secret::OneTimeUrl;

fn read_clipboard() -> String {
    let output = Command::new("xclip")
        .args(["-selection", "clipboard", "-o"])
        .output()
        .expect("xclip is installed by scripts/test");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn link_is_served_while_valid_and_cleared_at_expiry() {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "no DISPLAY: run the tests with ./scripts/test, which starts Xvfb"
    );
    let link = "http://127.0.0.1:1/ui/simpleSetup?ssoToken=clip-test-token";
    let url = OneTimeUrl::new(url::Url::parse(link).unwrap());
    let worker = std::thread::spawn(move || copy_until_expiry(&url, Duration::from_millis(1500)));
    let mut seen = String::new();
    for _ in 0..40 {
        seen = read_clipboard();
        if seen == link {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    assert_eq!(
        seen, link,
        "another program can paste the link while it is valid"
    );
    assert_eq!(
        worker.join().unwrap().unwrap(),
        ClipboardOutcome::ClearedAtExpiry
    );
    assert_ne!(
        read_clipboard(),
        link,
        "the expired link is gone from the clipboard"
    );
}
