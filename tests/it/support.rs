//! Shared test harness: a private config folder, a sandbox on its own runtime, and the CLI
//! binary run as a real process against the real Secret Service the test script started.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::{Value, json};
use sso_launcher::sandbox::SandboxHandle;
use sso_launcher::sandbox::fixtures::assuresign as fx;
use sso_launcher::sandbox::fixtures::{ags, licensespring};

pub const BIN: &str = env!("CARGO_BIN_EXE_sso-launcher");

pub struct TestEnv {
    pub dir: tempfile::TempDir,
    pub runtime: tokio::runtime::Runtime,
    pub sandbox: SandboxHandle,
    /// Values that must never appear in a file the app wrote.
    pub secrets: Vec<String>,
}

impl TestEnv {
    pub fn new() -> Self {
        require_secret_service();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sandbox = runtime.block_on(SandboxHandle::start(0)).unwrap();
        Self {
            dir: suite_dir(),
            runtime,
            sandbox,
            secrets: [
                fx::API_KEY,
                fx::PASSWORD,
                ags::SESSION_TOKEN,
                ags::PASSWORD,
                licensespring::API_KEY,
                licensespring::SHARED_KEY,
                licensespring::OAUTH_TOKEN,
                licensespring::USER_PASSWORD,
            ]
            .map(String::from)
            .to_vec(),
        }
    }

    pub fn origin(&self) -> String {
        self.sandbox.sandbox().assuresign_origin().to_string()
    }

    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The CLI with this environment's folders and the real keyring.
    pub fn cli(&self) -> Command {
        let mut command = Command::new(BIN);
        command
            .env("SSO_LAUNCHER_CONFIG_DIR", self.config_dir())
            .env("SSO_LAUNCHER_DATA_DIR", self.data_dir())
            .env("SSO_LAUNCHER_VAULT", "keyring")
            .env_remove("HTTPS_PROXY")
            .env_remove("HTTP_PROXY")
            .env_remove("ALL_PROXY")
            .stdin(Stdio::null());
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cli().args(args).output().unwrap()
    }

    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let mut command = self.cli();
        command.args(args);
        run_with_stdin(command, stdin)
    }

    pub fn spawn(&self, args: &[&str]) -> Child {
        self.cli()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// `accounts add NAME` for a minimal AssureSign account with the given `--set` pairs and an
    /// API key on stdin, run as is (the caller checks the outcome).
    pub fn add_minimal(&self, name: &str, sets: &[&str]) -> Output {
        let mut args = vec!["accounts", "add", name, "--provider", "assuresign"];
        for pair in ["api_username=u", "context_username=a@b.example"]
            .iter()
            .chain(sets)
        {
            args.extend(["--set", *pair]);
        }
        args.push("--secrets-from-stdin");
        self.run_with_stdin(&args, "api_key=k\n")
    }

    /// `credentials add NAME` for the sandbox's AssureSign API user, with `api_key`; the
    /// caller checks the outcome.
    pub fn add_assuresign_set(&self, name: &str, api_key: &str) -> Output {
        self.run_with_stdin(
            &[
                "credentials",
                "add",
                name,
                "--provider",
                "assuresign",
                "--set",
                &format!("api_username={}", fx::API_USERNAME),
                "--secrets-from-stdin",
            ],
            &format!("api_key={api_key}\n"),
        )
    }

    /// `accounts add NAME` of an AssureSign account on the sandbox at `origin` that acts as
    /// `context` through the credential set `set`; the caller checks the outcome.
    pub fn add_assuresign_using(
        &self,
        name: &str,
        set: &str,
        context: &str,
        origin: &str,
    ) -> Output {
        self.run(&[
            "accounts",
            "add",
            name,
            "--provider",
            "assuresign",
            "--credential",
            set,
            "--set",
            &format!("auth_base_url={origin}"),
            "--set",
            &format!("api_base_url={origin}"),
            "--set",
            &format!("context_username={context}"),
        ])
    }

    /// Adds an AssureSign account on the sandbox with the sandbox's API key.
    pub fn add_assuresign(&self, name: &str, extra: &[&str]) {
        assert_ok(&self.add_assuresign_with(self.cli(), name, extra));
    }

    /// `accounts add` of an AssureSign account on the sandbox, run by `command` (this
    /// environment's CLI with a vault of its own, say); the caller checks the outcome.
    pub fn add_assuresign_with(&self, mut command: Command, name: &str, extra: &[&str]) -> Output {
        let origin = self.origin();
        command.args(["accounts", "add", name, "--provider", "assuresign"]);
        for pair in [
            format!("auth_base_url={origin}"),
            format!("api_base_url={origin}"),
            format!("api_username={}", fx::API_USERNAME),
            format!("context_username={}", fx::CONTEXT_USERS[0]),
        ]
        .iter()
        .map(String::as_str)
        .chain(extra.iter().copied())
        {
            command.args(["--set", pair]);
        }
        command.arg("--secrets-from-stdin");
        run_with_stdin(command, &format!("api_key={}\n", fx::API_KEY))
    }

    /// A file holding `passphrase`, with permissions `mode` (0o600: only its owner reads it).
    pub fn passphrase_file(&self, passphrase: &str, mode: u32) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = self.dir.path().join(format!("passphrase-{}", uuid_like()));
        std::fs::write(&path, format!("{passphrase}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    /// A browser command that writes the URL it was given to a file.
    pub fn recording_browser(&self) -> (String, PathBuf) {
        let record = self.dir.path().join(format!("opened-{}.url", uuid_like()));
        let script = self.dir.path().join("record-browser.sh");
        std::fs::write(
            &script,
            "#!/bin/sh\nprintf '%s' \"$1\" > \"$2.tmp\" && mv \"$2.tmp\" \"$2\"\n",
        )
        .unwrap();
        make_executable(&script);
        (
            format!("{} {{url}} {}", script.display(), record.display()),
            record,
        )
    }

    pub fn counts(&self) -> Value {
        self.control("GET", "counts", None)["counts"].clone()
    }

    pub fn count(&self, endpoint: &str) -> u64 {
        self.counts()[endpoint].as_u64().unwrap_or(0)
    }

    pub fn fault(&self, endpoint: &str, fault: &str, times: u32, delay_ms: u64) {
        let answer = self.control(
            "POST",
            "faults",
            Some(
                json!({"endpoint": endpoint, "fault": fault, "times": times, "delay_ms": delay_ms}),
            ),
        );
        assert_eq!(answer["ok"], true, "{answer}");
    }

    pub fn control(&self, method: &str, route: &str, body: Option<Value>) -> Value {
        let url = format!("{}/__sandbox/{route}", self.origin());
        let (status, text) = self.http(method, &url, body.map(|b| b.to_string()), &[]);
        assert!(status < 500, "control {route}: {status} {text}");
        serde_json::from_str(&text).unwrap()
    }

    /// A plain HTTP call to the sandbox, as a browser or another client would make it.
    pub fn http(
        &self,
        method: &str,
        url: &str,
        body: Option<String>,
        headers: &[(&str, &str)],
    ) -> (u16, String) {
        self.runtime.block_on(async {
            let client = reqwest::Client::new();
            let mut request = client.request(method.parse().unwrap(), url);
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            if let Some(body) = body {
                request = request
                    .header("content-type", "application/json")
                    .body(body);
            }
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        })
    }

    /// Whether the account has a cached session in the (real) keyring.
    pub fn session_stored(&self, name: &str) -> bool {
        use sso_launcher::core::store::vault::{KeyringVault, SecretKey, SecretVault};
        let shown = self.run(&["--json", "accounts", "show", name]);
        let shown: Value = serde_json::from_str(&stdout(&shown)).unwrap();
        let id = shown["id"].as_str().unwrap().parse().unwrap();
        KeyringVault::new()
            .get(&SecretKey::new(id, "cache.session"))
            .unwrap()
            .is_some()
    }

    /// Every file the app wrote, read as bytes.
    pub fn written_files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = Vec::new();
        for root in ["config", "data", "logs", "home"].map(|folder| self.dir.path().join(folder)) {
            collect_files(&root, &mut files);
        }
        files
    }
}

impl Drop for TestEnv {
    /// Whatever a test did, no secret may be left in a file the app wrote. Under the test
    /// command the folder stays, and the secrets are listed, for the scan after the suite.
    fn drop(&mut self) {
        if let Some(root) = suite_root() {
            self.dir.disable_cleanup(true);
            let list = root
                .join("secrets")
                .join(format!("used-{}.list", uuid::Uuid::new_v4().simple()));
            let mut lines = self.secrets.join("\n");
            lines.push('\n');
            std::fs::write(&list, lines).expect("the secrets list is written");
        }
        if std::thread::panicking() {
            return;
        }
        for (path, bytes) in self.written_files() {
            let text = String::from_utf8_lossy(&bytes);
            for secret in &self.secrets {
                assert!(
                    !text.contains(secret.as_str()),
                    "a secret leaked into {}",
                    path.display()
                );
            }
        }
    }
}

/// Set by the test command: the folder in `target/` the suite writes under (`files/`, kept
/// until the scan) and lists the secrets it used in (`secrets/`, outside what is scanned).
pub const SUITE_ROOT_ENV: &str = "SSO_LAUNCHER_TEST_ROOT";

fn suite_root() -> Option<PathBuf> {
    std::env::var_os(SUITE_ROOT_ENV).map(PathBuf::from)
}

/// A test's own folder: under the suite's `files/` when the test command runs, else a plain
/// temporary folder. The app writes in its `config/`, `data/`, `logs/` and `home/`; the test's
/// own scaffolding (browser scripts, passphrase files) sits beside them and is not scanned.
fn suite_dir() -> tempfile::TempDir {
    match suite_root() {
        Some(root) => {
            let files = root.join("files");
            std::fs::create_dir_all(&files).unwrap();
            std::fs::create_dir_all(root.join("secrets")).unwrap();
            tempfile::Builder::new()
                .prefix("env-")
                .tempdir_in(files)
                .unwrap()
        }
        None => tempfile::tempdir().unwrap(),
    }
}

fn collect_files(dir: &Path, files: &mut Vec<(PathBuf, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, files);
        } else if let Ok(bytes) = std::fs::read(&path) {
            files.push((path, bytes));
        }
    }
}

/// Runs `command` to its end with `stdin` as its input.
pub fn run_with_stdin(mut command: Command, stdin: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn assert_ok(output: &Output) {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        stdout(output),
        stderr(output)
    );
}

/// Asserts an exit code and a clear, panic-free message; returns stderr.
pub fn assert_exit(output: &Output, code: i32) -> String {
    let err = stderr(output);
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout: {}\nstderr: {err}",
        stdout(output)
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains("error:") || err.contains("\"error\":"),
        "{err}"
    );
    assert!(
        err.contains("hint:") || err.contains("\"hint\":\""),
        "every error says what to do: {err}"
    );
    err
}

pub fn wait_for_file(path: &Path) -> String {
    for _ in 0..200 {
        if let Ok(text) = std::fs::read_to_string(path) {
            return text;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("{} never appeared", path.display());
}

fn uuid_like() -> String {
    format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

pub fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// The keyring tests need the Secret Service that `scripts/test` starts; say so plainly.
fn require_secret_service() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session: run the tests with ./scripts/test, which starts a private Secret Service"
    );
}

/// Tests that run the real app on a desktop (a private bus with its own X display, or the
/// shared display) take turns: each starts windows that draw in software, and on a 2-core
/// machine two at once starve each other's timed waits (a close or an accessibility read).
pub fn desktop_turn() -> std::sync::MutexGuard<'static, ()> {
    static DESKTOP: std::sync::Mutex<()> = std::sync::Mutex::new(());
    DESKTOP
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The X clipboard is one per display: tests that use it take turns. They also wait for the
/// desktop tests (see [`desktop_turn`]): a link held on the clipboard for a second or two must
/// be seen before it expires, which a display busy drawing software windows can delay.
pub fn clipboard_turn() -> ClipboardTurn {
    static CLIPBOARD: std::sync::Mutex<()> = std::sync::Mutex::new(());
    // Always in this order (desktop, then clipboard), so no two tests wait on each other.
    let desktop = desktop_turn();
    let clipboard = CLIPBOARD
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    ClipboardTurn {
        _desktop: desktop,
        _clipboard: clipboard,
    }
}

/// Held while a test uses the clipboard.
pub struct ClipboardTurn {
    _desktop: std::sync::MutexGuard<'static, ()>,
    _clipboard: std::sync::MutexGuard<'static, ()>,
}

/// What another program would paste, read with `xclip` (installed by `scripts/test`).
pub fn read_clipboard() -> String {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "no DISPLAY: run the tests with ./scripts/test, which starts Xvfb"
    );
    let output = Command::new("xclip")
        .args(["-selection", "clipboard", "-o"])
        .output()
        .expect("xclip is installed by scripts/test");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Reads the clipboard until `accept` likes it (another process may take a moment to own it).
pub fn wait_for_clipboard(what: &str, accept: impl Fn(&str) -> bool) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let seen = read_clipboard();
        if accept(&seen) {
            return seen;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the clipboard never held {what}; it holds {seen:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
}

/// A step of a xorshift generator: random enough for kill moments, and reproducible.
pub fn next_random(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// Starts a writer that prints a number after each write, waits for the first, lets it run on
/// for as long as `after` says (given how long the first write took, start-up included, so a
/// loaded machine gets a longer window), and kills it (SIGKILL). Returns the number it had
/// reported.
pub fn kill_writer_after(
    mut writer: Command,
    after: impl FnOnce(std::time::Duration) -> std::time::Duration,
    what: &str,
) -> u64 {
    use std::io::BufRead;
    let started = std::time::Instant::now();
    let mut child = writer.stdout(Stdio::piped()).spawn().unwrap();
    let mut said = String::new();
    // Kept open until the kill: the writer is to die of it, not of a closed pipe.
    let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
    reader.read_line(&mut said).unwrap();
    let written: u64 = said.trim().parse().expect("the writer says what it wrote");
    std::thread::sleep(after(started.elapsed()));
    child.kill().unwrap();
    let status = child.wait().unwrap();
    drop(reader);
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(9),
        "{what}: the writer ended before the kill: {status}"
    );
    written
}
