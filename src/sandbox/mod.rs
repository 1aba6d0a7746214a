//! The sandbox: local, strict fakes of the providers, for demo mode and tests.
//!
//! It enforces the documented contract (headers, bodies, expiry, single use) and can be told,
//! through a loopback control API under `/__sandbox/`, to misbehave in documented ways.

pub mod ags;
mod ags_discovery;
mod ags_wire;
pub mod assuresign;
mod control;
pub mod demo;
pub mod fake;
pub mod faults;
pub mod fixtures;
pub mod licensespring;
mod licensespring_sso;
pub mod oidc;
pub mod oidc_idp;
pub mod oidc_idp_code;
mod pages;
mod server;
pub mod signnow;
pub mod sovos;
pub mod state;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use self::fake::{Fake, FakeService, Served};
use self::server::{Reply, Request};
use self::state::SandboxState;
use crate::core::account::ProviderId;

/// Makes a provider's fake, given the origin it is served at.
type MakeFake = fn(String) -> Arc<dyn Fake>;

/// The fakes, one per provider, in port order: the first on the sandbox's port, each next
/// one on the port after. A provider added later adds its line here.
const FAKES: &[MakeFake] = &[
    |origin| Arc::new(Served::<assuresign::AssureSignFake>::new(origin)),
    |origin| Arc::new(Served::<sovos::SovosFake>::new(origin)),
    |origin| Arc::new(Served::<signnow::SignNowFake>::new(origin)),
    |origin| Arc::new(Served::<licensespring::LicenseSpringFake>::new(origin)),
    |origin| Arc::new(Served::<ags::AgsFake>::new(origin)),
    |origin| Arc::new(Served::<oidc::OidcFake>::new(origin)),
];

/// The shared fake services behind every sandbox port.
pub struct Sandbox {
    pub state: SandboxState,
    fakes: Vec<Arc<dyn Fake>>,
    /// Counts sign-on pages served to a browser with a valid token.
    signed_in_pages: watch::Sender<u64>,
}

impl Sandbox {
    /// The fake of type `T` (each provider's fake has a type of its own), and its origin.
    fn served<T: FakeService>(&self) -> &Served<T> {
        self.fakes
            .iter()
            .find_map(|fake| fake.as_any().downcast_ref::<Served<T>>())
            .expect("every fake type is registered")
    }

    /// The fake of type `T`.
    pub fn fake<T: FakeService>(&self) -> &T {
        &self.served::<T>().fake
    }

    /// Where the provider's fake is served.
    pub fn origin(&self, provider: ProviderId) -> &str {
        self.fakes
            .iter()
            .find(|fake| fake.provider() == provider)
            .map(|fake| fake.origin())
            .expect("every provider has a fake")
    }

    pub fn assuresign_origin(&self) -> &str {
        self.served::<assuresign::AssureSignFake>().origin()
    }

    /// The LicenseSpring fake's origin (`/api/v4/...` is appended).
    pub fn licensespring_origin(&self) -> &str {
        self.served::<licensespring::LicenseSpringFake>().origin()
    }

    pub fn licensespring(&self) -> &licensespring::LicenseSpringFake {
        self.fake()
    }

    /// The AGS fake's origin (`/ags/...` is appended).
    pub fn ags_origin(&self) -> &str {
        self.served::<ags::AgsFake>().origin()
    }

    /// The key that verifies the LicenseSpring fake's `LicenseSignature` (base64 DER).
    pub fn licensespring_vendor_key(&self) -> String {
        self.licensespring().sso.vendor_public_key()
    }

    /// The signNow fake's origin (API and web app on one origin here).
    pub fn signnow_origin(&self) -> &str {
        self.served::<signnow::SignNowFake>().origin()
    }

    /// The Sovos fake's issuer (discovery at `/.well-known/openid-configuration`).
    pub fn sovos_issuer(&self) -> &str {
        self.served::<sovos::SovosFake>().origin()
    }

    /// The base URLs to put in account settings, as printed by `sso-launcher sandbox`.
    pub fn urls_json(&self) -> Value {
        let mut urls = serde_json::Map::new();
        for fake in &self.fakes {
            urls.insert(fake.provider().id().into(), fake.settings());
        }
        urls.insert(
            "control".into(),
            format!("{}/__sandbox/", self.fakes[0].origin()).into(),
        );
        Value::Object(urls)
    }

    /// The credentials to try each fake by hand with, by provider.
    pub fn demo_credentials(&self) -> Value {
        let mut credentials = serde_json::Map::new();
        for fake in &self.fakes {
            if let Some(values) = fake.demo_credentials() {
                credentials.insert(fake.provider().id().into(), values);
            }
        }
        Value::Object(credentials)
    }

    /// Every fake's demo accounts, in the fakes' order.
    pub fn demo_accounts(&self) -> Vec<fake::DemoAccount> {
        self.fakes
            .iter()
            .flat_map(|fake| fake.demo_accounts())
            .collect()
    }

    /// A control route of the fake of the provider with id `provider`.
    fn control(
        &self,
        provider: &str,
        method: &str,
        route: &str,
        request: &Request,
    ) -> Option<Reply> {
        self.fakes
            .iter()
            .find(|fake| fake.provider().id() == provider)?
            .control(method, route, request)
    }

    pub fn endpoints(&self) -> Vec<&'static str> {
        self.fakes
            .iter()
            .flat_map(|fake| fake.endpoints().iter().copied())
            .collect()
    }

    fn knows_endpoint(&self, endpoint: &str) -> bool {
        self.endpoints().contains(&endpoint)
    }

    fn variants_of(&self, endpoint: &str) -> Vec<&'static str> {
        self.fakes
            .iter()
            .flat_map(|fake| fake.variants(endpoint).iter().copied())
            .collect()
    }

    async fn handle(self: Arc<Self>, site: usize, request: Request) -> Reply {
        if request.path.starts_with("/__sandbox/") {
            return control::handle(&self, &request);
        }
        let handled = self.fakes[site].handle(&self.state, &request).await;
        if handled.signed_in_page {
            self.signed_in_pages.send_modify(|count| *count += 1);
        }
        handled.reply
    }
}

/// A running sandbox; it stops when dropped.
pub struct SandboxHandle {
    sandbox: Arc<Sandbox>,
    tasks: Vec<JoinHandle<()>>,
}

impl SandboxHandle {
    /// Binds 127.0.0.1 and serves in the current runtime, one port per fake: the first on
    /// `port`, each next one on the port after (free ports for 0): AssureSign, Sovos,
    /// signNow, LicenseSpring and AGS.
    pub async fn start(port: u16) -> std::io::Result<Self> {
        let mut listeners = Vec::new();
        let mut fakes = Vec::new();
        for (index, make) in FAKES.iter().enumerate() {
            let wanted = match port {
                0 => 0,
                port => port.checked_add(index as u16).unwrap_or(0),
            };
            let listener = TcpListener::bind(("127.0.0.1", wanted)).await?;
            fakes.push(make(format!("http://{}", listener.local_addr()?)));
            listeners.push(listener);
        }
        let sandbox = Arc::new(Sandbox {
            state: SandboxState::default(),
            fakes,
            signed_in_pages: watch::channel(0).0,
        });
        let tasks = listeners
            .into_iter()
            .enumerate()
            .map(|(site, listener)| {
                let sandbox = sandbox.clone();
                let handler =
                    Arc::new(move |request: Request| sandbox.clone().handle(site, request));
                tokio::spawn(server::serve(listener, handler))
            })
            .collect();
        Ok(Self { sandbox, tasks })
    }

    pub fn sandbox(&self) -> &Arc<Sandbox> {
        &self.sandbox
    }

    /// How many signed-in pages have been served so far.
    pub fn signed_in_pages(&self) -> u64 {
        *self.sandbox.signed_in_pages.borrow()
    }

    /// Waits until more than `seen` signed-in pages have been served, or the time is up.
    /// Returns whether one was served.
    pub async fn wait_for_signed_in_page(&self, seen: u64, timeout: Duration) -> bool {
        let mut pages = self.sandbox.signed_in_pages.subscribe();
        matches!(
            tokio::time::timeout(timeout, pages.wait_for(|count| *count > seen)).await,
            Ok(Ok(_))
        )
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}
