//! The real window on the test script's Xvfb display: started as a person would start it
//! (`sso-launcher --demo`), driven with xdotool, and screenshotted after a demo launch. The
//! screenshots are kept under target/gui-screenshots/ as CI artifacts.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use crate::support::*;

fn screenshots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/gui-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn xdotool(args: &[&str]) -> String {
    let output = Command::new("xdotool")
        .args(args)
        .output()
        .expect("xdotool is installed by scripts/test");
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// The window id once the window is mapped.
fn wait_for_window(child: &mut Child, title: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        // By process too: other tests' windows on this display have the same title.
        let pid = child.id().to_string();
        let found = xdotool(&[
            "search",
            "--all",
            "--onlyvisible",
            "--pid",
            &pid,
            "--name",
            title,
        ]);
        if let Some(id) = found.lines().next() {
            return id.to_string();
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the window process ended early: {status}");
        }
        assert!(Instant::now() < deadline, "no window titled '{title}'");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn start(data_dir: &Path, browser: &str, renderer: &str) -> Child {
    Command::new(BIN)
        .args([
            "--demo",
            "--renderer",
            renderer,
            "--browser",
            browser,
            "--data-dir",
        ])
        .arg(data_dir)
        .env_remove("SSO_LAUNCHER_CONFIG_DIR")
        .spawn()
        .unwrap()
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "the window did not close");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Quits the app the way a person would (Ctrl+Q in its focused window) and waits for it.
fn quit(window: &str, child: &mut Child) -> std::process::ExitStatus {
    xdotool(&["windowfocus", "--sync", window]);
    xdotool(&["key", "ctrl+q"]);
    wait_exit(child)
}

/// Saves what the window shows as a PNG.
fn screenshot(window: &str, shot: &Path) {
    let status = Command::new("import")
        .args(["-window", window])
        .arg(shot)
        .status()
        .unwrap();
    assert!(status.success(), "screenshot");
}

/// How many distinct colours a PNG holds (a blank or black frame has one or two).
fn colours(png: &Path) -> usize {
    let output = Command::new("identify")
        .args(["-format", "%k"])
        .arg(png)
        .output()
        .expect("imagemagick is installed by scripts/test");
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap_or(0)
}

#[test]
fn the_real_window_launches_a_demo_account_and_keeps_its_size() {
    // Also keeps keys typed here going to this test's window (the display is shared).
    let _turn = desktop_turn();
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "run the tests with ./scripts/test (it starts Xvfb)"
    );
    let env = TestEnv::new();
    let (browser, record) = env.recording_browser();
    let data_dir = env.dir.path().join("window-data");
    // xdotool takes a regular expression.
    let title = r"^sso-launcher \(demo\)$";
    let shots = screenshots_dir();

    for renderer in ["wgpu", "glow"] {
        let _ = std::fs::remove_file(&record);
        let mut child = start(&data_dir, &browser, renderer);
        let window = wait_for_window(&mut child, title);
        std::thread::sleep(Duration::from_secs(2));
        if renderer == "wgpu" {
            // Resized now, remembered at exit, found again at the next start.
            xdotool(&["windowsize", &window, "1040", "700"]);
            std::thread::sleep(Duration::from_millis(500));
        }
        // Real key presses (XTEST) into the focused window; sent events lose their modifiers.
        xdotool(&["windowfocus", "--sync", &window]);
        xdotool(&["key", "ctrl+k"]);
        xdotool(&["type", "--delay", "40", "sovos api"]);
        std::thread::sleep(Duration::from_millis(300));
        xdotool(&["key", "Up", "Return"]);
        // "Sovos API demo" holds an API token: nothing to open, the window says so.
        std::thread::sleep(Duration::from_secs(2));
        xdotool(&["key", "ctrl+k", "ctrl+a", "BackSpace"]);
        xdotool(&["type", "--delay", "40", "assure"]);
        std::thread::sleep(Duration::from_millis(300));
        xdotool(&["key", "Return"]);
        let url = wait_for_file(&record);
        assert!(
            url.contains("/ui/simpleSetup?ssoToken="),
            "{renderer}: {url}"
        );
        std::thread::sleep(Duration::from_secs(2));
        let shot = shots.join(format!("demo-launch-{renderer}.png"));
        screenshot(&window, &shot);
        assert!(colours(&shot) > 20, "{renderer}: the window drew something");
        let status = quit(&window, &mut child);
        assert!(status.success(), "{renderer}: quit with {status}");
    }

    assert!(
        data_dir.join("window.ron").exists(),
        "the window's place was saved at quit"
    );
    let mut child = start(&data_dir, &browser, "glow");
    let window = wait_for_window(&mut child, title);
    std::thread::sleep(Duration::from_secs(1));
    let geometry = xdotool(&["getwindowgeometry", &window]);
    quit(&window, &mut child);
    assert!(geometry.contains("1040x700"), "size remembered: {geometry}");
}

/// The mean brightness of a PNG, from 0 (black) to 1 (white).
fn brightness(png: &Path) -> f64 {
    let output = Command::new("convert")
        .arg(png)
        .args(["-colorspace", "Gray", "-format", "%[fx:mean]", "info:"])
        .output()
        .expect("imagemagick is installed by scripts/test");
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap()
}

/// The window as a person sees it, at 1280×800 and 800×600, dark and light, over a copy of
/// the demo accounts: screenshots kept under target/gui-screenshots/ (look at them), and the
/// theme checked by brightness.
#[test]
fn the_window_at_two_sizes_in_dark_and_light() {
    // Also keeps keys typed here going to this test's window (the display is shared).
    let _turn = desktop_turn();
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "run with ./scripts/test"
    );
    let env = TestEnv::new();
    let export = env.dir.path().join("demo.json");
    let output = Command::new(BIN)
        .args(["--demo", "accounts", "export"])
        .arg(&export)
        .output()
        .unwrap();
    assert_ok(&output);
    let config = env.dir.path().join("config");
    let memory = ["--vault", "memory", "--config-dir"];
    let output = Command::new(BIN)
        .args(memory)
        .arg(&config)
        .args(["accounts", "import"])
        .arg(&export)
        .output()
        .unwrap();
    assert_ok(&output);
    let shots = screenshots_dir();
    for theme in ["dark", "light"] {
        std::fs::write(
            config.join("settings.toml"),
            format!("schema_version = 1\ntheme = \"{theme}\"\n"),
        )
        .unwrap();
        for (width, height) in [(1280, 800), (800, 600)] {
            let data = env.dir.path().join(format!("data-{theme}-{width}"));
            let mut child = Command::new(BIN)
                .args(memory)
                .arg(&config)
                .arg("--data-dir")
                .arg(&data)
                .args(["--renderer", "glow"])
                .env_remove("SSO_LAUNCHER_CONFIG_DIR")
                .spawn()
                .unwrap();
            let window = wait_for_window(&mut child, "^sso-launcher$");
            xdotool(&[
                "windowsize",
                &window,
                &width.to_string(),
                &height.to_string(),
            ]);
            std::thread::sleep(Duration::from_secs(2));
            let shot = shots.join(format!("window-{theme}-{width}x{height}.png"));
            screenshot(&window, &shot);
            let geometry = xdotool(&["getwindowgeometry", &window]);
            assert!(quit(&window, &mut child).success());
            assert!(
                geometry.contains(&format!("{width}x{height}")),
                "{geometry}"
            );
            assert!(colours(&shot) > 20, "{theme} {width}: the window drew");
            let light = brightness(&shot);
            match theme {
                "dark" => assert!(light < 0.35, "{theme} {width}: {light}"),
                _ => assert!(light > 0.65, "{theme} {width}: {light}"),
            }
        }
    }
}

/// `--demo` promises a temporary folder: the window's size is not written to the user's
/// data folder.
#[test]
fn the_demo_window_leaves_nothing_in_the_users_folders() {
    // Also keeps keys typed here going to this test's window (the display is shared).
    let _turn = desktop_turn();
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "run with ./scripts/test"
    );
    let env = TestEnv::new();
    let home = env.dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut child = Command::new(BIN)
        .args(["--demo", "--renderer", "glow"])
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env_remove("SSO_LAUNCHER_CONFIG_DIR")
        .env_remove("SSO_LAUNCHER_DATA_DIR")
        .spawn()
        .unwrap();
    let window = wait_for_window(&mut child, r"^sso-launcher \(demo\)$");
    xdotool(&["windowsize", &window, "900", "640"]);
    std::thread::sleep(Duration::from_secs(1));
    assert!(quit(&window, &mut child).success());
    let mut written = Vec::new();
    let mut folders = vec![home.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            if entry.file_type().unwrap().is_dir() {
                folders.push(entry.path());
            } else {
                written.push(entry.path());
            }
        }
    }
    assert!(
        !written.iter().any(|path| path.ends_with("window.ron")),
        "{written:?}"
    );
}

/// The window a person double-clicks, with secrets in the vault file (settings.toml says so):
/// it opens and asks for the passphrase; typed with the keyboard, it unlocks. And with a
/// settings.toml that does not read, the window still opens (to say so) instead of exiting.
#[test]
fn the_real_window_asks_for_the_vault_files_passphrase_and_opens_over_broken_settings() {
    let _turn = desktop_turn();
    let env = TestEnv::new();
    let passphrase = env.passphrase_file("window passphrase", 0o600);
    std::fs::create_dir_all(env.config_dir()).unwrap();
    let settings = env.config_dir().join("settings.toml");
    std::fs::write(&settings, "schema_version = 1\nvault = \"file\"\n").unwrap();
    let mut cli = env.cli();
    cli.env_remove("SSO_LAUNCHER_VAULT")
        .env("SSO_LAUNCHER_VAULT_PASSPHRASE_FILE", &passphrase);
    assert_ok(&env.add_assuresign_with(cli, "Acme", &[]));
    let vault_before = std::fs::read(env.config_dir().join("vault.age")).unwrap();

    let open = |env: &TestEnv| {
        env.cli()
            .env_remove("SSO_LAUNCHER_VAULT")
            .args(["--renderer", "glow"])
            .spawn()
            .unwrap()
    };
    let mut child = open(&env);
    let window = wait_for_window(&mut child, "^sso-launcher$");
    xdotool(&["windowsize", &window, "900", "640"]);
    std::thread::sleep(Duration::from_secs(2));
    let asked = screenshots_dir().join("vault-passphrase-asked.png");
    screenshot(&window, &asked);
    assert!(colours(&asked) > 20, "a blank window");
    xdotool(&["windowfocus", "--sync", &window]);
    xdotool(&["type", "--delay", "20", "window passphrase"]);
    xdotool(&["key", "Return"]);
    std::thread::sleep(Duration::from_secs(2));
    screenshot(&window, &screenshots_dir().join("vault-unlocked.png"));
    assert!(quit(&window, &mut child).success());
    // Unlocking reads the file; nothing was written.
    assert_eq!(
        std::fs::read(env.config_dir().join("vault.age")).unwrap(),
        vault_before
    );

    std::fs::write(
        &settings,
        "schema_version = 1\nvault = \"file\"\ntext_scale = 9\n",
    )
    .unwrap();
    let mut child = open(&env);
    let window = wait_for_window(&mut child, "^sso-launcher$");
    std::thread::sleep(Duration::from_secs(2));
    let broken = screenshots_dir().join("broken-settings.png");
    screenshot(&window, &broken);
    assert!(colours(&broken) > 20, "a blank window");
    assert!(quit(&window, &mut child).success());
}
