//! Each account's browser choice through the CLI: a private window of the browser found on
//! PATH, copy-only accounts, and the choices that are refused.

use std::path::{Path, PathBuf};

use crate::support::*;

/// A fake browser named `program` in `dir` that writes its arguments, one per line, to the
/// returned file.
fn fake_browser(dir: &Path, program: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let record = dir.join(format!("{program}.args"));
    let script = dir.join(program);
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > {record}.tmp && /bin/mv {record}.tmp {record}\n",
            record = record.display()
        ),
    )
    .unwrap();
    make_executable(&script);
    record
}

/// `launch Acme` with only `path` to search for programs.
fn launch_with_path(
    env: &TestEnv,
    path: &(impl AsRef<std::ffi::OsStr> + ?Sized),
) -> std::process::Output {
    env.cli()
        .env("PATH", path)
        .args(["launch", "Acme"])
        .output()
        .unwrap()
}

#[test]
fn a_private_window_opens_the_first_known_browser_with_its_private_flag() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &["browser=private"]);
    let bin = env.dir.path().join("bin");
    let firefox = fake_browser(&bin, "firefox");
    let chromium = fake_browser(&bin, "chromium");
    let path = format!("{}:/usr/bin:/bin", bin.display());

    let output = launch_with_path(&env, &path);
    assert_ok(&output);
    assert!(
        stderr(&output).contains("in a private window"),
        "{}",
        stderr(&output)
    );
    let args = wait_for_file(&firefox);
    let args: Vec<&str> = args.lines().collect();
    assert_eq!(args[0], "--private-window", "{args:?}");
    assert!(args[1].contains("/ui/simpleSetup?ssoToken="), "{args:?}");
    let (status, page) = env.http("GET", args[1], None, &[]);
    assert_eq!(status, 200, "the sandbox accepts the link: {page}");
    assert!(!chromium.exists(), "Firefox comes first");

    // Without Firefox, Chromium's incognito window.
    std::fs::remove_file(bin.join("firefox")).unwrap();
    let output = launch_with_path(&env, &path);
    assert_ok(&output);
    let args = wait_for_file(&chromium);
    assert_eq!(args.lines().next(), Some("--incognito"), "{args}");
}

#[test]
fn without_a_private_browser_the_link_is_printed_with_the_reason() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &["browser=private"]);
    let empty = env.dir.path().join("empty-bin");
    std::fs::create_dir_all(&empty).unwrap();
    let output = launch_with_path(&env, &empty);
    assert_ok(&output);
    let err = stderr(&output);
    assert!(
        err.contains("no browser with a private window was found on PATH")
            && err.contains("firefox"),
        "{err}"
    );
    assert!(
        stdout(&output).contains("ssoToken="),
        "the link is shown instead"
    );
}

#[test]
fn a_copy_only_account_copies_the_link_and_opens_nothing() {
    let env = TestEnv::new();
    let (browser, record) = env.recording_browser();
    env.add_assuresign(
        "Acme",
        &["browser=copy", &format!("browser_command={browser}")],
    );
    std::fs::create_dir_all(env.config_dir()).unwrap();
    std::fs::write(
        env.config_dir().join("settings.toml"),
        "schema_version = 1\nclipboard_seconds = 1.5\n",
    )
    .unwrap();
    let _turn = clipboard_turn();

    let launch = env.spawn(&["launch", "Acme"]);
    let link = wait_for_clipboard("the link", |seen| seen.contains("ssoToken="));
    let output = launch.wait_with_output().unwrap();
    assert_ok(&output);
    assert!(
        stderr(&output).contains("Keeping it on the clipboard for 1 s"),
        "settings.toml caps the time: {}",
        stderr(&output)
    );
    assert_ne!(read_clipboard(), link, "cleared once the time was up");
    assert!(!record.exists(), "no browser was started");
}

#[test]
fn a_browser_choice_that_cannot_work_is_refused_when_saved() {
    let env = TestEnv::new();
    let output = env.add_minimal("Bad", &["environment=sb", "browser=netscape"]);
    let err = assert_exit(&output, 3);
    assert!(
        err.contains("browser 'netscape' is not one of: default, system, command, private, copy"),
        "{err}"
    );
    let output = env.add_minimal("Bad", &["environment=sb", "browser=command"]);
    let err = assert_exit(&output, 3);
    assert!(err.contains("needs a browser_command"), "{err}");
    let listed = env.run(&["accounts", "list"]);
    assert!(!stdout(&listed).contains("Bad"), "nothing was saved");
}

#[test]
fn a_copy_only_account_that_signs_in_through_the_browser_shows_the_address_instead() {
    use sso_launcher::sandbox::fixtures::sovos as fx;
    let env = TestEnv::new();
    let (browser, record) = env.recording_browser();
    let issuer = format!("issuer={}", env.sandbox.sandbox().sovos_issuer());
    let client = format!("client_id={}", fx::PUBLIC_CLIENT_ID);
    let sets = [issuer.as_str(), client.as_str(), "browser=copy"];
    let mut args = vec!["accounts", "add", "Signer", "--provider", "sovos"];
    for set in sets {
        args.extend(["--set", set]);
    }
    assert_ok(&env.run(&args));
    std::fs::write(
        env.config_dir().join("settings.toml"),
        format!(
            "schema_version = 1\nloopback_timeout_seconds = 1\nbrowser_command = \"{browser}\"\n"
        ),
    )
    .unwrap();

    let output = env.run(&["launch", "Signer"]);
    let err = assert_exit(&output, 8);
    assert!(
        err.contains("Open this address in a browser to sign in to 'Signer'")
            && err.contains("/oauth2/auth?"),
        "{err}"
    );
    assert!(!record.exists(), "the browser command was not used");
}
