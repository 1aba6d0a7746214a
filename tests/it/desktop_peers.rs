//! The desktop's side of the resident app, as test peers on a private bus: a
//! StatusNotifierWatcher (the tray host's side), a notification server, and a reader of the
//! app's StatusNotifierItem and its dbusmenu, as a tray host reads and clicks them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use zbus::object_server::SignalEmitter;
use zbus::zvariant::{OwnedValue, Value};

use crate::desktop_bus::PrivateBus;

pub struct Watcher {
    pub registered: Arc<Mutex<Vec<String>>>,
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
    pub registered: Arc<Mutex<Vec<String>>>,
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

pub struct NotificationServer {
    pub received: Arc<Mutex<Vec<(String, String)>>>,
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
    pub received: Arc<Mutex<Vec<(String, String)>>>,
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
        crate::desktop_support::wait_for_value(what, || self.tooltip(), accept)
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
