//! The worker's side of [`crate::core::watch`]: a change made by another process (the CLI,
//! a hand edit, a launch elsewhere) is read again and sent to the front end.

use std::collections::HashSet;

use super::context::Tasks;
use crate::core::account::{Account, AccountId};
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
                Ok(settings) => {
                    self.emitter.emit(Event::Settings(settings));
                    // `team_accounts` may name another list now.
                    self.send_team().await;
                }
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
        newly(&self.listed, accounts)
    }

    /// As [`Self::newly_listed`], for the team list's accounts.
    pub(super) fn newly_listed_team(&self, accounts: &[Account]) -> Vec<Account> {
        newly(&self.listed_team, accounts)
    }

    /// Follows the team list's file: it is often on a network share, where change events do
    /// not arrive, so its size and time are looked at every few seconds and it is read again
    /// when they change (or when it comes or goes).
    pub(crate) fn follow_team_list(&self) {
        let tasks = self.clone();
        tokio::spawn(async move {
            // As the list was first read (at the start's reload).
            let mut seen = team_file_stamp(&tasks).await;
            loop {
                tokio::time::sleep(TEAM_LIST_CHECK).await;
                let stamp = team_file_stamp(&tasks).await;
                if stamp != seen {
                    seen = stamp;
                    tasks.send_team().await;
                }
            }
        });
    }
}

/// The team list's path, size and time (`None` without a team list; no size when the file
/// is missing).
async fn team_file_stamp(tasks: &Tasks) -> Option<TeamFileStamp> {
    let path = tasks.engine.settings().team_accounts?;
    blocking(move || {
        let meta = std::fs::metadata(&path).ok();
        Ok::<_, std::convert::Infallible>((
            path,
            meta.as_ref().map(std::fs::Metadata::len),
            meta.and_then(|meta| meta.modified().ok()),
        ))
    })
    .await
    .ok()
}

type TeamFileStamp = (
    std::path::PathBuf,
    Option<u64>,
    Option<std::time::SystemTime>,
);

/// How often the team list's file is looked at.
const TEAM_LIST_CHECK: std::time::Duration = std::time::Duration::from_secs(2);

/// The accounts not in `listed`, which then holds exactly these accounts.
fn newly(listed: &std::sync::Mutex<HashSet<AccountId>>, accounts: &[Account]) -> Vec<Account> {
    let mut listed = listed.lock().expect("listed lock");
    let now: HashSet<_> = accounts.iter().map(|account| account.id).collect();
    let new = accounts
        .iter()
        .filter(|account| !listed.contains(&account.id))
        .cloned()
        .collect();
    *listed = now;
    new
}
