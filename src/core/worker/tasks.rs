//! What the worker does for each [`Command`]: one task each, reporting through events. The
//! handlers live in the modules beside this one, by subject.

use super::context::{Tasks, failure};
use super::vault::needs_secrets;
use crate::core::account_changes::AccountEdit;
use crate::core::blocking::blocking;
use crate::core::protocol::{Command, Event};

impl Tasks {
    pub(crate) fn handle(&self, command: Command) {
        let tasks = self.clone();
        if needs_secrets(&command) {
            // A vault file's passphrase, declined at start, is asked again for this.
            self.engine.vault().ask_again();
        }
        match command {
            Command::Launch {
                account,
                target,
                via,
                ticket,
            } => self.start_launch(account, target, via, ticket),
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

    pub(super) async fn run(self, command: Command) {
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
            Command::ChangeAccounts { accounts, change } => {
                let done = self
                    .engine
                    .change_accounts(&accounts, &change)
                    .await
                    .map(|count| format!("Changed {count} account(s)."));
                self.bulk_done(done).await;
            }
            Command::DeleteAccounts { accounts } => {
                let done = self
                    .engine
                    .remove_accounts(&accounts)
                    .await
                    .map(|removed| format!("Deleted {} account(s).", removed.len()));
                self.bulk_done(done).await;
            }
            Command::ExportAccounts { accounts, path } => self.export(accounts, path).await,
            Command::WriteExport { path, text } => {
                let written = blocking(move || {
                    crate::core::store::atomic::write_atomically(&path, text.as_bytes())
                        .map(|()| format!("Wrote {}.", path.display()))
                        .map_err(|err| crate::core::protocol::Failure {
                            kind: crate::core::error::ErrorKind::Config,
                            message: format!("Could not write {}: {err}.", path.display()),
                            remedy: Some(crate::core::error::Remedy::advice(
                                "Check that the folder exists and that you may write to it.",
                            )),
                        })
                })
                .await;
                self.emitter.emit(Event::ExportWritten(written));
            }
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
                    Err(err) => self.emitter.emit(Event::Trouble(failure(&err))),
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
            Command::PreviewImport { path } => self.preview_import(path).await,
            Command::ImportAccounts { path, on_conflict } => self.import(path, on_conflict).await,
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
}
