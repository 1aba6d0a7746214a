//! Copying a one-time link, and clearing it once it has expired.

use std::time::{Duration, Instant};

use crate::core::secret::OneTimeUrl;

#[derive(Debug, PartialEq, Eq)]
pub enum ClipboardOutcome {
    /// The link expired while still on the clipboard, and was cleared.
    ClearedAtExpiry,
    /// Something else was copied meanwhile; it was left alone.
    ReplacedByUser,
}

/// Puts the link on the clipboard, keeps it available until `lifetime` ends (on Linux the
/// clipboard lives only as long as the process that owns it), then clears it if it still
/// holds the link. Blocks for up to `lifetime`: run it on a worker thread.
pub fn copy_until_expiry(url: &OneTimeUrl, lifetime: Duration) -> Result<ClipboardOutcome, String> {
    let text = url.reveal_for_browser().to_string();
    let deadline = Instant::now() + lifetime;
    let mut clipboard = arboard::Clipboard::new().map_err(describe)?;
    hold_until(&mut clipboard, &text, deadline)?;
    match clipboard.get_text() {
        Ok(current) if current == text => {
            clipboard.clear().map_err(describe)?;
            Ok(ClipboardOutcome::ClearedAtExpiry)
        }
        _ => Ok(ClipboardOutcome::ReplacedByUser),
    }
}

#[cfg(target_os = "linux")]
fn hold_until(
    clipboard: &mut arboard::Clipboard,
    text: &str,
    deadline: Instant,
) -> Result<(), String> {
    use arboard::SetExtLinux;
    // Serves paste requests until the deadline, or until another program takes the clipboard.
    clipboard
        .set()
        .wait_until(deadline)
        .text(text)
        .map_err(describe)
}

#[cfg(not(target_os = "linux"))]
fn hold_until(
    clipboard: &mut arboard::Clipboard,
    text: &str,
    deadline: Instant,
) -> Result<(), String> {
    clipboard.set_text(text).map_err(describe)?;
    std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
    Ok(())
}

fn describe(err: arboard::Error) -> String {
    match err {
        arboard::Error::ClipboardNotSupported => "no clipboard is available in this session".into(),
        other => format!("the clipboard failed: {other}"),
    }
}
