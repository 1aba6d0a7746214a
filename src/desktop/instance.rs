//! One resident app per user session and config folder. The first start owns a per-user name
//! on the D-Bus session bus, derived from the config folder (so a run with another
//! `--config-dir` is another instance); a later start hands its request to that name's owner
//! and exits. Requests from another user are refused. Without a session bus the app runs
//! alone.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use zbus::blocking::Connection;
use zbus::blocking::fdo::DBusProxy;
use zbus::fdo::{RequestNameFlags, RequestNameReply};
use zbus::message::Header;

const PATH: &str = "/org/ssolauncher/Instance";
const INTERFACE: &str = "org.ssolauncher.Instance1";
/// Longer than any link this app writes; a longer argument is cut (the link parser refuses it).
const MAX_ARGUMENT: usize = 512;

/// What a start asks the running app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstanceRequest {
    /// Show and raise the main window.
    Show,
    /// Open the quick-launch window.
    QuickLaunch,
    /// Show the confirmation for an `sso-launcher://` link (checked by the app, not here).
    Link(String),
}

impl InstanceRequest {
    fn to_wire(&self) -> (&'static str, &str) {
        match self {
            Self::Show => ("show", ""),
            Self::QuickLaunch => ("quick", ""),
            Self::Link(link) => ("link", link),
        }
    }

    fn from_wire(kind: &str, argument: &str) -> Option<Self> {
        match kind {
            "show" => Some(Self::Show),
            "quick" => Some(Self::QuickLaunch),
            "link" => Some(Self::Link(argument.chars().take(MAX_ARGUMENT).collect())),
            _ => None,
        }
    }
}

type Wake = Arc<Mutex<Option<Box<dyn Fn() + Send>>>>;

/// This process is the instance: it receives the requests of later starts.
pub struct Primary {
    /// Keeps the bus name and the service alive.
    _connection: Connection,
    requests: Receiver<InstanceRequest>,
    wake: Wake,
}

impl Primary {
    /// How to wake the window when a request arrives (its `request_repaint`).
    pub fn set_wake(&self, wake: impl Fn() + Send + 'static) {
        *self.wake.lock().expect("wake lock") = Some(Box::new(wake));
    }

    /// The requests that arrived since the last call; never blocks.
    pub fn drain(&self) -> Vec<InstanceRequest> {
        self.requests.try_iter().collect()
    }
}

/// How a start went.
pub enum Startup {
    /// No instance was running: this one is it.
    Primary(Primary),
    /// The running instance took the request; this process should exit.
    HandedOver,
    /// No session bus (or it refused us): run alone, without the one-instance service.
    Alone(String),
}

/// The bus name of the instance for `key` (made from the config folder, or the demo's).
pub fn bus_name(key: &str) -> String {
    use sha2::{Digest, Sha256};
    let hash: String = Sha256::digest(key.as_bytes())
        .iter()
        .take(16)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("org.ssolauncher.Instance.k{hash}")
}

/// Becomes the instance for `key`, or hands `request` to the one running.
pub fn claim(key: &str, request: &InstanceRequest) -> Startup {
    let name = bus_name(key);
    // Twice: an owner that quits between our name request and our call leaves the name free.
    for _ in 0..2 {
        match try_claim(&name, request) {
            Ok(Some(startup)) => return startup,
            Ok(None) => std::thread::sleep(Duration::from_millis(200)),
            Err(err) => return Startup::Alone(err.to_string()),
        }
    }
    Startup::Alone("the running instance did not answer".into())
}

fn try_claim(name: &str, request: &InstanceRequest) -> zbus::Result<Option<Startup>> {
    let (sender, requests) = channel();
    let wake: Wake = Arc::default();
    let connection = Connection::session()?;
    let own_uid = own_uid(&connection)?;
    connection.object_server().at(
        PATH,
        InstanceService {
            requests: sender,
            wake: wake.clone(),
            own_uid,
        },
    )?;
    // zbus reports a name owned by another as the error NameTaken.
    match connection.request_name_with_flags(name, RequestNameFlags::DoNotQueue.into()) {
        Ok(RequestNameReply::PrimaryOwner) => {
            return Ok(Some(Startup::Primary(Primary {
                _connection: connection,
                requests,
                wake,
            })));
        }
        Ok(_) | Err(zbus::Error::NameTaken) => {}
        Err(err) => return Err(err),
    }
    let (kind, argument) = request.to_wire();
    match connection.call_method(
        Some(name),
        PATH,
        Some(INTERFACE),
        "Request",
        &(kind, argument),
    ) {
        Ok(_) => Ok(Some(Startup::HandedOver)),
        Err(err) => {
            tracing::info!("the running instance did not take the request: {err}");
            Ok(None)
        }
    }
}

fn own_uid(connection: &Connection) -> zbus::Result<u32> {
    let own = connection
        .unique_name()
        .ok_or_else(|| zbus::Error::Failure("no unique name on the bus".into()))?
        .clone();
    Ok(DBusProxy::new(connection)?.get_connection_unix_user(own.into())?)
}

struct InstanceService {
    requests: Sender<InstanceRequest>,
    wake: Wake,
    own_uid: u32,
}

#[zbus::interface(name = "org.ssolauncher.Instance1")]
impl InstanceService {
    /// A later start's request: `kind` is `show`, `quick` or `link` (with the link).
    async fn request(
        &self,
        kind: &str,
        argument: &str,
        #[zbus(header)] header: Header<'_>,
        #[zbus(connection)] connection: &zbus::Connection,
    ) -> zbus::fdo::Result<()> {
        let sender = header
            .sender()
            .ok_or_else(|| zbus::fdo::Error::AccessDenied("no sender".into()))?
            .to_owned();
        let uid = match zbus::fdo::DBusProxy::new(connection).await {
            Ok(bus) => bus.get_connection_unix_user(sender.into()).await.ok(),
            Err(_) => None,
        };
        if uid != Some(self.own_uid) {
            tracing::warn!(
                ?uid,
                "refused a request from another user (or an unknown one)"
            );
            return Err(zbus::fdo::Error::AccessDenied(
                "this sso-launcher takes requests only from its own user".into(),
            ));
        }
        let request = InstanceRequest::from_wire(kind, argument).ok_or_else(|| {
            zbus::fdo::Error::InvalidArgs(format!("unknown request '{}'", kind.escape_debug()))
        })?;
        let _ = self.requests.send(request);
        if let Some(wake) = self.wake.lock().expect("wake lock").as_ref() {
            wake();
        }
        Ok(())
    }
}
