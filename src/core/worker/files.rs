//! The worker's side of [`crate::core::watch`]: a change made by another process (the CLI,
//! a hand edit, a launch elsewhere) is read again and sent to the front end.

use std::collections::HashSet;

use super::context::Tasks;
use crate::core::account::Account;
use crate::core::blocking::blocking;
use crate::core::protocol::Event;
use crate::core::watch::{Changed, FileWatch};

impl Tasks {
    /// Follows the app's files until the worker stops. Without a watch (a file system that
    /// cannot be watched) the app still works; changes made elsewhere show on the next reload.
    pub(crate) fn follow_files(&self) {
        let mut watch = match FileWatch::start(self.engine.paths()) {
            Ok(watch) => watch,
            Err(err) => {
                tracing::warn!(
                    "changes made outside this window will not show by themselves: {err}"
                );
                return;
            }
        };
        let tasks = self.clone();
        tokio::spawn(async move {
            while let Some(changed) = watch.next().await {
                tasks.files_changed(changed).await;
            }
        });
    }

    async fn files_changed(&self, changed: Changed) {
        if changed.settings {
            let engine = self.engine.clone();
            match blocking(move || engine.reload_settings()).await {
                Ok(settings) => self.emitter.emit(Event::Settings(settings)),
                Err(err) => self.emitter.emit(Event::Notice(format!(
                    "{} The settings in use stay as they were until the file is fixed.",
                    crate::core::error::sentence(&err.to_string())
                ))),
            }
        }
        if changed.accounts
            && let Some(accounts) = self.send_accounts().await
        {
            let new = self.newly_listed(&accounts);
            self.send_token_statuses(&new).await;
        }
        if changed.audit {
            self.read_activity().await;
        }
    }

    /// The accounts not sent before, remembering these as sent.
    pub(super) fn newly_listed(&self, accounts: &[Account]) -> Vec<Account> {
        let mut listed = self.listed.lock().expect("listed lock");
        let now: HashSet<_> = accounts.iter().map(|account| account.id).collect();
        let new = accounts
            .iter()
            .filter(|account| !listed.contains(&account.id))
            .cloned()
            .collect();
        *listed = now;
        new
    }
}
