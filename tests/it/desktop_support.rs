//! Real desktop peers for the resident app, each test on a D-Bus session bus of its own (so
//! that one test's tray host is not another's): a throwaway GNOME Keyring, a
//! StatusNotifierWatcher (the tray host's side), a notification server, and readers of the
//! app's StatusNotifierItem and dbusmenu.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use zbus::blocking::Connection;
use zbus::object_server::SignalEmitter;
use zbus::zvariant::{OwnedValue, Value};

use crate::support::{TestEnv, assert_ok, run_with_stdin};

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
        assert!(
            output.status.success(),
            "peer.py {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// The (role, name) of every accessible node of the app's window named `frame`.
    pub fn accessible_nodes(&self, frame: &str) -> Vec<(String, String)> {
        serde_json::from_str(&self.peer(&["nodes", frame])).unwrap()
    }

    /// Waits until the window `frame` has a node whose name contains `needle`.
    pub fn wait_for_node(&self, frame: &str, needle: &str) -> (String, String) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(found) = self
                .accessible_nodes(frame)
                .into_iter()
                .find(|(_, name)| name.contains(needle))
            {
                return found;
            }
            assert!(Instant::now() < deadline, "no node '{needle}' in '{frame}'");
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

struct Watcher {
    registered: Arc<Mutex<Vec<String>>>,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    async fn register_status_notifier_item(
        &self,
        service: &str,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) {
        // The spec allows an object path (then the sender is the service) or a bus name.
        let service = if service.starts_with('/') {
            header.sender().unwrap().to_string()
        } else {
            service.to_string()
        };
        self.registered.lock().unwrap().push(service.clone());
        let _ = Self::status_notifier_item_registered(&emitter, &service).await;
    }

    async fn register_status_notifier_host(&self, _service: &str) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        self.registered.lock().unwrap().clone()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }

    #[zbus(signal)]
    async fn status_notifier_item_registered(
        emitter: &SignalEmitter<'_>,
        service: &str,
    ) -> zbus::Result<()>;
}

/// What the test tray host saw.
pub struct TrayHost {
    registered: Arc<Mutex<Vec<String>>>,
}

impl TrayHost {
    /// The bus name of the first item that registers.
    pub fn wait_for_item(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(item) = self.registered.lock().unwrap().first() {
                return item.clone();
            }
            assert!(Instant::now() < deadline, "no tray item registered");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

struct NotificationServer {
    received: Arc<Mutex<Vec<(String, String)>>>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl NotificationServer {
    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".into()]
    }

    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        _app_name: &str,
        _replaces_id: u32,
        _app_icon: &str,
        summary: &str,
        body: &str,
        _actions: Vec<String>,
        _hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut received = self.received.lock().unwrap();
        received.push((summary.to_string(), body.to_string()));
        received.len() as u32
    }

    fn close_notification(&self, _id: u32) {}

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "test-notifications".into(),
            "sso-launcher tests".into(),
            "1".into(),
            "1.2".into(),
        )
    }
}

pub struct Notifications {
    received: Arc<Mutex<Vec<(String, String)>>>,
}

impl Notifications {
    /// Waits for a notification whose summary contains `needle`; returns (summary, body).
    pub fn wait_for(&self, needle: &str) -> (String, String) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(found) = self
                .received
                .lock()
                .unwrap()
                .iter()
                .find(|(summary, _)| summary.contains(needle))
            {
                return found.clone();
            }
            assert!(
                Instant::now() < deadline,
                "no notification about {needle}: {:?}",
                self.received.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A dbusmenu layout node: id, properties, children.
type Layout = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);
/// A StatusNotifierItem image: width, height, ARGB bytes.
type Pixmap = (i32, i32, Vec<u8>);

/// One item of the tray's menu, as a tray host reads it.
#[derive(Debug, Clone)]
pub struct MenuEntry {
    pub id: i32,
    pub label: String,
    pub enabled: bool,
    pub separator: bool,
}

/// The app's tray item on the bus.
pub struct TrayItem<'a> {
    pub bus: &'a PrivateBus,
    pub service: String,
}

impl TrayItem<'_> {
    /// The menu, read with `com.canonical.dbusmenu.GetLayout` (labels without mnemonics).
    pub fn menu(&self) -> Vec<MenuEntry> {
        let reply = self
            .bus
            .connection
            .call_method(
                Some(self.service.as_str()),
                "/MenuBar",
                Some("com.canonical.dbusmenu"),
                "GetLayout",
                &(0i32, -1i32, Vec::<String>::new()),
            )
            .unwrap();
        let (_revision, (_id, _props, children)): (u32, Layout) =
            reply.body().deserialize().unwrap();
        let mut entries = Vec::new();
        for child in &children {
            collect_entries(child, &mut entries);
        }
        entries
    }

    pub fn labels(&self) -> Vec<String> {
        self.menu()
            .into_iter()
            .filter(|entry| !entry.separator)
            .map(|entry| entry.label)
            .collect()
    }

    /// Clicks the first item whose label is `label`, as a tray host does.
    pub fn click(&self, label: &str) {
        let entry = self
            .menu()
            .into_iter()
            .find(|entry| entry.label == label)
            .unwrap_or_else(|| panic!("no menu item '{label}' in {:?}", self.labels()));
        self.bus
            .connection
            .call_method(
                Some(self.service.as_str()),
                "/MenuBar",
                Some("com.canonical.dbusmenu"),
                "Event",
                &(entry.id, "clicked", Value::from(0i32), 0u32),
            )
            .unwrap();
    }

    /// Clicks the icon itself (StatusNotifierItem `Activate`).
    pub fn activate(&self) {
        self.bus
            .connection
            .call_method(
                Some(self.service.as_str()),
                "/StatusNotifierItem",
                Some("org.kde.StatusNotifierItem"),
                "Activate",
                &(0i32, 0i32),
            )
            .unwrap();
    }

    fn property(&self, name: &str) -> OwnedValue {
        let proxy = zbus::blocking::fdo::PropertiesProxy::builder(&self.bus.connection)
            .destination(self.service.as_str())
            .unwrap()
            .path("/StatusNotifierItem")
            .unwrap()
            .build()
            .unwrap();
        proxy
            .get("org.kde.StatusNotifierItem".try_into().unwrap(), name)
            .unwrap()
    }

    /// The tooltip's text (its description).
    pub fn tooltip(&self) -> String {
        let value = self.property("ToolTip");
        let (_icon, _pixmaps, _title, description): (String, Vec<Pixmap>, String, String) =
            value.try_into().unwrap();
        description
    }

    /// The icon's pixels, as the tray host draws them.
    pub fn pixmap(&self) -> Vec<u8> {
        let value = self.property("IconPixmap");
        let pixmaps: Vec<Pixmap> = value.try_into().unwrap();
        pixmaps
            .into_iter()
            .next()
            .map(|(_, _, data)| data)
            .unwrap_or_default()
    }

    /// Waits until `accept` likes the menu labels.
    pub fn wait_for_menu(&self, what: &str, accept: impl Fn(&[String]) -> bool) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let labels = self.labels();
            if accept(&labels) {
                return labels;
            }
            assert!(Instant::now() < deadline, "{what}: the menu is {labels:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn wait_for_tooltip(&self, what: &str, accept: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let tooltip = self.tooltip();
            if accept(&tooltip) {
                return tooltip;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: the tooltip says {tooltip:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn collect_entries(value: &Value, entries: &mut Vec<MenuEntry>) {
    let value = match value {
        Value::Value(inner) => inner.as_ref(),
        other => other,
    };
    let Value::Structure(structure) = value else {
        return;
    };
    let fields = structure.fields();
    let (Some(Value::I32(id)), Some(Value::Dict(props))) = (fields.first(), fields.get(1)) else {
        return;
    };
    let text = |key: &str| -> Option<String> {
        match props.get::<&str, Value>(&key).ok().flatten()? {
            Value::Str(text) => Some(text.to_string()),
            Value::Value(inner) => match *inner {
                Value::Str(text) => Some(text.to_string()),
                _ => None,
            },
            _ => None,
        }
    };
    let enabled = !matches!(
        props.get::<&str, Value>(&"enabled").ok().flatten(),
        Some(Value::Bool(false))
    );
    let separator = text("type").as_deref() == Some("separator");
    // dbusmenu marks mnemonics with `_` and writes a literal one as `__`.
    let label = text("label")
        .unwrap_or_default()
        .replace("__", "\u{0}")
        .replace('_', "")
        .replace('\u{0}', "_");
    entries.push(MenuEntry {
        id: *id,
        label,
        enabled,
        separator,
    });
    if let Some(Value::Array(children)) = fields.get(2) {
        for child in children.iter() {
            collect_entries(child, entries);
        }
    }
}

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
        let log = env
            .dir
            .path()
            .join(format!("app-{}.log", uuid::Uuid::new_v4().simple()));
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
