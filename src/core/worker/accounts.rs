//! The worker's account tasks: loading, adding, editing, deleting, importing, and the
//! activity read from the audit log.

use time::OffsetDateTime;

use super::context::{Tasks, failure};
use crate::core::account::{Account, AccountId};
use crate::core::account_changes::AccountEdit;
use crate::core::blocking::blocking;
use crate::core::engine::EngineError;
use crate::core::protocol::{Event, Failure};
use crate::core::provider::require_provider;
use crate::core::secret::SecretString;
use crate::core::transfer::OnConflict;

impl Tasks {
    pub(super) async fn reload(&self) {
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
        match blocking(move || Ok::<_, EngineError>((engine.accounts()?, engine.credential_sets())))
            .await
        {
            Ok((accounts, sets)) => {
                self.emitter.emit(Event::Accounts(accounts.clone()));
                match sets {
                    Ok(sets) => self.emitter.emit(Event::CredentialSets(sets)),
                    // The accounts still launch; those that name a set say why they cannot.
                    Err(err) => tracing::warn!("could not read the credential sets: {err}"),
                }
                self.send_team().await;
                Some(accounts)
            }
            Err(err) => {
                self.emitter
                    .emit(Event::AccountsFailed(Failure::from_error(&err)));
                None
            }
        }
    }

    /// Sends the team list as it shows now (a share that hangs delays only this task).
    pub(super) async fn send_team(&self) {
        let engine = self.engine.clone();
        match blocking(move || engine.team_view()).await {
            Ok(view) => {
                let new = self.newly_listed_team(&view.accounts);
                self.emitter.emit(Event::Team(view));
                self.send_token_statuses(&new).await;
            }
            Err(err) => tracing::warn!("could not read the team list: {err}"),
        }
    }

    /// Sends the audit lines written since the last read, and the launch times they hold.
    pub(super) async fn read_activity(&self) {
        let mut offset = self.audit_offset.lock().await;
        let engine = self.engine.clone();
        let from = *offset;
        let chunk = match blocking(move || engine.audit_log().read_from(from)).await {
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

    /// Says what importing the file would do; writes nothing.
    pub(super) async fn preview_import(&self, path: std::path::PathBuf) {
        let csv = is_csv(&path);
        let engine = self.engine.clone();
        let preview = match read_import(path).await {
            Ok(text) => blocking(move || engine.preview_import(&text, csv))
                .await
                .map_err(|err| Failure::from_error(&err)),
            Err(failure) => Err(failure),
        };
        self.emitter.emit(Event::ImportPreviewed(preview));
    }

    pub(super) async fn import(&self, path: std::path::PathBuf, on_conflict: OnConflict) {
        let csv = is_csv(&path);
        let names = match read_import(path).await {
            Ok(text) if csv => self
                .engine
                .import_csv(&text, on_conflict, false, false)
                .await
                .map(|(report, _)| imported_names(report))
                .map_err(|err| Failure::from_error(&err)),
            Ok(text) => self
                .engine
                .import_accounts(&text, on_conflict, false)
                .await
                .map(imported_names)
                .map_err(|err| Failure::from_error(&err)),
            Err(failure) => Err(failure),
        };
        if names.is_ok() {
            self.send_accounts().await;
        }
        self.emitter.emit(Event::Imported(names));
    }

    /// Reports a bulk action and sends the list as it is now.
    pub(super) async fn bulk_done(&self, done: Result<String, EngineError>) {
        self.send_accounts().await;
        self.emitter.emit(Event::BulkDone(
            done.map_err(|err| Failure::from_error(&err)),
        ));
    }

    /// Writes the chosen accounts to `path` (JSON, or TOML for a `.toml` file).
    pub(super) async fn export(&self, accounts: Vec<AccountId>, path: std::path::PathBuf) {
        let engine = self.engine.clone();
        let done = blocking(move || {
            let format = if path
                .extension()
                .is_some_and(|extension| extension.eq_ignore_ascii_case("toml"))
            {
                crate::core::transfer::ExportFormat::Toml
            } else {
                crate::core::transfer::ExportFormat::Json
            };
            let count = accounts.len();
            let selection = crate::core::transfer::ExportSelection {
                ids: Some(accounts),
                ..Default::default()
            };
            let text = engine.export_accounts(&selection, format)?;
            crate::core::store::atomic::write_atomically(&path, text.as_bytes()).map_err(
                |err| EngineError::Usage(format!("could not write {}: {err}", path.display())),
            )?;
            Ok::<_, EngineError>(format!(
                "Exported {count} account(s) to {} (no secrets).",
                path.display()
            ))
        })
        .await;
        self.emitter.emit(Event::BulkDone(
            done.map_err(|err| Failure::from_error(&err)),
        ));
    }

    pub(super) async fn add(&self, account: Account, secrets: Vec<(String, SecretString)>) {
        let engine = self.engine.clone();
        let added = blocking(move || engine.add_account(account, secrets)).await;
        self.report_saved(added, true).await;
    }

    pub(super) async fn edit(
        &self,
        id: AccountId,
        edit: AccountEdit,
        secrets: Vec<(String, SecretString)>,
    ) {
        let edited = self
            .engine
            .edit_account(&id.to_string(), edit, secrets)
            .await;
        self.report_saved(edited, false).await;
    }

    pub(super) async fn report_saved(&self, saved: Result<Account, EngineError>, created: bool) {
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
    pub(super) async fn with_copied_secrets(
        &self,
        source: AccountId,
        account: &Account,
        mut secrets: Vec<(String, SecretString)>,
    ) -> Result<Vec<(String, SecretString)>, EngineError> {
        let vault = self.engine.vault().clone();
        let names: Vec<&'static str> = require_provider(account.provider)
            .spec()
            .secrets()
            .map(|spec| spec.key)
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

    pub(super) async fn delete(&self, id: AccountId) {
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

/// Whether the file is an onboarding CSV (else an export, JSON or TOML).
fn is_csv(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("csv"))
}

/// The import file's text, or why it cannot be read.
async fn read_import(path: std::path::PathBuf) -> Result<String, Failure> {
    blocking(move || {
        std::fs::read_to_string(&path).map_err(|err| Failure {
            kind: crate::core::error::ErrorKind::Config,
            message: format!("Could not read {}: {err}.", path.display()),
            remedy: Some(crate::core::error::Remedy::advice(
                "Check the path: the file an export wrote, like accounts.json, or a .csv list.",
            )),
        })
    })
    .await
}

/// The names of the accounts an import added or changed.
fn imported_names(report: crate::core::transfer::ImportReport) -> Vec<String> {
    let mut names: Vec<String> = report.added.into_iter().map(|a| a.name).collect();
    names.extend(report.replaced.into_iter().map(|(_, after)| after.name));
    names.extend(report.renamed.into_iter().map(|(_, added)| added.name));
    names
}
