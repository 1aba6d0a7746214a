//! A private desktop session for each resident-app test: its own D-Bus session bus with a
//! throwaway GNOME Keyring on it, its own X display, and on request the accessibility bus.
//! One test's tray host, keyboard focus or clipboard is then never another's.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use zbus::blocking::Connection;
use zbus::zvariant::Value;

use crate::desktop_peers::{NotificationServer, Notifications, TrayHost, Watcher};
use crate::desktop_support::App;
use crate::support::TestEnv;

/// A private desktop session: a D-Bus session bus with a real Secret Service on it, and an X
/// display of its own (keyboard focus and the clipboard are per display: tests that type into
/// windows must not share one).
pub struct PrivateBus {
    pub address: String,
    pub display: String,
    xvfb: Child,
    daemon: Child,
    keyring: Child,
    /// The accessibility bus launcher, when started, and its bus's address.
    accessibility: Option<Child>,
    accessibility_address: Option<String>,
    _dir: tempfile::TempDir,
    pub connection: Connection,
    /// Held for the bus's life (declared last: released after everything above).
    _turn: std::sync::MutexGuard<'static, ()>,
}

impl PrivateBus {
    pub fn start() -> Self {
        Self::start_with(false)
    }

    /// A bus that also admits clients that do not say who they are (ANONYMOUS), as a
    /// misconfigured or shared bus might: the app must not act on their requests.
    pub fn start_admitting_strangers() -> Self {
        Self::start_with(true)
    }

    fn start_with(strangers: bool) -> Self {
        let turn = crate::support::desktop_turn();
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("bus");
        let mut command = Command::new("dbus-daemon");
        if strangers {
            let config = dir.path().join("bus.conf");
            std::fs::write(
                &config,
                format!(
                    r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <auth>EXTERNAL</auth>
  <auth>ANONYMOUS</auth>
  <allow_anonymous/>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                    socket.display()
                ),
            )
            .unwrap();
            command.arg(format!("--config-file={}", config.display()));
        } else {
            command
                .arg("--session")
                .arg(format!("--address=unix:path={}", socket.display()));
        }
        let mut daemon = command
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon is installed by scripts/test");
        let mut line = String::new();
        BufReader::new(daemon.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let address = line.trim().to_string();
        assert!(address.starts_with("unix:"), "dbus-daemon said {address:?}");
        for sub in ["data", "run"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .env("XDG_RUNTIME_DIR", dir.path().join("run"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring is installed by scripts/test");
        let mut stdin = keyring.stdin.take().unwrap();
        stdin.write_all(b"test-keyring").unwrap();
        drop(stdin);
        // Xvfb picks a free display number itself and says which.
        let mut xvfb = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb is installed by scripts/test");
        let mut number = String::new();
        BufReader::new(xvfb.stdout.take().unwrap())
            .read_line(&mut number)
            .unwrap();
        let display = format!(":{}", number.trim());
        let connection = zbus::blocking::connection::Builder::address(address.as_str())
            .unwrap()
            .build()
            .unwrap();
        let bus = Self {
            address,
            display,
            xvfb,
            daemon,
            keyring,
            accessibility: None,
            accessibility_address: None,
            _dir: dir,
            connection,
            _turn: turn,
        };
        bus.wait_for_name("org.freedesktop.secrets");
        bus
    }

    /// Starts the accessibility bus and turns accessibility on (`org.a11y.Status.IsEnabled`),
    /// as a desktop does when a screen reader runs: without it AccessKit exposes nothing.
    pub fn enable_accessibility(&mut self) {
        use std::os::unix::process::CommandExt;
        // Its bus's socket goes in XDG_RUNTIME_DIR, named after the display: one per test.
        let launcher = Command::new("/usr/libexec/at-spi-bus-launcher")
            .arg("--launch-immediately")
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("XDG_RUNTIME_DIR", self._dir.path().join("run"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("at-spi2-core is installed by scripts/test");
        self.accessibility = Some(launcher);
        self.wait_for_name("org.a11y.Bus");
        zbus::blocking::fdo::PropertiesProxy::builder(&self.connection)
            .destination("org.a11y.Bus")
            .unwrap()
            .path("/org/a11y/bus")
            .unwrap()
            .build()
            .unwrap()
            .set(
                "org.a11y.Status".try_into().unwrap(),
                "IsEnabled",
                Value::from(true),
            )
            .unwrap();
        let reply = self
            .connection
            .call_method(
                Some("org.a11y.Bus"),
                "/org/a11y/bus",
                Some("org.a11y.Bus"),
                "GetAddress",
                &(),
            )
            .unwrap();
        self.accessibility_address = Some(reply.body().deserialize().unwrap());
    }

    /// Runs `tests/desktop/peer.py` (AT-SPI and X requests) on this bus and the test display.
    pub fn peer(&self, args: &[&str]) -> String {
        self.try_peer(args)
            .unwrap_or_else(|stderr| panic!("peer.py {args:?}: {stderr}"))
    }

    /// [`Self::peer`], with its complaint (on stderr) instead of a panic when it fails.
    pub fn try_peer(&self, args: &[&str]) -> Result<String, String> {
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/desktop/peer.py");
        let mut command = Command::new("/usr/bin/python3");
        command
            .arg(script)
            .args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("DISPLAY", &self.display);
        // Named outright, so no other test's accessibility bus is found instead.
        if let Some(address) = &self.accessibility_address {
            command.env("AT_SPI_BUS_ADDRESS", address);
        }
        let output = command
            .output()
            .expect("Debian's python3 with pyatspi is installed by scripts/test");
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).into_owned())
        }
    }

    /// The (role, name) of every accessible node of the app's window named `frame`.
    pub fn accessible_nodes(&self, frame: &str) -> Vec<(String, String)> {
        serde_json::from_str(&self.peer(&["nodes", frame])).unwrap()
    }

    /// Waits until the window `frame` has a node whose name contains `needle`. A window that
    /// has just come up registers with AT-SPI a moment later: until then it is not there yet.
    pub fn wait_for_node(&self, frame: &str, needle: &str) -> (String, String) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let nodes: Vec<(String, String)> = self
                .try_peer(&["nodes", frame])
                .map(|text| serde_json::from_str(&text).unwrap())
                .unwrap_or_default();
            if let Some(found) = nodes.into_iter().find(|(_, name)| name.contains(needle)) {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "no node '{needle}' in '{frame}'; it shows {:?}",
                self.try_peer(&["nodes", frame])
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn has_name(&self, name: &str) -> bool {
        zbus::blocking::fdo::DBusProxy::new(&self.connection)
            .unwrap()
            .name_has_owner(name.try_into().unwrap())
            .unwrap_or(false)
    }

    pub fn wait_for_name(&self, name: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.has_name(name) {
            assert!(
                Instant::now() < deadline,
                "{name} never appeared on the bus"
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// The CLI (or the app) of `env`, on this bus and display.
    pub fn cli(&self, env: &TestEnv) -> Command {
        let mut command = env.cli();
        command
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("DISPLAY", &self.display);
        command
    }

    /// `xdotool ARGS` on this display.
    pub fn xdotool(&self, args: &[&str]) {
        let status = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.display)
            .status()
            .expect("xdotool is installed by scripts/test");
        assert!(status.success(), "xdotool {args:?}");
    }

    /// What another program on this display would paste.
    pub fn clipboard(&self) -> String {
        let output = Command::new("xclip")
            .args(["-selection", "clipboard", "-o"])
            .env("DISPLAY", &self.display)
            .output()
            .expect("xclip is installed by scripts/test");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Saves a screenshot of the X window under target/gui-screenshots/ (kept by CI).
    pub fn screenshot(&self, window: &str, name: &str) -> std::path::PathBuf {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/gui-screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let shot = dir.join(name);
        let status = Command::new("import")
            .args(["-window", window])
            .arg(&shot)
            .env("DISPLAY", &self.display)
            .status()
            .expect("imagemagick is installed by scripts/test");
        assert!(status.success(), "screenshot of {window}");
        shot
    }

    /// Starts the resident app of `env` on this bus (and the test script's X display).
    pub fn start_app(&self, env: &TestEnv, args: &[&str]) -> App {
        let mut command = self.cli(env);
        command.args(args);
        App::start(command, env)
    }

    /// Serves a StatusNotifierWatcher: the tray host's side of the protocol.
    pub fn tray_host(&self) -> TrayHost {
        let registered = Arc::new(Mutex::new(Vec::new()));
        self.connection
            .object_server()
            .at(
                "/StatusNotifierWatcher",
                Watcher {
                    registered: registered.clone(),
                },
            )
            .unwrap();
        self.connection
            .request_name("org.kde.StatusNotifierWatcher")
            .unwrap();
        TrayHost { registered }
    }

    /// Serves `org.freedesktop.Notifications`, keeping what it is sent.
    pub fn notification_server(&self) -> Notifications {
        let received = Arc::new(Mutex::new(Vec::new()));
        self.connection
            .object_server()
            .at(
                "/org/freedesktop/Notifications",
                NotificationServer {
                    received: received.clone(),
                },
            )
            .unwrap();
        self.connection
            .request_name("org.freedesktop.Notifications")
            .unwrap();
        Notifications { received }
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        if let Some(mut launcher) = self.accessibility.take() {
            // The launcher's own bus and registry are in its process group.
            let _ = Command::new("kill")
                .args(["-s", "KILL", "--", &format!("-{}", launcher.id())])
                .status();
            let _ = launcher.wait();
        }
        let _ = self.keyring.kill();
        let _ = self.keyring.wait();
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}
