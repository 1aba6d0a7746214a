//! Launching an account from the worker: start, cancel, and what the front end is told.

use super::context::{Tasks, failure};
use super::tokens::token_status;
use crate::core::account::AccountId;
use crate::core::blocking::supervised;
use crate::core::error::ErrorKind;
use crate::core::launch::{Delivery, LaunchOutcome, LaunchTarget};
use crate::core::protocol::{Event, Failure, LaunchReport, ShownLink, Via};
use crate::core::provider::require_provider;

impl Tasks {
    pub(super) fn start_launch(
        &self,
        account: AccountId,
        target: LaunchTarget,
        via: Via,
        ticket: Option<String>,
    ) {
        let mut running = self.launches.lock().expect("launches lock");
        if running
            .get(&account)
            .is_some_and(|(task, _)| !task.is_finished())
        {
            self.emitter.emit(Event::Notice(
                "That account is launching already; wait for it or cancel it.".into(),
            ));
            return;
        }
        self.emitter.emit(Event::LaunchStarted {
            account,
            target,
            via,
        });
        let tasks = self.clone();
        let task = tokio::spawn(async move {
            // A bug that panics mid-launch ends it with a message, not a row left spinning.
            let launching = tasks.clone();
            let result = supervised(async move {
                launching
                    .launch(account, target, via, ticket.as_deref())
                    .await
            })
                .await
                .unwrap_or_else(|panic| {
                    tracing::error!("a launch stopped on an internal error: {panic}");
                    Err(Failure::internal(
                        "The launch stopped on an internal error (a bug); nothing was opened. Try again, and report it if it happens again.",
                    ))
                });
            tasks.emitter.emit(Event::LaunchFinished {
                account,
                via,
                result,
            });
            tasks.read_activity().await;
        });
        running.insert(account, (task.abort_handle(), via));
    }

    pub(super) fn cancel_launch(&self, account: AccountId) {
        // A browser wait ends by itself once cancelled, and reports (and audits) it.
        if self.engine.cancel_sign_in(account) {
            return;
        }
        let running = self
            .launches
            .lock()
            .expect("launches lock")
            .remove(&account);
        if let Some((task, via)) = running.filter(|(task, _)| !task.is_finished()) {
            task.abort();
            self.emitter.emit(Event::LaunchFinished {
                account,
                via,
                result: Err(Failure {
                    kind: ErrorKind::BrowserFlow,
                    message: "Launch cancelled.".into(),
                    remedy: None,
                }),
            });
        }
    }

    pub(super) async fn launch(
        &self,
        id: AccountId,
        target: LaunchTarget,
        via: Via,
        ticket: Option<&str>,
    ) -> Result<LaunchReport, Failure> {
        let account = self.find(id).await.map_err(|err| failure(&err))?;
        let emitter = self.emitter.clone();
        let on_step = move |step| emitter.emit(Event::LaunchStep { account: id, step });
        let outcome = self
            .engine
            .launch(&account, target, via, ticket, &on_step)
            .await;
        if require_provider(account.provider).flow().is_round_trip() {
            // Nothing to show in the token column.
        } else if let Ok(LaunchOutcome {
            session: Some(session),
            ..
        }) = &outcome
        {
            let status = token_status(session, self.engine.now());
            self.emitter.emit(Event::Tokens(vec![(id, status)]));
        } else if let Err(err) = &outcome {
            self.send_status(&account).await;
            tracing::debug!(account = %account.name, "launch failed: {err}");
        }
        let outcome = outcome.map_err(|err| failure(&err))?;
        Ok(self.deliver(id, target, outcome))
    }

    /// Turns what the engine did into the sentence shown; a link to copy goes to the
    /// clipboard here, held there until it expires.
    pub(super) fn deliver(
        &self,
        id: AccountId,
        target: LaunchTarget,
        outcome: LaunchOutcome,
    ) -> LaunchReport {
        let mut report = LaunchReport {
            summary: String::new(),
            shown_link: None,
            facts: Vec::new(),
            copied_until: None,
        };
        report.summary = match outcome.delivery {
            Delivery::Browser(choice) => format!("Opened {}.", choice.describe()),
            Delivery::BrowserFailed { reason, url } => {
                report.shown_link = Some(ShownLink::new(url.reveal_for_browser()));
                format!(
                    "Could not open the browser ({reason}). Open the link below by hand, or set a browser command in Settings."
                )
            }
            Delivery::TokenHeld if target == LaunchTarget::Copy => {
                "There is no link to copy: this account hands out a token, not a page. The token is on the Tokens tab; a Landing page (Edit, More options) gives it a page to open.".into()
            }
            Delivery::TokenHeld => "Signed in; a token is held (no page to open).".into(),
            Delivery::RoundTrip(round_trip) => {
                report.facts = round_trip.facts;
                match (round_trip.came_back, round_trip.note) {
                    (true, _) => format!(
                        "Signed in through the browser ({}).",
                        round_trip.redirect_uri
                    ),
                    (false, Some(note)) => crate::core::error::sentence(&note),
                    (false, None) => "Opened the sign-in page.".into(),
                }
            }
            Delivery::ToCaller(url) => {
                let lifetime = self.engine.settings().clipboard_hold(outcome.lifetime);
                report.copied_until = Some(self.engine.now() + lifetime);
                self.hold_on_clipboard(id, url, lifetime);
                let why = match target {
                    LaunchTarget::Browser => {
                        " (this account copies links instead of opening a browser)"
                    }
                    LaunchTarget::Copy | LaunchTarget::PrintOnly => "",
                };
                format!(
                    "Link copied{why}; it is cleared from the clipboard in {} s.",
                    lifetime.as_secs()
                )
            }
        };
        report
    }
}
