//! Opening a URL: the system browser, or a browser command the user chose.

use std::process::{Command, Stdio};

use crate::core::account::Account;
use crate::core::error::{ErrorKind, Remedy, UserFacing};
use crate::core::secret::OneTimeUrl;

/// Which browser to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrowserChoice {
    /// The desktop's default browser.
    System,
    /// A command line with `{url}` where the URL goes (appended when absent).
    Command(String),
    /// A private window of the first browser found that has one (see [`PRIVATE_BROWSERS`]).
    Private,
}

impl BrowserChoice {
    /// How the link was opened, for messages: "opened ...".
    pub fn describe(&self) -> &'static str {
        match self {
            Self::System => "in the system browser",
            Self::Command(_) => "with the browser command",
            Self::Private => "in a private window",
        }
    }
}

/// An account's `browser` setting: how its links are opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrowserMode {
    /// The account's `browser_command` if set, else settings.toml's, else the system browser.
    Default,
    System,
    /// The account's `browser_command`.
    Command,
    Private,
    /// Never open a browser: a launch copies the link instead.
    CopyOnly,
}

impl BrowserMode {
    /// The setting's values, in the order an editor offers them (the first is the default).
    pub const VALUES: &'static [&'static str] =
        &["default", "system", "command", "private", "copy"];

    /// Reads the account's `browser` setting; `Err` says what is wrong with it.
    pub fn of(account: &Account) -> Result<Self, String> {
        let mode = match account.setting("browser").map(str::trim).unwrap_or("") {
            "" | "default" => Self::Default,
            "system" => Self::System,
            "command" => Self::Command,
            "private" => Self::Private,
            "copy" => Self::CopyOnly,
            other => {
                return Err(format!(
                    "browser '{other}' is not one of: {}",
                    Self::VALUES.join(", ")
                ));
            }
        };
        let has_command = account
            .setting("browser_command")
            .is_some_and(|command| !command.trim().is_empty());
        if mode == Self::Command && !has_command {
            return Err("browser 'command' needs a browser_command".into());
        }
        Ok(mode)
    }

    /// What an editor shows for the value.
    pub fn label(value: &str) -> &str {
        match value {
            "default" => "As in Settings",
            "system" => "System browser",
            "command" => "Browser command",
            "private" => "Private window",
            "copy" => "Copy link only",
            other => other,
        }
    }
}

/// Browsers a private window can be opened in, in the order they are looked for on `PATH`,
/// each with the command that opens one.
pub const PRIVATE_BROWSERS: &[(&str, &str)] = &[
    ("firefox", "--private-window {url}"),
    ("firefox-esr", "--private-window {url}"),
    ("chromium", "--incognito {url}"),
    ("chromium-browser", "--incognito {url}"),
    ("google-chrome", "--incognito {url}"),
    ("google-chrome-stable", "--incognito {url}"),
    ("brave-browser", "--incognito {url}"),
    ("microsoft-edge", "--inprivate {url}"),
];

/// The command that opens a private window of the first browser found in `path` (a `PATH`
/// value), as a browser command template.
pub fn private_browser_command(path: &std::ffi::OsStr) -> Option<String> {
    let dirs: Vec<_> = std::env::split_paths(path).collect();
    PRIVATE_BROWSERS.iter().find_map(|(program, args)| {
        dirs.iter()
            .map(|dir| dir.join(program))
            .find(|candidate| is_executable(candidate))
            .map(|found| format!("{} {args}", shell_words::quote(&found.to_string_lossy())))
    })
}

fn is_executable(path: &std::path::Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
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
    /// A private window was asked for, and no browser that has one was found.
    #[error("no browser with a private window was found on PATH (looked for {looked_for})")]
    NoPrivateBrowser { looked_for: String },
}

impl UserFacing for BrowserError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::BadCommand { .. } => ErrorKind::Config,
            Self::Spawn { .. } | Self::System(_) | Self::NoPrivateBrowser { .. } => {
                ErrorKind::BrowserFlow
            }
        }
    }

    fn remedy(&self) -> Option<Remedy> {
        Some(match self {
            Self::NoPrivateBrowser { .. } => Remedy::InstallPrivateBrowser,
            _ => Remedy::ChooseAnotherBrowser,
        })
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
        BrowserChoice::Private => {
            let path = std::env::var_os("PATH").unwrap_or_default();
            let template =
                private_browser_command(&path).ok_or_else(|| BrowserError::NoPrivateBrowser {
                    looked_for: PRIVATE_BROWSERS
                        .iter()
                        .map(|(program, _)| *program)
                        .collect::<Vec<_>>()
                        .join(", "),
                })?;
            open(url, &BrowserChoice::Command(template))
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

    fn account_with(settings: &[(&str, &str)]) -> Account {
        let mut account = Account::new("a", crate::core::provider::assuresign::ID);
        for (key, value) in settings {
            account.settings.insert(key.to_string(), value.to_string());
        }
        account
    }

    #[test]
    fn browser_mode_reads_each_value_and_refuses_the_rest() {
        assert_eq!(
            BrowserMode::of(&account_with(&[])),
            Ok(BrowserMode::Default)
        );
        let expected = [
            BrowserMode::Default,
            BrowserMode::System,
            BrowserMode::Command,
            BrowserMode::Private,
            BrowserMode::CopyOnly,
        ];
        for (value, mode) in BrowserMode::VALUES.iter().zip(expected) {
            let account = account_with(&[("browser", value), ("browser_command", "firefox")]);
            assert_eq!(BrowserMode::of(&account), Ok(mode), "{value}");
        }
        let err = BrowserMode::of(&account_with(&[("browser", "netscape")])).unwrap_err();
        assert!(err.contains("netscape") && err.contains("private"), "{err}");
        let err = BrowserMode::of(&account_with(&[("browser", "command")])).unwrap_err();
        assert!(err.contains("browser_command"), "{err}");
    }

    #[test]
    fn private_window_uses_the_first_known_browser_on_path() {
        use std::os::unix::fs::PermissionsExt;
        let first = tempfile::tempdir().unwrap();
        let second = tempfile::tempdir().unwrap();
        let install = |dir: &std::path::Path, name: &str, mode: u32| {
            let path = dir.join(name);
            std::fs::write(&path, "#!/bin/sh\n").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            path
        };
        let path = std::env::join_paths([first.path(), second.path()]).unwrap();
        assert_eq!(private_browser_command(&path), None);
        // Not executable: not a browser.
        install(first.path(), "firefox", 0o644);
        assert_eq!(private_browser_command(&path), None);
        let chromium = install(second.path(), "chromium", 0o755);
        let command = private_browser_command(&path).unwrap();
        let (program, args) = build_command(&command, "https://x.test/").unwrap();
        assert_eq!(std::path::PathBuf::from(program), chromium);
        assert_eq!(args, ["--incognito", "https://x.test/"]);
        // Firefox comes before Chromium in the list, wherever it is on PATH.
        let firefox = install(second.path(), "firefox", 0o755);
        let (program, args) =
            build_command(&private_browser_command(&path).unwrap(), "https://x.test/").unwrap();
        assert_eq!(std::path::PathBuf::from(program), firefox);
        assert_eq!(args, ["--private-window", "https://x.test/"]);
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
