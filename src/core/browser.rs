//! Opening a URL: the system browser, or a browser command the user chose.

use std::process::{Command, Stdio};

use crate::core::error::{ErrorKind, UserFacing};
use crate::core::secret::OneTimeUrl;

/// Which browser to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrowserChoice {
    /// The desktop's default browser.
    System,
    /// A command line with `{url}` where the URL goes (appended when absent).
    Command(String),
}

#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    /// The browser command cannot be split into words.
    #[error("the browser command '{command}' cannot be parsed: {detail}")]
    BadCommand { command: String, detail: String },
    /// The browser program could not be started.
    #[error("could not start the browser '{program}': {detail}")]
    Spawn { program: String, detail: String },
    /// The desktop could not open the system browser.
    #[error("could not open the system browser: {0}")]
    System(String),
}

impl UserFacing for BrowserError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::BadCommand { .. } => ErrorKind::Config,
            Self::Spawn { .. } | Self::System(_) => ErrorKind::BrowserFlow,
        }
    }

    fn hint(&self) -> Option<String> {
        Some(
            "Set a browser command with --browser \"firefox {url}\", or use --print-url or --copy."
                .into(),
        )
    }
}

/// Splits a browser command like a shell would and puts the URL in place of `{url}`,
/// always as (part of) one argument: no shell ever sees the URL.
pub fn build_command(template: &str, url: &str) -> Result<(String, Vec<String>), BrowserError> {
    let bad = |detail: String| BrowserError::BadCommand {
        command: template.to_string(),
        detail,
    };
    let words = shell_words::split(template).map_err(|err| bad(err.to_string()))?;
    let mut words = words.into_iter();
    let program = words.next().ok_or_else(|| bad("it is empty".into()))?;
    let mut placed = false;
    let mut args: Vec<String> = words
        .map(|word| {
            if word.contains("{url}") {
                placed = true;
                word.replace("{url}", url)
            } else {
                word
            }
        })
        .collect();
    if !placed {
        args.push(url.to_string());
    }
    Ok((program, args))
}

/// Opens the URL and returns at once; the browser keeps running on its own.
pub fn open(url: &OneTimeUrl, choice: &BrowserChoice) -> Result<(), BrowserError> {
    match choice {
        BrowserChoice::System => {
            // A detached xdg-open "succeeds" even when it cannot show anything.
            if cfg!(all(unix, not(target_os = "macos"))) && !has_graphical_session() {
                return Err(BrowserError::System(
                    "there is no graphical session (neither DISPLAY nor WAYLAND_DISPLAY is set)"
                        .into(),
                ));
            }
            open::that_detached(url.reveal_for_browser())
                .map_err(|err| BrowserError::System(err.to_string()))
        }
        BrowserChoice::Command(template) => {
            let (program, args) = build_command(template, url.reveal_for_browser())?;
            let mut child = Command::new(&program)
                .args(&args)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|err| BrowserError::Spawn {
                    program: program.clone(),
                    detail: err.to_string(),
                })?;
            // Reap the child when it exits so it does not linger as a zombie.
            std::thread::spawn(move || child.wait());
            Ok(())
        }
    }
}

fn has_graphical_session() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
}

/// A short description of the system browser setup, for `doctor`.
pub fn describe_system_browser() -> String {
    if cfg!(target_os = "linux") || cfg!(target_os = "freebsd") {
        let on_path = |name: &str| {
            std::env::var_os("PATH").is_some_and(|paths| {
                std::env::split_paths(&paths).any(|dir| dir.join(name).is_file())
            })
        };
        let graphical =
            std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
        match (on_path("xdg-open"), graphical) {
            (true, true) => "xdg-open, in a graphical session".into(),
            (true, false) => "xdg-open found, but no DISPLAY or WAYLAND_DISPLAY: links will be printed if it fails".into(),
            (false, _) => "xdg-open not found: set a browser command, or links will be printed".into(),
        }
    } else {
        "the desktop's default browser".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_replaces_placeholder_as_one_argument() {
        let url = "https://x.test/p?a=1&ssoToken=b c;$(rm -rf)";
        let (program, args) = build_command("firefox --new-window '{url}'", url).unwrap();
        assert_eq!(program, "firefox");
        assert_eq!(args, vec!["--new-window".to_string(), url.to_string()]);
        let (_, args) = build_command("chromium --app={url} --incognito", url).unwrap();
        assert_eq!(args, vec![format!("--app={url}"), "--incognito".into()]);
    }

    #[test]
    fn url_is_appended_without_placeholder() {
        let (program, args) =
            build_command("\"/opt/My Browser/browser\" -private", "https://x.test").unwrap();
        assert_eq!(program, "/opt/My Browser/browser");
        assert_eq!(args, vec!["-private".to_string(), "https://x.test".into()]);
    }

    #[test]
    fn bad_commands_are_reported() {
        assert!(matches!(
            build_command("", "u"),
            Err(BrowserError::BadCommand { .. })
        ));
        assert!(matches!(
            build_command("firefox 'unclosed", "u"),
            Err(BrowserError::BadCommand { .. })
        ));
    }

    #[test]
    fn missing_program_is_a_spawn_error() {
        let url = OneTimeUrl::new(url::Url::parse("https://x.test/").unwrap());
        let err = open(
            &url,
            &BrowserChoice::Command("/nonexistent/browser {url}".into()),
        )
        .unwrap_err();
        assert!(matches!(err, BrowserError::Spawn { .. }), "{err}");
    }
}
