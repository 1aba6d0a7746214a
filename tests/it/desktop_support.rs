//! Running the resident app in tests: a process that is killed (and whose log is shown)
//! when a test fails, its windows found by process on a display, waits with limits, and
//! accounts set up on a private bus.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use crate::desktop_bus::PrivateBus;
pub use crate::desktop_peers::{TrayHost, TrayItem};
use crate::support::{TestEnv, assert_ok, run_with_stdin};

/// Starts the app with only its tray icon (`--minimised`, links opened with `browser`) and
/// waits for the icon to register with `host`.
pub fn start_in_tray<'a>(
    bus: &'a PrivateBus,
    host: &TrayHost,
    env: &TestEnv,
    browser: &str,
) -> (App, TrayItem<'a>) {
    let app = bus.start_app(env, &["--minimised", "--browser", browser]);
    let item = TrayItem {
        bus,
        service: host.wait_for_item(),
    };
    (app, item)
}

/// A running app, killed if the test ends without it having quit; its log is shown when
/// the test fails.
pub struct App(pub Child, std::path::PathBuf, String);

impl App {
    pub fn start(mut command: Command, env: &TestEnv) -> Self {
        let display = command
            .get_envs()
            .find(|(name, _)| *name == "DISPLAY")
            .and_then(|(_, value)| value)
            .map(|value| value.to_string_lossy().into_owned())
            .or_else(|| std::env::var("DISPLAY").ok())
            .expect("a display: run the tests with ./scripts/test");
        // In `logs/`, which the scan after the suite reads: the app's own log never holds a
        // secret, even at -vv.
        let logs = env.dir.path().join("logs");
        std::fs::create_dir_all(&logs).unwrap();
        let log = logs.join(format!("app-{}.log", uuid::Uuid::new_v4().simple()));
        let child = command
            .arg("-vv")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        Self(child, log, display)
    }

    /// Waits for the app to exit, up to `limit`.
    pub fn wait_exit(&mut self, limit: Duration) -> std::process::ExitStatus {
        wait_exit(&mut self.0, limit)
    }

    /// What the app has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.1).unwrap_or_default()
    }

    pub fn is_running(&mut self) -> bool {
        self.0.try_wait().unwrap().is_none()
    }

    /// Its mapped window with this title, if shown.
    pub fn window(&self, title: &str) -> Option<String> {
        window_id(&self.2, self.0.id(), title)
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if std::thread::panicking() {
            print_threads(self.0.id());
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(&self.1).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            eprintln!("--- the app's log (last lines) ---");
            for line in tail.into_iter().rev() {
                eprintln!("{line}");
            }
        }
    }
}

/// Where each of the app's threads stands, for a test that failed while the app still ran
/// (a window that stopped answering shows what it waits on). Needs `gdb`; says so without.
fn print_threads(pid: u32) {
    let output = Command::new("gdb")
        .args([
            "-p",
            &pid.to_string(),
            "-batch",
            "-ex",
            "thread apply all bt 30",
        ])
        .stdin(Stdio::null())
        .output();
    match output {
        Ok(output) => {
            eprintln!("--- the app's threads ---");
            for line in String::from_utf8_lossy(&output.stdout).lines() {
                if line.starts_with("Thread ") || line.starts_with('#') {
                    eprintln!("{line}");
                }
            }
        }
        Err(err) => eprintln!("(no thread dump of the app: gdb: {err})"),
    }
}

/// Asks the app's window `title` to close, as a window manager's close button does. A close
/// the app never saw (nothing about it in its log; it happens on a loaded Xvfb, about once in
/// a few dozen runs) is sent again, as a person would click again; one it saw and ignored is
/// the caller's to find.
pub fn close_window(bus: &PrivateBus, app: &mut App, title: &str) {
    let seen = |app: &App| app.log().matches("closing the window").count();
    let before = seen(app);
    for _attempt in 0..2 {
        let Some(window) = app.window(title) else {
            return;
        };
        bus.peer(&["close", &window]);
        for _ in 0..50 {
            if !app.is_running() || seen(app) > before {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Waits for a child to exit, up to `limit`.
pub fn wait_exit(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "the process did not exit");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs a command to its end, within `limit` (a hang fails the test instead of stalling it).
pub fn run_within(mut command: Command, limit: Duration) -> std::process::Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + limit;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{command:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    child.wait_with_output().unwrap()
}

/// The X window id of a mapped window of process `pid` with this exact title (other tests
/// share the display, and their windows have the same titles).
pub fn window_id(display: &str, pid: u32, title: &str) -> Option<String> {
    let output = Command::new("xdotool")
        .env("DISPLAY", display)
        .args([
            "search",
            "--all",
            "--onlyvisible",
            "--pid",
            &pid.to_string(),
        ])
        .args(["--name", &format!("^{}$", regex_escape(title))])
        .output()
        .expect("xdotool is installed by scripts/test");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .next()
        .map(str::to_string)
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if "()[]{}.*+?^$|\\".contains(c) {
                vec!['\\', c]
            } else {
                vec![c]
            }
        })
        .collect()
}

pub fn add_assuresign_on(bus: &PrivateBus, env: &TestEnv, name: &str, extra: &[&str]) {
    let origin = env.origin();
    let sets = [
        format!("auth_base_url={origin}"),
        format!("api_base_url={origin}"),
        format!(
            "api_username={}",
            sso_launcher::sandbox::fixtures::assuresign::API_USERNAME
        ),
        format!(
            "context_username={}",
            sso_launcher::sandbox::fixtures::assuresign::CONTEXT_USERS[0]
        ),
    ];
    let mut command = bus.cli(env);
    command.args([
        "accounts",
        "add",
        name,
        "--provider",
        "assuresign",
        "--secrets-from-stdin",
    ]);
    for set in &sets {
        command.args(["--set", set]);
    }
    command.args(extra);
    let output = run_with_stdin(
        command,
        &format!(
            "api_key={}\n",
            sso_launcher::sandbox::fixtures::assuresign::API_KEY
        ),
    );
    assert_ok(&output);
}

pub fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Reads `read` until `accept` likes it; returns what it read.
pub fn wait_for_value(
    what: &str,
    read: impl Fn() -> String,
    accept: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let value = read();
        if accept(&value) {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out: {what} (last: {value:?})"
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}
