//! The worker's token work: statuses for the list, refresh, sign-out and "refresh all".

use std::sync::atomic::Ordering;
use std::time::Duration;

use time::OffsetDateTime;

use super::context::{Tasks, failure};
use crate::core::account::{Account, AccountId};
use crate::core::protocol::{Event, TokenStatus};
use crate::core::provider::{SessionToken, require_provider};

/// How many token statuses go in one event while the list loads.
const TOKEN_BATCH: usize = 256;

/// What the list shows for a held session.
pub fn token_status(session: &SessionToken, now: OffsetDateTime) -> TokenStatus {
    if session.expires_at <= now && !session.can_refresh(now) {
        return TokenStatus::NeedsSignIn;
    }
    TokenStatus::Held {
        scheme: session.scheme.clone(),
        expires_at: session.expires_at,
        refreshable: session.can_refresh(now),
    }
}

impl Tasks {
    pub(super) async fn send_token_statuses(&self, accounts: &[Account]) {
        let mut batch = Vec::with_capacity(TOKEN_BATCH);
        for account in accounts {
            let status = self.status_of(account).await;
            batch.push((account.id, status));
            if batch.len() == TOKEN_BATCH {
                self.emitter.emit(Event::Tokens(std::mem::take(&mut batch)));
            }
        }
        if !batch.is_empty() {
            self.emitter.emit(Event::Tokens(batch));
        }
    }

    async fn status_of(&self, account: &Account) -> TokenStatus {
        if require_provider(account.provider).flow().is_round_trip() {
            return TokenStatus::NoSession;
        }
        match self.engine.held_session(account).await {
            Ok(Some(session)) => token_status(&session, self.engine.now()),
            Ok(None) => TokenStatus::NeedsSignIn,
            Err(err) => TokenStatus::Failed(failure(&err).message),
        }
    }

    pub(super) async fn send_status(&self, account: &Account) {
        let status = self.status_of(account).await;
        self.emitter.emit(Event::Tokens(vec![(account.id, status)]));
    }

    pub(super) async fn refresh(&self, id: AccountId) {
        let result = match self.find(id).await {
            Ok(account) => {
                let renewed = self.engine.renew(&account, true).await;
                self.send_status(&account).await;
                renewed.map(|outcome| {
                    let now = self.engine.now();
                    format!(
                        "renewed; it {} ({}).",
                        crate::core::human_time::expiry(outcome.token.expires_at, now),
                        crate::core::human_time::moment(outcome.token.expires_at, now)
                    )
                })
            }
            Err(err) => Err(err),
        };
        self.emitter.emit(Event::TokenAction {
            account: id,
            action: "refresh",
            result: result.map_err(|err| failure(&err)),
        });
        self.read_activity().await;
    }

    pub(super) async fn sign_out(&self, id: AccountId) {
        let result = match self.find(id).await {
            Ok(account) => {
                let report = self.engine.logout(&account).await;
                self.send_status(&account).await;
                report.map(|report| match report.signed_out_remotely {
                    Some(Ok(())) => "Signed out at the provider; tokens forgotten.".to_string(),
                    Some(Err(err)) => format!(
                        "The provider's sign-out failed ({err}); the tokens were forgotten here."
                    ),
                    None if report.held_session => "Tokens forgotten.".to_string(),
                    None => "No tokens were held.".to_string(),
                })
            }
            Err(err) => Err(err),
        };
        self.emitter.emit(Event::TokenAction {
            account: id,
            action: "sign out",
            result: result.map_err(|err| failure(&err)),
        });
        self.read_activity().await;
    }

    /// Renews every session that can be refreshed without a browser, paced to `per_second`.
    pub(super) async fn refresh_all(&self, per_second: u32) {
        if self.refreshing_all.swap(true, Ordering::SeqCst) {
            self.emitter
                .emit(Event::Notice("Refresh all is running already.".into()));
            return;
        }
        let accounts = self.send_accounts().await.unwrap_or_default();
        let now = self.engine.now();
        let mut due = Vec::new();
        for account in accounts {
            if require_provider(account.provider).flow().is_round_trip() {
                continue;
            }
            if let Ok(Some(session)) = self.engine.held_session(&account).await
                && session.can_refresh(now)
            {
                due.push(account);
            }
        }
        let total = due.len();
        self.emitter
            .emit(Event::RefreshAllProgress { done: 0, total });
        let mut pace = tokio::time::interval(Duration::from_secs(1) / per_second.max(1));
        for (done, account) in due.into_iter().enumerate() {
            pace.tick().await;
            // A refused refresh token must not open browsers the user did not ask for.
            if let Err(err) = self.engine.renew(&account, false).await {
                tracing::info!(account = %account.name, "refresh failed: {err}");
            }
            self.send_status(&account).await;
            self.emitter.emit(Event::RefreshAllProgress {
                done: done + 1,
                total,
            });
        }
        self.refreshing_all.store(false, Ordering::SeqCst);
        self.read_activity().await;
    }
}
