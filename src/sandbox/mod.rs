//! The sandbox: local, strict fakes of the providers, for demo mode and tests.
//!
//! It enforces the documented contract (headers, bodies, expiry, single use) and can be told,
//! through a loopback control API under `/__sandbox/`, to misbehave in documented ways.

pub mod ags;
mod ags_discovery;
pub mod assuresign;
mod control;
pub mod demo;
pub mod faults;
pub mod fixtures;
pub mod licensespring;
mod licensespring_sso;
mod pages;
mod server;
pub mod signnow;
pub mod sovos;
pub mod sovos_code;
pub mod state;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use self::server::{Reply, Request};
use self::state::SandboxState;

/// Which fake a sandbox port serves. Providers whose paths collide get ports of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Site {
    AssureSign,
    Sovos,
    SignNow,
    LicenseSpring,
    Ags,
}

/// The shared fake services behind every sandbox port.
pub struct Sandbox {
    pub state: SandboxState,
    assuresign: assuresign::AssureSignFake,
    assuresign_origin: String,
    sovos: sovos::SovosFake,
    sovos_issuer: String,
    pub signnow: signnow::SignNowFake,
    signnow_origin: String,
    pub licensespring: licensespring::LicenseSpringFake,
    licensespring_origin: String,
    pub ags: ags::AgsFake,
    ags_origin: String,
    /// Counts sign-on pages served to a browser with a valid token.
    signed_in_pages: watch::Sender<u64>,
}

impl Sandbox {
    pub fn assuresign_origin(&self) -> &str {
        &self.assuresign_origin
    }

    /// The LicenseSpring fake's origin (`/api/v4/...` is appended).
    pub fn licensespring_origin(&self) -> &str {
        &self.licensespring_origin
    }

    /// The AGS fake's origin (`/ags/...` is appended).
    pub fn ags_origin(&self) -> &str {
        &self.ags_origin
    }

    /// The key that verifies the LicenseSpring fake's `LicenseSignature` (base64 DER).
    pub fn licensespring_vendor_key(&self) -> String {
        self.licensespring.sso.vendor_public_key()
    }

    /// The signNow fake's origin (API and web app on one origin here).
    pub fn signnow_origin(&self) -> &str {
        &self.signnow_origin
    }

    /// The Sovos fake's issuer (discovery at `/.well-known/openid-configuration`).
    pub fn sovos_issuer(&self) -> &str {
        &self.sovos_issuer
    }

    /// The base URLs to put in account settings, as printed by `sso-launcher sandbox`.
    pub fn urls_json(&self) -> Value {
        json!({
            "assuresign": {
                "auth_base_url": self.assuresign_origin,
                "api_base_url": self.assuresign_origin,
            },
            "sovos": {"issuer": self.sovos_issuer},
            "signnow": {"api_base_url": self.signnow_origin, "app_base_url": self.signnow_origin},
            "licensespring": {
                "api_base_url": self.licensespring_origin,
                "redirect_uri": self.licensespring.sso.redirect_uri(),
                "vendor_public_key": self.licensespring_vendor_key(),
            },
            "ags": {"base_url": self.ags_origin},
            "control": format!("{}/__sandbox/", self.assuresign_origin),
        })
    }

    pub fn endpoints(&self) -> Vec<&'static str> {
        assuresign::ENDPOINTS
            .iter()
            .chain(&sovos::ENDPOINTS)
            .chain(&signnow::ENDPOINTS)
            .chain(&licensespring::ENDPOINTS)
            .chain(&ags::ENDPOINTS)
            .copied()
            .collect()
    }

    fn knows_endpoint(&self, endpoint: &str) -> bool {
        self.endpoints().contains(&endpoint)
    }

    fn variants_of(&self, endpoint: &str) -> Vec<&'static str> {
        match endpoint {
            assuresign::API_USER => assuresign::API_USER_VARIANTS.to_vec(),
            signnow::TOKEN => signnow::EXPIRES_VARIANTS.to_vec(),
            signnow::ERRORS_ENDPOINT => signnow::ERROR_VARIANTS.to_vec(),
            ags::ERRORS_ENDPOINT => ags::ERROR_VARIANTS.to_vec(),
            ags::ACCOUNTS_ENDPOINT => ags::ACCOUNT_VARIANTS.to_vec(),
            ags::SIGN_ON_SESSION => ags::SESSION_VARIANTS.to_vec(),
            licensespring::SSO_URL => licensespring::SSO_URL_VARIANTS.to_vec(),
            sovos::TOKEN => sovos::TOKEN_VARIANTS.to_vec(),
            _ => Vec::new(),
        }
    }

    async fn handle(self: Arc<Self>, site: Site, request: Request) -> Reply {
        if request.path.starts_with("/__sandbox/") {
            return control::handle(&self, &request);
        }
        match site {
            Site::Sovos => return self.sovos.handle(&self.state, &request).await,
            Site::SignNow => return self.signnow.handle(&self.state, &request).await,
            Site::LicenseSpring => {
                let origin = self.licensespring_origin.clone();
                return self
                    .licensespring
                    .handle(&self.state, &request, &origin)
                    .await;
            }
            Site::Ags => return self.ags.handle(&self.state, &request).await,
            Site::AssureSign => {}
        }
        if let Some((reply, page)) = self.assuresign.handle(&self.state, &request).await {
            if let Some(assuresign::PageOutcome::SignedIn) = page {
                self.signed_in_pages.send_modify(|count| *count += 1);
            }
            return reply;
        }
        Reply::json(
            404,
            &json!({"errorCode": "NOT_FOUND", "summary": format!("No route for {}", request.path), "details": []}),
        )
    }
}

/// A running sandbox; it stops when dropped.
pub struct SandboxHandle {
    sandbox: Arc<Sandbox>,
    tasks: Vec<JoinHandle<()>>,
}

impl SandboxHandle {
    /// Binds 127.0.0.1 and serves in the current runtime: AssureSign on `port`, then Sovos,
    /// signNow, LicenseSpring and AGS on the next four ports (or free ports for 0).
    pub async fn start(port: u16) -> std::io::Result<Self> {
        let assuresign_listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let sovos_port = if port == 0 {
            0
        } else {
            port.checked_add(1).unwrap_or(0)
        };
        let sovos_listener = TcpListener::bind(("127.0.0.1", sovos_port)).await?;
        let signnow_port = if port == 0 {
            0
        } else {
            port.checked_add(2).unwrap_or(0)
        };
        let signnow_listener = TcpListener::bind(("127.0.0.1", signnow_port)).await?;
        let licensespring_port = if port == 0 {
            0
        } else {
            port.checked_add(3).unwrap_or(0)
        };
        let licensespring_listener = TcpListener::bind(("127.0.0.1", licensespring_port)).await?;
        let ags_port = if port == 0 {
            0
        } else {
            port.checked_add(4).unwrap_or(0)
        };
        let ags_listener = TcpListener::bind(("127.0.0.1", ags_port)).await?;
        let origin = |listener: &TcpListener| {
            listener
                .local_addr()
                .map(|address| format!("http://{address}"))
        };
        let sovos_issuer = origin(&sovos_listener)?;
        let sandbox = Arc::new(Sandbox {
            state: SandboxState::default(),
            assuresign: assuresign::AssureSignFake::default(),
            assuresign_origin: origin(&assuresign_listener)?,
            sovos: sovos::SovosFake::new(sovos_issuer.clone()),
            sovos_issuer,
            signnow: signnow::SignNowFake::default(),
            signnow_origin: origin(&signnow_listener)?,
            licensespring: licensespring::LicenseSpringFake::default(),
            licensespring_origin: origin(&licensespring_listener)?,
            ags: ags::AgsFake::default(),
            ags_origin: origin(&ags_listener)?,
            signed_in_pages: watch::channel(0).0,
        });
        let serve_site = |listener, site| {
            let sandbox = sandbox.clone();
            let handler = Arc::new(move |request: Request| sandbox.clone().handle(site, request));
            tokio::spawn(server::serve(listener, handler))
        };
        let tasks = vec![
            serve_site(assuresign_listener, Site::AssureSign),
            serve_site(sovos_listener, Site::Sovos),
            serve_site(signnow_listener, Site::SignNow),
            serve_site(licensespring_listener, Site::LicenseSpring),
            serve_site(ags_listener, Site::Ags),
        ];
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
