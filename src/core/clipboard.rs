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
    // Serves paste requests until the deadline, or until another program takes the clipboard;
    // marked (x-kde-passwordManagerHint) so clipboard managers keep no copy in their history.
    clipboard
        .set()
        .exclude_from_history()
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
    set_out_of_history(clipboard, text)?;
    std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
    Ok(())
}

/// Copies `text` so that the system's clipboard history (and Windows' cloud clipboard) keep
/// no copy of it.
#[cfg(windows)]
fn set_out_of_history(clipboard: &mut arboard::Clipboard, text: &str) -> Result<(), String> {
    use arboard::SetExtWindows;
    clipboard
        .set()
        .exclude_from_history()
        .exclude_from_cloud()
        .text(text)
        .map_err(describe)
}

#[cfg(target_os = "macos")]
fn set_out_of_history(clipboard: &mut arboard::Clipboard, text: &str) -> Result<(), String> {
    use arboard::SetExtApple;
    clipboard
        .set()
        .exclude_from_history()
        .text(text)
        .map_err(describe)
}

#[cfg(not(any(windows, target_os = "macos", target_os = "linux")))]
fn set_out_of_history(clipboard: &mut arboard::Clipboard, text: &str) -> Result<(), String> {
    clipboard.set_text(text).map_err(describe)
}

fn describe(err: arboard::Error) -> String {
    match err {
        arboard::Error::ClipboardNotSupported => "no clipboard is available in this session".into(),
        other => format!("the clipboard failed: {other}"),
    }
}
