//! Starting at login, with only the tray: an XDG autostart entry on Linux
//! (`~/.config/autostart/sso-launcher.desktop`). Windows and macOS are set up by hand (see
//! README: the `Run` registry key, a LaunchAgent).

use std::path::{Path, PathBuf};

use crate::core::paths::AppPaths;

/// Writes the autostart entry (`enabled`) or removes it. The entry starts this program with
/// `--minimised`, and with `--config-dir`/`--data-dir` when these are not the defaults.
pub fn apply(enabled: bool, paths: &AppPaths) -> std::io::Result<()> {
    let Some(dir) = autostart_dir() else {
        return Err(std::io::Error::other(
            "autostart is not set up by the app on this system; see README",
        ));
    };
    let path = dir.join(entry_name(paths));
    if !enabled {
        return match std::fs::remove_file(&path) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err),
            _ => Ok(()),
        };
    }
    let exe = std::env::current_exe()?;
    std::fs::create_dir_all(&dir)?;
    crate::core::store::atomic::write_atomically(&path, entry_text(paths, &exe).as_bytes())
}

/// Where the entry lives, when this system has autostart entries.
pub fn entry_path(paths: &AppPaths) -> Option<PathBuf> {
    Some(autostart_dir()?.join(entry_name(paths)))
}

#[cfg(target_os = "linux")]
fn autostart_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|dirs| dirs.config_dir().join("autostart"))
}

#[cfg(not(target_os = "linux"))]
fn autostart_dir() -> Option<PathBuf> {
    None
}

/// The default folders' entry is `sso-launcher.desktop`; another config folder (another
/// instance) gets its own, so that neither replaces the other.
fn entry_name(paths: &AppPaths) -> String {
    match non_default_folders(paths) {
        folders if folders.is_empty() => "sso-launcher.desktop".into(),
        _ => format!(
            "sso-launcher-{}.desktop",
            &crate::core::paths::folder_key(&paths.config_dir)[..12]
        ),
    }
}

/// The folder flags a started app needs to find these folders again.
fn non_default_folders(paths: &AppPaths) -> Vec<(&'static str, &Path)> {
    let Ok(defaults) = AppPaths::resolve(None, None) else {
        return vec![
            ("--config-dir", paths.config_dir.as_path()),
            ("--data-dir", paths.data_dir.as_path()),
        ];
    };
    let mut flags = Vec::new();
    if paths.config_dir != defaults.config_dir {
        flags.push(("--config-dir", paths.config_dir.as_path()));
        if paths.data_dir != paths.config_dir.join("data") {
            flags.push(("--data-dir", paths.data_dir.as_path()));
        }
    } else if paths.data_dir != defaults.data_dir {
        flags.push(("--data-dir", paths.data_dir.as_path()));
    }
    flags
}

fn entry_text(paths: &AppPaths, exe: &Path) -> String {
    let mut exec = vec![exec_arg(&exe.to_string_lossy()), "--minimised".to_string()];
    for (flag, dir) in non_default_folders(paths) {
        exec.push(flag.to_string());
        exec.push(exec_arg(&dir.to_string_lossy()));
    }
    format!(
        "[Desktop Entry]\nType=Application\nName=sso-launcher\nComment=Single sign-on launcher, in the tray\nExec={}\nIcon=sso-launcher\nTerminal=false\nX-GNOME-Autostart-enabled=true\n",
        exec.join(" ")
    )
}

/// One argument of an `Exec` line (Desktop Entry spec): quoted when it needs to be, with
/// `"`, `` ` ``, `$` and `\` escaped inside quotes, `%` doubled, and the string-value escape
/// of `\` on top.
fn exec_arg(arg: &str) -> String {
    let arg = arg.replace('%', "%%");
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/-_.+,:@=".contains(c));
    if plain {
        return arg;
    }
    let mut quoted = String::from("\"");
    for c in arg.chars() {
        if matches!(c, '"' | '`' | '$' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    quoted.replace('\\', "\\\\")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_arguments_are_quoted_as_the_desktop_entry_spec_says() {
        assert_eq!(exec_arg("/usr/bin/sso-launcher"), "/usr/bin/sso-launcher");
        assert_eq!(exec_arg("/home/a b/cfg"), "\"/home/a b/cfg\"");
        assert_eq!(exec_arg("/tmp/100%"), "\"/tmp/100%%\"");
        assert_eq!(exec_arg("/tmp/$x\"y"), "\"/tmp/\\\\$x\\\\\"y\"");
    }

    #[test]
    fn a_folder_other_than_the_default_is_named_in_the_entry() {
        let paths = AppPaths {
            config_dir: "/srv/team config".into(),
            data_dir: "/srv/team config/data".into(),
        };
        let text = entry_text(&paths, Path::new("/usr/bin/sso-launcher"));
        assert!(
            text.contains(
                "\nExec=/usr/bin/sso-launcher --minimised --config-dir \"/srv/team config\"\n"
            ),
            "{text}"
        );
        assert!(entry_name(&paths).starts_with("sso-launcher-"));
    }
}
