//! The launch engine: account -> session token -> fresh one-time URL -> browser.

use std::sync::Arc;
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use crate::core::account::Account;
use crate::core::audit::Via;
use crate::core::audit_actions::ActionAudit;
use crate::core::browser::{self, BrowserChoice, BrowserMode};
use crate::core::engine_error::EngineError;
use crate::core::provider::{
    Flow, Provider, ProviderContext, ProviderError, RedirectOutcome, RoundTripFlow, SessionToken,
    require_provider,
};
use crate::core::secret::OneTimeUrl;
use crate::core::sessions::Sessions;
use crate::core::sign_in::SignIns;
use crate::core::tokens::TokenSource;

/// What to do with the fresh URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaunchTarget {
    /// Open it in the account's browser (or the system browser).
    Browser,
    /// Hand it back for printing.
    PrintOnly,
    /// Hand it back for the clipboard.
    Copy,
}

/// The steps of a launch, reported as they start and timed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaunchStep {
    Authenticating,
    FetchingSignOn,
    OpeningBrowser,
}

impl LaunchStep {
    pub fn label(self) -> &'static str {
        match self {
            Self::Authenticating => "authenticating",
            Self::FetchingSignOn => "fetching sign-on token",
            Self::OpeningBrowser => "opening browser",
        }
    }
}

/// Where the URL went; it comes back to the caller whenever the caller must deliver it.
#[derive(Debug)]
pub enum Delivery {
    Browser(BrowserChoice),
    /// Returned to the caller (print or copy), as asked.
    ToCaller(OneTimeUrl),
    /// The browser could not be started; the URL is returned so it can be shown instead.
    BrowserFailed {
        reason: String,
        url: OneTimeUrl,
    },
    /// Nothing to open: the account holds a valid token, which is what it is for.
    TokenHeld,
    /// A browser round trip (LicenseSpring) that came back, or could not come back to the app.
    RoundTrip(RedirectOutcome),
}

#[derive(Debug)]
pub struct LaunchOutcome {
    pub delivery: Delivery,
    /// What was done with the URL: the caller's target, or `Copy` for an account that only
    /// copies links (its `browser` setting is `copy`).
    pub target: LaunchTarget,
    /// How long the URL can be used (`None`: a plain page, or nothing to open).
    pub lifetime: Option<Duration>,
    /// The session the launch used (its type and expiry are safe to show; its value is not);
    /// `None` for a browser round trip, which holds no session.
    pub session: Option<SessionToken>,
    pub steps: Vec<(LaunchStep, Duration)>,
    pub session_source: TokenSource,
    /// Whether the session was rejected and signed in afresh on the way.
    pub reauthenticated: bool,
}

/// What `check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub steps: Vec<(LaunchStep, Duration)>,
    /// How long the provider says the fresh token stays valid, where it can say.
    pub verified_for: Option<Duration>,
    /// For a browser round trip: what the probe found (the redirect URI ...).
    pub round_trip: Option<RedirectOutcome>,
    /// For a browser sign-in: what was checked without opening the browser.
    pub browser_checks: Option<Vec<String>>,
    /// For a browser sign-in that held a refreshable session: until when the renewed one is
    /// valid.
    pub renewed_until: Option<OffsetDateTime>,
}

/// Launches accounts: a session from [`Sessions`], a fresh sign-on URL from the provider,
/// and the browser (or the caller) it goes to.
pub struct Launcher {
    sessions: Arc<Sessions>,
    sign_ins: Arc<SignIns>,
    audit: Arc<ActionAudit>,
}

impl Launcher {
    pub fn new(sessions: Arc<Sessions>, sign_ins: Arc<SignIns>, audit: Arc<ActionAudit>) -> Self {
        Self {
            sessions,
            sign_ins,
            audit,
        }
    }

    /// Launches the account: a fresh sign-on URL, opened or handed back.
    pub async fn launch(
        &self,
        account: &Account,
        target: LaunchTarget,
        via: Via,
        ticket: Option<&str>,
        on_step: &(dyn Fn(LaunchStep) + Send + Sync),
    ) -> Result<LaunchOutcome, EngineError> {
        let started = Instant::now();
        let result = self.launch_inner(account, target, on_step).await;
        let detail = match &result {
            Ok(outcome) => Some(match &outcome.delivery {
                Delivery::Browser(choice) => format!("opened {}", choice.describe()),
                Delivery::ToCaller(_) if outcome.target == LaunchTarget::Copy => {
                    "handed to the clipboard".to_string()
                }
                Delivery::ToCaller(_) => "printed".to_string(),
                Delivery::BrowserFailed { reason, .. } => {
                    format!("browser failed ({reason}); printed")
                }
                Delivery::TokenHeld => "token held; nothing to open".to_string(),
                Delivery::RoundTrip(round_trip) if round_trip.came_back => {
                    format!(
                        "signed in through the browser ({})",
                        round_trip.redirect_uri
                    )
                }
                Delivery::RoundTrip(_) => {
                    "opened the sign-in page; the redirect does not come back here".to_string()
                }
            }),
            Err(_) => None,
        };
        let detail = match (&result, detail) {
            (Ok(outcome), Some(detail)) if outcome.reauthenticated => Some(format!(
                "{detail}; signed in again after the session was refused"
            )),
            (_, detail) => detail,
        };
        self.audit
            .result_via(account, "launch", via, ticket, started, &result, detail);
        result
    }

    async fn launch_inner(
        &self,
        account: &Account,
        target: LaunchTarget,
        on_step: &(dyn Fn(LaunchStep) + Send + Sync),
    ) -> Result<LaunchOutcome, EngineError> {
        let provider = require_provider(account.provider);
        provider.validate(account)?;
        browser_mode(account)?;
        let browser = self.sign_ins.browser_for(account);
        let target = match browser {
            None if target == LaunchTarget::Browser => LaunchTarget::Copy,
            _ => target,
        };
        let mut steps = Vec::new();
        let sessions = match provider.flow() {
            Flow::Session(sessions) => sessions,
            Flow::RoundTrip(round_trip) => {
                on_step(LaunchStep::OpeningBrowser);
                let timer = Instant::now();
                let outcome = self
                    .round_trip(provider, round_trip, account, Some(target))
                    .await?;
                steps.push((LaunchStep::OpeningBrowser, timer.elapsed()));
                return Ok(LaunchOutcome {
                    target,
                    delivery: Delivery::RoundTrip(outcome),
                    lifetime: None,
                    session: None,
                    steps,
                    session_source: TokenSource::Fresh,
                    reauthenticated: false,
                });
            }
        };

        on_step(LaunchStep::Authenticating);
        let timer = Instant::now();
        let (mut session, session_source) = self.sessions.session(provider, account).await?;
        steps.push((LaunchStep::Authenticating, timer.elapsed()));

        on_step(LaunchStep::FetchingSignOn);
        let timer = Instant::now();
        let mut reauthenticated = false;
        let sign_on = match sessions
            .sign_on(self.sessions.context(account.provider), account, &session)
            .await
        {
            Err(ProviderError::SessionRejected { .. }) => {
                // The cached session died early (revoked, server restart): sign in once more.
                tracing::info!(account = %account.name, "session rejected; signing in again");
                self.sessions.invalidate(account.id, &session).await?;
                reauthenticated = true;
                session = self.sessions.session(provider, account).await?.0;
                sessions
                    .sign_on(self.sessions.context(account.provider), account, &session)
                    .await?
            }
            other => other?,
        };
        steps.push((LaunchStep::FetchingSignOn, timer.elapsed()));

        let Some(sign_on) = sign_on else {
            return Ok(LaunchOutcome {
                target,
                delivery: Delivery::TokenHeld,
                lifetime: None,
                session: Some(session),
                steps,
                session_source,
                reauthenticated,
            });
        };
        if target != LaunchTarget::Browser {
            return Ok(LaunchOutcome {
                target,
                delivery: Delivery::ToCaller(sign_on.url),
                lifetime: sign_on.lifetime,
                session: Some(session),
                steps,
                session_source,
                reauthenticated,
            });
        }
        on_step(LaunchStep::OpeningBrowser);
        let timer = Instant::now();
        let choice = browser.expect("a copy-only account's target is Copy");
        let delivery = match browser::open(&sign_on.url, &choice) {
            Ok(()) => Delivery::Browser(choice),
            Err(err) => {
                tracing::warn!("browser failed: {err}");
                Delivery::BrowserFailed {
                    reason: err.to_string(),
                    url: sign_on.url,
                }
            }
        };
        steps.push((LaunchStep::OpeningBrowser, timer.elapsed()));
        Ok(LaunchOutcome {
            target,
            delivery,
            lifetime: sign_on.lifetime,
            session: Some(session),
            steps,
            session_source,
            reauthenticated,
        })
    }

    /// A provider's browser round trip; `target` `None` only probes that it can start.
    async fn round_trip(
        &self,
        provider: &'static dyn Provider,
        round_trip: &'static dyn RoundTripFlow,
        account: &Account,
        target: Option<LaunchTarget>,
    ) -> Result<RedirectOutcome, EngineError> {
        let secrets = self.sessions.load_secrets(provider, account).await?;
        let browser = self
            .sign_ins
            .browser(account)
            .print_only(target.is_some_and(|target| target != LaunchTarget::Browser));
        let context = ProviderContext {
            browser: target.map(|_| &browser as &dyn crate::core::provider::BrowserSignIn),
            ..self.sessions.context(account.provider)
        };
        Ok(round_trip
            .launch(context, account, &secrets, target.is_none())
            .await?)
    }

    /// Signs in afresh and fetches a sign-on URL without opening it, to test a setup; where
    /// the provider can verify a token, the fresh one is verified too.
    pub async fn check(&self, account: &Account) -> Result<CheckReport, EngineError> {
        let started = Instant::now();
        let result = async {
            let provider = require_provider(account.provider);
            provider.validate(account)?;
            let sessions = match provider.flow() {
                Flow::Session(sessions) => sessions,
                Flow::RoundTrip(round_trip) => {
                    let probe = self.round_trip(provider, round_trip, account, None).await?;
                    return Ok(CheckReport {
                        round_trip: Some(probe),
                        ..CheckReport::default()
                    });
                }
            };
            let secrets = self.sessions.load_secrets(provider, account).await?;
            // A check never opens a browser: a browser sign-in is checked up to that point,
            // and a held session is renewed the way a launch would.
            if let Some(probe) = sessions.probe_browser_sign_in(
                self.sessions.context(account.provider),
                account,
                &secrets,
            ) {
                let checks = probe.await?;
                let held = self.sessions.held_session(account).await?;
                let renewed_until = match held {
                    Some(held) if held.refresh_token.is_some() => {
                        Some(self.sessions.renew(account, false).await?.token.expires_at)
                    }
                    _ => None,
                };
                return Ok(CheckReport {
                    browser_checks: Some(checks),
                    renewed_until,
                    ..CheckReport::default()
                });
            }
            self.sessions.forget(account.id).await?;
            let outcome = self
                .launch_inner(account, LaunchTarget::PrintOnly, &|_| {})
                .await?;
            let session = outcome
                .session
                .as_ref()
                .expect("session launches hold a session");
            let verified_for =
                match sessions.verify(self.sessions.context(account.provider), account, session) {
                    Some(verify) => Some(verify.await?),
                    None => None,
                };
            Ok(CheckReport {
                steps: outcome.steps,
                verified_for,
                ..CheckReport::default()
            })
        }
        .await;
        self.audit.result(account, "check", started, &result, None);
        result
    }
}

/// The account's `browser` choice, or the settings error that names what is wrong with it.
pub fn browser_mode(account: &Account) -> Result<BrowserMode, ProviderError> {
    BrowserMode::of(account).map_err(|message| ProviderError::Settings {
        provider: account.provider.display_name(),
        message,
    })
}
