//! CSV onboarding lists: a header row with `name`, `provider`, and optionally `tags`
//! (separated by `;`), `notes`, `stage`, `credential`, and one `set.KEY` column per provider
//! setting. Every row is checked; a bad row is reported with its line number and why.

use std::collections::{BTreeMap, HashSet};

use crate::core::account::{Account, ProviderId};
use crate::core::account_changes::check_account_using;
use crate::core::credentials::CredentialSet;
use crate::core::engine_error::EngineError;
use crate::core::provider::form::setting_fields;
use crate::core::provider::require_provider;

/// The rows read: the good ones, and each bad one with its line number and why.
#[derive(Debug, Default)]
pub struct CsvRows {
    pub accounts: Vec<Account>,
    pub bad: Vec<String>,
}

/// The columns a CSV may have beside `set.KEY`.
const COLUMNS: [&str; 6] = ["name", "provider", "tags", "notes", "stage", "credential"];

/// Reads an onboarding CSV. A file that is not CSV, or whose header is unusable, is an
/// error; a bad row is one of [`CsvRows::bad`].
pub fn parse_csv(text: &str, sets: &[CredentialSet]) -> Result<CsvRows, EngineError> {
    let refused =
        |why: String| EngineError::Import(format!("the CSV file {why}; nothing was imported"));
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|err| refused(format!("cannot be read: {err}")))?
        .iter()
        .map(str::to_string)
        .collect();
    for column in &header {
        if !COLUMNS.contains(&column.as_str()) && !column.starts_with("set.") {
            return Err(refused(format!(
                "has a column '{column}' it does not know (columns: {}, and set.KEY for each setting)",
                COLUMNS.join(", ")
            )));
        }
    }
    for needed in ["name", "provider"] {
        if !header.iter().any(|column| column == needed) {
            return Err(refused(format!("has no '{needed}' column")));
        }
    }
    let mut rows = CsvRows::default();
    let mut names = HashSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                let line = err.position().map_or(0, csv::Position::line);
                rows.bad
                    .push(format!("line {line}: cannot be read ({err})"));
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        let cells: BTreeMap<&str, &str> = header
            .iter()
            .map(String::as_str)
            .zip(record.iter())
            .filter(|(_, value)| !value.is_empty())
            .collect();
        match account_of(&cells, sets) {
            Ok(account) if !names.insert(account.name.to_lowercase()) => rows.bad.push(format!(
                "line {line}: '{}' is named twice in the file",
                account.name
            )),
            Ok(account) => rows.accounts.push(account),
            Err(why) => rows.bad.push(format!("line {line}: {why}")),
        }
    }
    Ok(rows)
}

/// One row as an account, or why it cannot be one.
fn account_of(cells: &BTreeMap<&str, &str>, sets: &[CredentialSet]) -> Result<Account, String> {
    let name = cells.get("name").ok_or("no name")?;
    let provider: ProviderId = cells
        .get("provider")
        .ok_or("no provider")?
        .parse()
        .map_err(|err: String| err)?;
    let mut account = Account::new(*name, provider);
    account.tags = cells
        .get("tags")
        .map(|tags| {
            tags.split(';')
                .map(str::trim)
                .filter(|tag| !tag.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    account.notes = cells
        .get("notes")
        .map(|notes| notes.to_string())
        .unwrap_or_default();
    account.stage = cells.get("stage").map(|stage| stage.to_string());
    account.credential = cells.get("credential").map(|name| name.to_string());
    let secrets: Vec<&str> = require_provider(provider)
        .spec()
        .secrets()
        .map(|field| field.key)
        .collect();
    for (column, value) in cells {
        let Some(key) = column.strip_prefix("set.") else {
            continue;
        };
        if secrets.contains(&key) {
            return Err(format!(
                "{key} is a secret: secrets are never in files (add it afterwards with accounts edit)"
            ));
        }
        if !setting_fields(provider).any(|field| field.matches(key)) {
            return Err(format!(
                "{} accounts have no setting '{key}'",
                provider.display_name()
            ));
        }
        account.settings.insert(key.to_string(), value.to_string());
    }
    check_account_using(&account, sets).map_err(|err| match err {
        EngineError::CredentialUnknown(name) => {
            format!("there is no credential set named '{name}' (add it before importing)")
        }
        err => err.to_string(),
    })?;
    Ok(account)
}
