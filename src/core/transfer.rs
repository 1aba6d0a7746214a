//! Exporting and importing accounts: a versioned file (JSON or TOML) with ids, settings,
//! tags, notes and stages, never secrets. An import is checked whole before anything is
//! written; what happens to accounts that are here already is the caller's choice
//! ([`OnConflict`], planned in `transfer_plan.rs`).

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::core::account::{Account, AccountId, ProviderId};
use crate::core::account_changes::{AccountBook, check_account_using};
use crate::core::clock::rfc3339;
use crate::core::credentials::CredentialSet;
use crate::core::engine_error::EngineError;
pub use crate::core::transfer_plan::{ImportReport, OnConflict};

/// How an export is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportFormat {
    #[default]
    Json,
    Toml,
}

/// Which accounts an export holds (all, without either).
#[derive(Debug, Clone, Default)]
pub struct ExportSelection {
    /// Accounts with this tag (ignoring case).
    pub tag: Option<String>,
    /// Accounts the list's search finds for this query.
    pub search: Option<String>,
    /// These accounts (the window's "Export selected").
    pub ids: Option<Vec<AccountId>>,
}

pub const EXPORT_FORMAT: &str = "sso-launcher-accounts";
/// The newest export layout; version 2 adds `stage` and `credential`. An export with no stage is written as
/// version 1, so an older release keeps importing it.
pub const EXPORT_VERSION: u32 = 2;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportFile {
    format: String,
    version: u32,
    #[serde(default)]
    exported_at: Option<String>,
    accounts: Vec<ExportedAccount>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportedAccount {
    /// Kept on import, so a launch link (`sso-launcher://launch/<id>`) in a shared wiki opens
    /// the same account for everyone who imported the same list. Older exports have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<AccountId>,
    name: String,
    provider: ProviderId,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    favourite: bool,
    #[serde(default)]
    notes: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stage: Option<String>,
    /// The credential set it uses, by name; each operator keeps the set's secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    credential: Option<String>,
    #[serde(default)]
    settings: BTreeMap<String, String>,
}

/// The fields every version of the export has, read first: a file from a newer release is
/// reported as such, not as a field this release does not know.
#[derive(Deserialize)]
struct ExportHeader {
    format: String,
    version: u32,
}

impl AccountBook {
    /// The selected accounts as an export file (no secrets; with their ids, which an import
    /// keeps), in file order.
    pub fn export_accounts(
        &self,
        selection: &ExportSelection,
        format: ExportFormat,
    ) -> Result<String, EngineError> {
        let mut accounts = self.all()?;
        if let Some(ids) = &selection.ids {
            let chosen: HashSet<&AccountId> = ids.iter().collect();
            accounts.retain(|account| chosen.contains(&account.id));
        }
        if let Some(tag) = &selection.tag {
            accounts.retain(|account| account.tags.iter().any(|own| own.eq_ignore_ascii_case(tag)));
        }
        if let Some(query) = &selection.search {
            let found: HashSet<AccountId> = crate::core::search::arrange(
                &accounts,
                query,
                Default::default(),
                &Default::default(),
            )
            .into_iter()
            .map(|index| accounts[index].id)
            .collect();
            accounts.retain(|account| found.contains(&account.id));
        }
        let file = ExportFile {
            format: EXPORT_FORMAT.into(),
            version: if accounts
                .iter()
                .any(|account| account.stage.is_some() || account.credential.is_some())
            {
                EXPORT_VERSION
            } else {
                1
            },
            exported_at: Some(rfc3339(self.now())),
            accounts: accounts
                .into_iter()
                .map(|account| ExportedAccount {
                    id: Some(account.id),
                    name: account.name,
                    provider: account.provider,
                    tags: account.tags,
                    favourite: account.favourite,
                    notes: account.notes,
                    stage: account.stage,
                    credential: account.credential,
                    settings: account.settings,
                })
                .collect(),
        };
        Ok(match format {
            ExportFormat::Json => {
                serde_json::to_string_pretty(&file).expect("export serialises") + "\n"
            }
            ExportFormat::Toml => toml::to_string_pretty(&file).expect("export serialises"),
        })
    }

    /// What importing the file (JSON, TOML or an onboarding CSV, by `csv`) would do, for the
    /// window's preview; a bad file is an error, and nothing is written either way.
    pub fn preview_import(
        &self,
        text: &str,
        csv: bool,
    ) -> Result<crate::core::transfer_plan::ImportPreview, EngineError> {
        let sets = self.credential_sets()?;
        let imported = if csv {
            let rows = crate::core::transfer_csv::parse_csv(text, &sets)?;
            if !rows.bad.is_empty() {
                return Err(EngineError::ImportRows(rows.bad));
            }
            rows.accounts
        } else {
            parse_import(text, &sets)?
        };
        Ok(crate::core::transfer_plan::preview(&self.all()?, imported))
    }

    /// Adds the accounts of an export file (JSON or TOML). The whole file is checked first,
    /// then what is here already is handled as `on_conflict` says; any problem changes
    /// nothing. `dry_run` says what would happen and writes nothing.
    pub fn import_accounts(
        &self,
        text: &str,
        on_conflict: OnConflict,
        dry_run: bool,
    ) -> Result<ImportReport, EngineError> {
        let sets = self.credential_sets()?;
        self.merge_in(parse_import(text, &sets)?, on_conflict, dry_run)
    }

    /// Merges `imported` into the file (for a dry run, into a copy that is thrown away).
    fn merge_in(
        &self,
        imported: Vec<Account>,
        on_conflict: OnConflict,
        dry_run: bool,
    ) -> Result<ImportReport, EngineError> {
        if dry_run {
            let mut accounts = self.all()?;
            return crate::core::transfer_plan::merge(&mut accounts, imported, on_conflict);
        }
        self.update(move |accounts| {
            crate::core::transfer_plan::merge(accounts, imported, on_conflict)
        })
    }

    /// Adds the rows of an onboarding CSV. A bad row refuses the whole file unless
    /// `skip_invalid`, which imports the good rows; returns the bad rows with the report.
    pub fn import_csv(
        &self,
        text: &str,
        on_conflict: OnConflict,
        dry_run: bool,
        skip_invalid: bool,
    ) -> Result<(ImportReport, Vec<String>), EngineError> {
        let sets = self.credential_sets()?;
        let rows = crate::core::transfer_csv::parse_csv(text, &sets)?;
        if !rows.bad.is_empty() && !skip_invalid {
            return Err(EngineError::ImportRows(rows.bad));
        }
        let report = self.merge_in(rows.accounts, on_conflict, dry_run)?;
        Ok((report, rows.bad))
    }
}

/// Reads the file as JSON when it starts with `{`, else as TOML: the header first, then
/// the rest.
fn parse_file(text: &str) -> Result<ExportFile, EngineError> {
    if text.trim_start().starts_with('{') {
        let not_an_export = |err: serde_json::Error| {
            EngineError::Import(format!(
                "the import file is not a valid sso-launcher export (line {}, column {}): {err}",
                err.line(),
                err.column()
            ))
        };
        check_header(serde_json::from_str(text).map_err(not_an_export)?)?;
        return serde_json::from_str(text).map_err(not_an_export);
    }
    let not_an_export = |err: toml::de::Error| {
        let line = err
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        EngineError::Import(format!(
            "the import file is not a valid sso-launcher export ({}): {}",
            line.map_or_else(|| "TOML".to_string(), |line| format!("line {line}")),
            err.message().trim()
        ))
    };
    check_header(toml::from_str(text).map_err(not_an_export)?)?;
    toml::from_str(text).map_err(not_an_export)
}

/// The format and version, before any field: a newer release's file says so.
fn check_header(header: ExportHeader) -> Result<(), EngineError> {
    if header.format != EXPORT_FORMAT {
        return Err(EngineError::Import(format!(
            "the file's format is '{}', expected '{EXPORT_FORMAT}'",
            header.format
        )));
    }
    if header.version > EXPORT_VERSION {
        return Err(EngineError::Import(format!(
            "the file has version {}, written by a newer release of sso-launcher; this release reads versions 1 to {EXPORT_VERSION}: upgrade to import it",
            header.version
        )));
    }
    Ok(())
}

/// Who reads an export file, and so by which rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reader {
    /// `accounts import`: every account checked whole, its credential set saved here.
    Import,
    /// The team list: ids are required (links and cached tokens follow them), and a
    /// credential set this operator has not saved yet is no error (its launch says so).
    Team,
}

pub(crate) fn parse_import(
    text: &str,
    sets: &[CredentialSet],
) -> Result<Vec<Account>, EngineError> {
    parse_accounts(text, sets, Reader::Import)
}

/// Reads a team list (the export format); see [`Reader::Team`].
pub(crate) fn parse_team_list(
    text: &str,
    sets: &[CredentialSet],
) -> Result<Vec<Account>, EngineError> {
    parse_accounts(text, sets, Reader::Team)
}

fn parse_accounts(
    text: &str,
    sets: &[CredentialSet],
    reader: Reader,
) -> Result<Vec<Account>, EngineError> {
    let file = parse_file(text)?;
    if file.version == 0 {
        return Err(EngineError::Import(
            "the file has version 0, which no release writes".into(),
        ));
    }
    let mut names = HashSet::new();
    let mut ids = HashSet::new();
    let mut accounts = Vec::new();
    for (index, entry) in file.accounts.into_iter().enumerate() {
        let position = format!("account {} ('{}')", index + 1, entry.name);
        if !names.insert(entry.name.trim().to_lowercase()) {
            return Err(EngineError::Import(format!(
                "{position} appears twice in the file"
            )));
        }
        if reader == Reader::Team && entry.id.is_none() {
            return Err(EngineError::Import(format!(
                "{position} has no id; a team list keeps each account's id, so that links and tokens follow it: share a list written by an export, which keeps them"
            )));
        }
        let id = entry.id.unwrap_or_else(AccountId::new_random);
        if id == AccountId::nil() || !ids.insert(id) {
            return Err(EngineError::Import(format!(
                "{position} has the id {id}, which another account in the file has too (or which is not an account id)"
            )));
        }
        let account = Account {
            id,
            name: entry.name.trim().to_string(),
            provider: entry.provider,
            tags: entry.tags,
            favourite: entry.favourite,
            notes: entry.notes,
            stage: entry.stage,
            credential: entry.credential,
            settings: entry.settings,
        };
        match check_account_using(&account, sets) {
            Err(EngineError::CredentialUnknown(_)) if reader == Reader::Team => {}
            checked => checked.map_err(|err| EngineError::Import(format!("{position}: {err}")))?,
        }
        accounts.push(account);
    }
    Ok(accounts)
}
