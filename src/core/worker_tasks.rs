//! What the worker does for each [`Command`]: one task each, reporting through events.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use time::OffsetDateTime;

use crate::core::account::{Account, AccountId};
use crate::core::audit::AuditPosition;
pub(crate) use crate::core::blocking::{blocking, supervised};
use crate::core::engine::{AccountEdit, Engine, EngineError};
use crate::core::error::ErrorKind;
use crate::core::launch::{Delivery, LaunchOutcome, LaunchTarget};
use crate::core::protocol::{Command, Event, Failure, LaunchHow, LaunchReport, ShownLink, Via};
use crate::core::provider::require_provider;
use crate::core::secret::SecretString;
use crate::core::worker::{Emitter, PendingChoices, RunningLaunches};
use crate::core::worker_tokens::token_status;
use crate::core::worker_vault::{PendingPassphrases, needs_secrets};

#[derive(Clone)]
pub(crate) struct Tasks {
    pub(super) engine: Arc<Engine>,
    pub(super) emitter: Emitter,
    pub(super) choices: Arc<PendingChoices>,
    pub(super) passphrases: Arc<PendingPassphrases>,
    pub(super) launches: Arc<RunningLaunches>,
    /// Where the audit log was last read up to.
    pub(super) audit_offset: Arc<tokio::sync::Mutex<Option<AuditPosition>>>,
    pub(super) refreshing_all: Arc<AtomicBool>,
    /// The accounts whose token status has been sent (new ones get theirs on arrival).
    pub(super) listed: Arc<Mutex<std::collections::HashSet<AccountId>>>,
}

pub(crate) fn failure(err: &EngineError) -> Failure {
    Failure::from_error(err)
}

impl Tasks {
    pub(crate) fn new(
        engine: Arc<Engine>,
        emitter: Emitter,
        choices: Arc<PendingChoices>,
        passphrases: Arc<PendingPassphrases>,
    ) -> Self {
        Self {
            engine,
            emitter,
            choices,
            passphrases,
            launches: Arc::new(Mutex::new(HashMap::new())),
            audit_offset: Arc::new(tokio::sync::Mutex::new(None)),
            refreshing_all: Arc::new(AtomicBool::new(false)),
            listed: Arc::default(),
        }
    }

    pub(crate) fn handle(&self, command: Command) {
        let tasks = self.clone();
        if needs_secrets(&command) {
            // A vault file's passphrase, declined at start, is asked again for this.
            self.engine.vault().ask_again();
        }
        match command {
            Command::Launch { account, how, via } => self.start_launch(account, how, via),
            Command::CancelLaunch { account } => self.cancel_launch(account),
            Command::Choose { request, choice } => self.choices.answer(request, choice),
            Command::AnswerPassphrase {
                request,
                passphrase,
            } => self.passphrases.answer(request, passphrase),
            command => {
                tokio::spawn(async move { tasks.run(command).await });
            }
        }
    }

    /// Stops running launches (the worker is closing).
    pub(crate) fn shutdown(&self) {
        for (_, (handle, _)) in self.launches.lock().expect("launches lock").drain() {
            handle.abort();
        }
    }

    async fn run(self, command: Command) {
        match command {
            Command::Reload => self.reload().await,
            Command::AddAccount {
                copy_secrets_from,
                account,
                secrets,
            } => {
                let secrets = match copy_secrets_from {
                    Some(source) => self.with_copied_secrets(source, &account, secrets).await,
                    None => Ok(secrets),
                };
                match secrets {
                    Ok(secrets) => self.add(account, secrets).await,
                    Err(err) => self.emitter.emit(Event::SaveFailed(failure(&err))),
                }
            }
            Command::EditAccount {
                account,
                edit,
                secrets,
            } => self.edit(account, edit, secrets).await,
            Command::DeleteAccount { account } => self.delete(account).await,
            Command::SetFavourite { account, favourite } => {
                let edit = AccountEdit {
                    favourite: Some(favourite),
                    ..AccountEdit::default()
                };
                match self
                    .engine
                    .edit_account(&account.to_string(), edit, Vec::new())
                    .await
                {
                    Ok(_) => {
                        self.send_accounts().await;
                    }
                    Err(err) => self.emitter.emit(Event::SaveFailed(failure(&err))),
                }
            }
            Command::LoadSecretStatus { account } => {
                let engine = self.engine.clone();
                let stored = blocking(move || {
                    let account = engine.find_account(&account.to_string())?;
                    engine.secret_status(&account)
                })
                .await;
                match stored {
                    Ok(stored) => self.emitter.emit(Event::SecretStatus {
                        account,
                        stored: stored
                            .into_iter()
                            .map(|(name, set)| (name.to_string(), set))
                            .collect(),
                    }),
                    Err(err) => self.emitter.emit(Event::Notice(failure(&err).to_string())),
                }
            }
            Command::Discover { request, account } => {
                let result = self.engine.discover_services(&account).await;
                self.emitter.emit(Event::Discovered {
                    request,
                    result: result.map_err(|err| failure(&err)),
                });
            }
            Command::RefreshToken { account } => self.refresh(account).await,
            Command::RefreshAll { per_second } => self.refresh_all(per_second).await,
            Command::SignOut { account } => self.sign_out(account).await,
            Command::CheckVault => self.check_vault().await,
            Command::UnlockVault => self.unlock_vault().await,
            Command::LockVault => self.lock_vault().await,
            Command::UseVaultFile => self.use_vault_file().await,
            Command::ImportAccounts { path } => self.import(path).await,
            Command::CopyShownLink { account, link } => self.copy_shown_link(account, &link),
            Command::ChangeSettings(change) => {
                let engine = self.engine.clone();
                let saved = blocking(move || engine.change_settings(&change)).await;
                self.emitter.emit(Event::SettingsSaved(
                    saved.map(|_| ()).map_err(|err| failure(&err)),
                ));
                self.emitter.emit(Event::Settings(self.engine.settings()));
            }
            Command::Launch { .. }
            | Command::CancelLaunch { .. }
            | Command::Choose { .. }
            | Command::AnswerPassphrase { .. } => {
                unreachable!("handled without a task")
            }
        }
    }

    async fn reload(&self) {
        self.emitter.emit(Event::Settings(self.engine.settings()));
        // The keyring and the log are checked even when the account file cannot be read.
        let accounts = self.send_accounts().await;
        self.check_vault().await;
        self.read_activity().await;
        let Some(accounts) = accounts else {
            return;
        };
        self.newly_listed(&accounts);
        self.send_token_statuses(&accounts).await;
    }

    /// Sends the account list; `None` when it cannot be read.
    pub(super) async fn send_accounts(&self) -> Option<Vec<Account>> {
        let engine = self.engine.clone();
        match blocking(move || engine.accounts()).await {
            Ok(accounts) => {
                self.emitter.emit(Event::Accounts(accounts.clone()));
                Some(accounts)
            }
            Err(err) => {
                self.emitter
                    .emit(Event::AccountsFailed(Failure::from_error(&err)));
                None
            }
        }
    }

    /// Sends the audit lines written since the last read, and the launch times they hold.
    pub(super) async fn read_activity(&self) {
        let mut offset = self.audit_offset.lock().await;
        let engine = self.engine.clone();
        let from = *offset;
        let chunk = match blocking(move || engine.audit.read_from(from)).await {
            Ok(chunk) => chunk,
            Err(err) => {
                tracing::warn!("could not read the audit log: {err}");
                return;
            }
        };
        *offset = chunk.next;
        if chunk.records.is_empty() {
            return;
        }
        let launched: Vec<(AccountId, OffsetDateTime)> = chunk
            .records
            .iter()
            .filter(|record| record.action == "launch" && record.outcome == "ok")
            .filter_map(|record| {
                Some((
                    record.account_id.parse().ok()?,
                    OffsetDateTime::parse(
                        &record.time,
                        &time::format_description::well_known::Rfc3339,
                    )
                    .ok()?,
                ))
            })
            .collect();
        self.emitter.emit(Event::Activity(chunk.records));
        if !launched.is_empty() {
            self.emitter.emit(Event::LastLaunched(launched));
        }
    }

    pub(super) async fn find(&self, account: AccountId) -> Result<Account, EngineError> {
        let engine = self.engine.clone();
        blocking(move || {
            engine
                .find_account(&account.to_string())
                .map_err(EngineError::from)
        })
        .await
    }

    fn start_launch(&self, account: AccountId, how: LaunchHow, via: Via) {
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
        self.emitter
            .emit(Event::LaunchStarted { account, how, via });
        let tasks = self.clone();
        let task = tokio::spawn(async move {
            // A bug that panics mid-launch ends it with a message, not a row left spinning.
            let launching = tasks.clone();
            let result = supervised(async move { launching.launch(account, how, via).await })
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

    fn cancel_launch(&self, account: AccountId) {
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
                    hint: None,
                }),
            });
        }
    }

    async fn launch(
        &self,
        id: AccountId,
        how: LaunchHow,
        via: Via,
    ) -> Result<LaunchReport, Failure> {
        let account = self.find(id).await.map_err(|err| failure(&err))?;
        let target = match how {
            LaunchHow::Browser => LaunchTarget::Browser,
            LaunchHow::CopyLink => LaunchTarget::Copy,
        };
        let emitter = self.emitter.clone();
        let on_step = move |step| emitter.emit(Event::LaunchStep { account: id, step });
        let outcome = self.engine.launch(&account, target, via, &on_step).await;
        if require_provider(account.provider).flow().is_round_trip() {
            // Nothing to show in the token column.
        } else if let Ok(LaunchOutcome {
            session: Some(session),
            ..
        }) = &outcome
        {
            let status = token_status(session, self.engine.clock.now());
            self.emitter.emit(Event::Tokens(vec![(id, status)]));
        } else if let Err(err) = &outcome {
            self.send_status(&account).await;
            tracing::debug!(account = %account.name, "launch failed: {err}");
        }
        let outcome = outcome.map_err(|err| failure(&err))?;
        Ok(self.deliver(id, how, outcome))
    }

    /// Turns what the engine did into the sentence shown; a link to copy goes to the
    /// clipboard here, held there until it expires.
    fn deliver(&self, id: AccountId, how: LaunchHow, outcome: LaunchOutcome) -> LaunchReport {
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
            Delivery::TokenHeld if how == LaunchHow::CopyLink => {
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
                report.copied_until = Some(self.engine.clock.now() + lifetime);
                self.hold_on_clipboard(id, url, lifetime);
                let why = match how {
                    LaunchHow::Browser => {
                        " (this account copies links instead of opening a browser)"
                    }
                    LaunchHow::CopyLink => "",
                };
                format!(
                    "Link copied{why}; it is cleared from the clipboard in {} s.",
                    lifetime.as_secs()
                )
            }
        };
        report
    }

    async fn import(&self, path: std::path::PathBuf) {
        let engine = self.engine.clone();
        let imported = blocking(move || {
            let text = std::fs::read_to_string(&path).map_err(|err| Failure {
                kind: crate::core::error::ErrorKind::Config,
                message: format!("Could not read {}: {err}.", path.display()),
                hint: Some("Check the path: the file an export wrote, like accounts.json.".into()),
            })?;
            engine
                .import_accounts(&text)
                .map_err(|err| Failure::from_error(&err))
        })
        .await;
        let names = imported.map(|accounts| accounts.into_iter().map(|a| a.name).collect());
        if names.is_ok() {
            self.send_accounts().await;
        }
        self.emitter.emit(Event::Imported(names));
    }

    async fn add(&self, account: Account, secrets: Vec<(String, SecretString)>) {
        let engine = self.engine.clone();
        let added = blocking(move || engine.add_account(account, secrets)).await;
        self.report_saved(added, true).await;
    }

    async fn edit(&self, id: AccountId, edit: AccountEdit, secrets: Vec<(String, SecretString)>) {
        let edited = self
            .engine
            .edit_account(&id.to_string(), edit, secrets)
            .await;
        self.report_saved(edited, false).await;
    }

    async fn report_saved(&self, saved: Result<Account, EngineError>, created: bool) {
        match saved {
            Ok(account) => {
                self.send_accounts().await;
                self.send_status(&account).await;
                self.emitter.emit(Event::Saved { account, created });
            }
            Err(err) => self.emitter.emit(Event::SaveFailed(failure(&err))),
        }
    }

    /// Adds the source account's secrets that `secrets` does not set (a duplicate).
    async fn with_copied_secrets(
        &self,
        source: AccountId,
        account: &Account,
        mut secrets: Vec<(String, SecretString)>,
    ) -> Result<Vec<(String, SecretString)>, EngineError> {
        let vault = self.engine.vault().clone();
        let names: Vec<&'static str> = require_provider(account.provider)
            .spec()
            .secrets
            .iter()
            .map(|spec| spec.name)
            .filter(|name| !secrets.iter().any(|(given, _)| given == name))
            .collect();
        let copied = blocking(move || {
            names
                .into_iter()
                .filter_map(|name| {
                    let key = crate::core::store::vault::SecretKey::new(source, name);
                    vault
                        .get(&key)
                        .map(|value| Some((name.to_string(), value?)))
                        .transpose()
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
        secrets.extend(copied);
        Ok(secrets)
    }

    async fn delete(&self, id: AccountId) {
        match self.engine.remove_account(&id.to_string()).await {
            Ok(removed) => {
                self.emitter.emit(Event::Deleted {
                    account: id,
                    name: removed.name,
                });
                self.send_accounts().await;
            }
            Err(err) => self.emitter.emit(Event::SaveFailed(failure(&err))),
        }
    }
}
