//! The engine's account calls: the personal and team lists, credential sets, bulk changes,
//! exports and imports (each a thin call into its service).

use crate::core::account::{Account, AccountId};
use crate::core::account_bulk::BulkChange;
use crate::core::account_changes::AccountEdit;
use crate::core::credential_book::{CredentialEdit, CredentialSummary};
use crate::core::credentials::CredentialSet;
use crate::core::engine::{Engine, EngineError};
use crate::core::secret::SecretString;
use crate::core::store::StoreError;
use crate::core::store::accounts::find_account;
use crate::core::team::TeamView;
use crate::core::transfer::{ExportFormat, ExportSelection, ImportReport, OnConflict};

impl Engine {
    pub fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.accounts.all()
    }

    /// Finds an account by id or name: the personal list first, then the team list.
    pub fn find_account(&self, query: &str) -> Result<Account, StoreError> {
        match self.accounts.find(query) {
            Err(StoreError::NotFound(_)) if self.settings.get().team_accounts.is_some() => {
                let team = self
                    .team_view()
                    .map_err(|_| StoreError::NotFound(query.into()))?;
                find_account(&team.accounts, query).cloned()
            }
            found => found,
        }
    }

    /// The personal account `query` finds: one only in the team list cannot be changed here.
    pub fn personal_account(&self, query: &str) -> Result<Account, EngineError> {
        let found = self.find_account(query)?;
        if self.accounts.all()?.iter().any(|own| own.id == found.id) {
            Ok(found)
        } else {
            Err(EngineError::TeamReadOnly(found.name))
        }
    }

    /// The team list as it shows beside the personal one (see [`TeamList`]). Reads the
    /// team's file: call it off the UI thread.
    pub fn team_view(&self) -> Result<TeamView, EngineError> {
        let path = self.settings.get().team_accounts;
        if path.is_none() {
            return Ok(TeamView::default());
        }
        let personal = self.accounts.all()?;
        let sets = self.credentials.all()?;
        Ok(self.team.read(path.as_deref(), &personal, &sets))
    }

    /// Which of the account's secrets are set (names only). Blocks on the vault.
    pub fn secret_status(
        &self,
        account: &Account,
    ) -> Result<Vec<(&'static str, bool)>, EngineError> {
        self.accounts.secret_status(account)
    }

    /// See [`AccountBook::add_account`].
    pub fn add_account(
        &self,
        account: Account,
        secrets: Vec<(String, SecretString)>,
    ) -> Result<Account, EngineError> {
        self.accounts.add_account(account, secrets)
    }

    /// See [`AccountBook::edit_account`].
    pub async fn edit_account(
        &self,
        query: &str,
        edit: AccountEdit,
        secrets: Vec<(String, SecretString)>,
    ) -> Result<Account, EngineError> {
        self.accounts.edit_account(query, edit, secrets).await
    }

    /// See [`AccountBook::remove_account`].
    /// The saved credential sets.
    pub fn credential_sets(&self) -> Result<Vec<CredentialSet>, StoreError> {
        self.credentials.all()
    }

    /// See [`CredentialBook::summaries`].
    pub fn credential_summaries(&self) -> Result<Vec<CredentialSummary>, EngineError> {
        self.credentials.summaries()
    }

    /// See [`CredentialBook::add`].
    pub fn add_credential_set(
        &self,
        set: CredentialSet,
        secrets: Vec<(String, SecretString)>,
    ) -> Result<CredentialSet, EngineError> {
        self.credentials.add(set, secrets)
    }

    /// See [`CredentialBook::edit`].
    pub async fn edit_credential_set(
        &self,
        name: &str,
        edit: CredentialEdit,
        secrets: Vec<(String, SecretString)>,
    ) -> Result<CredentialSet, EngineError> {
        self.credentials.edit(name, edit, secrets).await
    }

    /// See [`CredentialBook::remove`].
    pub async fn remove_credential_set(&self, name: &str) -> Result<CredentialSet, EngineError> {
        self.credentials.remove(name).await
    }

    /// See [`AccountBook::change_many`].
    pub async fn change_accounts(
        &self,
        ids: &[AccountId],
        change: &BulkChange,
    ) -> Result<usize, EngineError> {
        self.accounts.change_many(ids, change).await
    }

    /// See [`AccountBook::remove_many`].
    pub async fn remove_accounts(&self, ids: &[AccountId]) -> Result<Vec<Account>, EngineError> {
        self.accounts.remove_many(ids).await
    }

    pub async fn remove_account(&self, query: &str) -> Result<Account, EngineError> {
        self.accounts.remove_account(query).await
    }

    /// See [`AccountBook::export_accounts`].
    pub fn export_accounts(
        &self,
        selection: &ExportSelection,
        format: ExportFormat,
    ) -> Result<String, EngineError> {
        self.accounts.export_accounts(selection, format)
    }

    /// See [`AccountBook::import_csv`]; replaced accounts as for [`Engine::import_accounts`].
    pub async fn import_csv(
        &self,
        text: &str,
        on_conflict: OnConflict,
        dry_run: bool,
        skip_invalid: bool,
    ) -> Result<(ImportReport, Vec<String>), EngineError> {
        let (report, bad) = self
            .accounts
            .import_csv(text, on_conflict, dry_run, skip_invalid)?;
        if !dry_run {
            self.forget_replaced(&report).await?;
        }
        Ok((report, bad))
    }

    /// Drops the cached sessions of the accounts an import replaced (their settings may now
    /// point elsewhere).
    async fn forget_replaced(&self, report: &ImportReport) -> Result<(), EngineError> {
        for (before, _) in &report.replaced {
            self.sessions.forget(before.id).await?;
        }
        Ok(())
    }

    /// See [`AccountBook::preview_import`].
    pub fn preview_import(
        &self,
        text: &str,
        csv: bool,
    ) -> Result<crate::core::transfer_plan::ImportPreview, EngineError> {
        self.accounts.preview_import(text, csv)
    }

    /// See [`AccountBook::import_accounts`]; a replaced account's cached session is dropped
    /// (its settings may now point elsewhere). Blocks on the disk.
    pub async fn import_accounts(
        &self,
        text: &str,
        on_conflict: OnConflict,
        dry_run: bool,
    ) -> Result<ImportReport, EngineError> {
        let report = self.accounts.import_accounts(text, on_conflict, dry_run)?;
        if !dry_run {
            self.forget_replaced(&report).await?;
        }
        Ok(report)
    }
}
