//! The clipboard keeps a one-time link until it expires, then clears it. Needs the X server
//! that `scripts/test` starts (DISPLAY) and `xclip` as an independent reader.

use std::time::Duration;

use sso_launcher::core::clipboard::{ClipboardOutcome, copy_until_expiry};
use sso_launcher::core::secret::OneTimeUrl;

use crate::support::{clipboard_turn, read_clipboard, wait_for_clipboard};

#[test]
fn link_is_served_while_valid_and_cleared_at_expiry() {
    let _turn = clipboard_turn();
    let link = "http://127.0.0.1:1/ui/simpleSetup?ssoToken=clip-test-token";
    let url = OneTimeUrl::new(url::Url::parse(link).unwrap());
    let worker = std::thread::spawn(move || copy_until_expiry(&url, Duration::from_millis(1500)));
    wait_for_clipboard("the link", |seen| seen == link);
    // Clipboard managers (Klipper, CopyQ ...) are told to keep no copy in their history.
    let targets = std::process::Command::new("xclip")
        .args(["-selection", "clipboard", "-t", "TARGETS", "-o"])
        .output()
        .unwrap();
    let targets = String::from_utf8_lossy(&targets.stdout);
    assert!(
        targets.contains("x-kde-passwordManagerHint"),
        "offered as: {targets}"
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
