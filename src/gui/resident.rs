//! The resident app around the window: the tray, the one-instance service, notifications,
//! closing to the tray and starting hidden. Only the real app has these (the window tests
//! drive [`SsoApp`](crate::gui::app::SsoApp) without them); everything here runs on the
//! window's thread and never waits.

use std::sync::mpsc::{Receiver, channel};

use crate::desktop::instance::{InstanceRequest, Primary};
use crate::desktop::notifications::{Note, Notifier};
use crate::desktop::tray_host::{TrayHost, absence_reason};
use crate::gui::state::AppState;
use crate::gui::tray::Tray;
use crate::gui::tray_model::{TrayCommand, tray_view};

/// How the real app starts, beside the window.
pub struct DesktopOptions {
    /// The one-instance service, when this process owns it.
    pub primary: Option<Primary>,
    /// What this start asked for (show the window, quick launch, a link).
    pub request: InstanceRequest,
    /// Start with only the tray (`--minimised`, or the setting).
    pub start_hidden: bool,
}

/// What the window is asked to do by the tray or by another start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Instance(InstanceRequest),
    /// A launch from the tray that asks first (its stage is in `confirm_stages`).
    Launch(crate::gui::state::PendingLaunch),
    Quit,
}

pub struct Resident {
    primary: Option<Primary>,
    host: Option<TrayHost>,
    tray: Option<Tray>,
    tray_failure: Option<String>,
    tray_requests: Receiver<TrayCommand>,
    notifier: Notifier,
    /// `AppState::changes` when the tray was last brought up to date.
    synced: Option<u64>,
    first: Option<InstanceRequest>,
}

impl Resident {
    pub fn start(ctx: &egui::Context, state: &AppState, options: DesktopOptions) -> Self {
        let wake = {
            let ctx = ctx.clone();
            move || ctx.request_repaint()
        };
        if let Some(primary) = &options.primary {
            primary.set_wake(wake.clone());
        }
        let host = match TrayHost::follow(wake.clone()) {
            Ok(host) => Some(host),
            Err(err) => {
                tracing::info!("no session bus, so no tray: {err}");
                None
            }
        };
        let (sender, tray_requests) = channel();
        let (tray, tray_failure) = match &host {
            Some(_) => match Tray::create(tray_view(state), sender, wake) {
                Ok(tray) => (Some(tray), None),
                Err(err) => (
                    None,
                    Some(format!("The tray icon could not be created: {err}.")),
                ),
            },
            None => (
                None,
                Some("No tray is available: there is no desktop session bus.".into()),
            ),
        };
        Self {
            primary: options.primary,
            host,
            tray,
            tray_failure,
            tray_requests,
            notifier: Notifier::start(),
            synced: None,
            first: Some(options.request),
        }
    }

    /// Drops this start's own request when it is only "show the window".
    pub fn decline_first_show(&mut self) {
        if self.first == Some(InstanceRequest::Show) {
            self.first = None;
        }
    }

    /// Whether a tray host shows the icon now (so the window may hide).
    pub fn tray_shown(&self) -> bool {
        self.tray.is_some() && self.host.as_ref().is_some_and(TrayHost::present)
    }

    /// Why there is no tray icon, when there is none.
    pub fn tray_absence(&self) -> Option<String> {
        if self.tray_shown() {
            return None;
        }
        Some(self.tray_failure.clone().unwrap_or_else(absence_reason))
    }

    /// What the tray and later starts asked since the last call (this start's own request
    /// first).
    pub fn requests(&mut self) -> Vec<Request> {
        let mut requests: Vec<Request> = self
            .first
            .take()
            .map(Request::Instance)
            .into_iter()
            .collect();
        if let Some(primary) = &self.primary {
            requests.extend(primary.drain().into_iter().map(Request::Instance));
        }
        requests.extend(self.tray_requests.try_iter().map(|command| match command {
            TrayCommand::Search => Request::Instance(InstanceRequest::QuickLaunch),
            TrayCommand::Open => Request::Instance(InstanceRequest::Show),
            TrayCommand::Quit => Request::Quit,
            TrayCommand::Launch(account) => Request::Launch(crate::gui::state::PendingLaunch {
                account,
                target: crate::core::launch::LaunchTarget::Browser,
                via: crate::core::protocol::Via::Tray,
                confirmed: false,
            }),
        }));
        requests
    }

    /// Brings the tray up to date after the state changed.
    pub fn sync_tray(&mut self, state: &AppState) {
        if self.synced == Some(state.changes) {
            return;
        }
        self.synced = Some(state.changes);
        if let Some(tray) = &mut self.tray {
            tray.show(tray_view(state));
        }
    }

    /// Forces the tray to be worked out again at the next sync (a change not counted as an
    /// event: the window gained the focus ...).
    pub fn tray_outdated(&mut self) {
        self.synced = None;
    }

    pub fn notify(&self, note: Note) {
        self.notifier.notify(note);
    }
}
