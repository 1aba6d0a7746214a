//! What an import does with accounts that are here already: one is "here" when it has the
//! same id, else the same name (ignoring case). Planned over the whole file before anything
//! is written.

use crate::core::account::{Account, AccountId};
use crate::core::engine_error::EngineError;

/// What to do with an imported account that is here already.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnConflict {
    /// Import nothing, and list the conflicts.
    #[default]
    Refuse,
    /// Leave those accounts as they are here; import the others.
    Skip,
    /// The file's version replaces the one here (which keeps its id, so its secrets and
    /// launch links stay).
    Replace,
    /// Import it beside the one here, under a free name ("Acme (2)") and, for the same id,
    /// a new id.
    Rename,
}

/// What an import did (or, for a dry run, would do).
#[derive(Debug, Default)]
pub struct ImportReport {
    pub added: Vec<Account>,
    /// As it was here, and as the file has it (with the id it keeps).
    pub replaced: Vec<(Account, Account)>,
    /// The name in the file, and the account as added.
    pub renamed: Vec<(String, Account)>,
    /// The file's accounts left out, each with why.
    pub skipped: Vec<String>,
}

impl ImportReport {
    /// How many accounts the import adds or changes.
    pub fn changed(&self) -> usize {
        self.added.len() + self.replaced.len() + self.renamed.len()
    }
}

/// What an import file would do, before anything is written: for the window's preview.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportPreview {
    /// Accounts not here yet.
    pub new: Vec<Account>,
    /// Accounts here already and different in the file: as here, as in the file, and how.
    pub conflicts: Vec<(Account, Account, Vec<Difference>)>,
    /// Accounts here already, the same in the file.
    pub unchanged: Vec<String>,
}

/// One field an account has otherwise in an import file: its name, here, in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub field: String,
    pub here: String,
    pub in_file: String,
}

/// The preview of importing `imported` beside `accounts`.
pub fn preview(accounts: &[Account], imported: Vec<Account>) -> ImportPreview {
    let mut preview = ImportPreview::default();
    for account in imported {
        match here_already(accounts, &account) {
            None => preview.new.push(account),
            Some((index, _)) => {
                let here = &accounts[index];
                let differences = differences(here, &account);
                if differences.is_empty() {
                    preview.unchanged.push(here.name.clone());
                } else {
                    preview.conflicts.push((here.clone(), account, differences));
                }
            }
        }
    }
    preview
}

/// The fields `file` has otherwise than `here` (the id aside: an import keeps the one here).
pub fn differences(here: &Account, file: &Account) -> Vec<Difference> {
    let mut found = Vec::new();
    let mut differ = |field: &str, here: String, in_file: String| {
        if here != in_file {
            found.push(Difference {
                field: field.to_string(),
                here,
                in_file,
            });
        }
    };
    differ("name", here.name.clone(), file.name.clone());
    differ(
        "provider",
        here.provider.to_string(),
        file.provider.to_string(),
    );
    differ("tags", here.tags.join(", "), file.tags.join(", "));
    differ(
        "stage",
        here.stage().unwrap_or_default().into(),
        file.stage().unwrap_or_default().into(),
    );
    differ(
        "credential set",
        here.credential().unwrap_or_default().into(),
        file.credential().unwrap_or_default().into(),
    );
    differ("notes", here.notes.clone(), file.notes.clone());
    let keys: std::collections::BTreeSet<&String> =
        here.settings.keys().chain(file.settings.keys()).collect();
    for key in keys {
        differ(
            key,
            here.settings.get(key).cloned().unwrap_or_default(),
            file.settings.get(key).cloned().unwrap_or_default(),
        );
    }
    found
}

/// Merges `imported` into `accounts` as `on_conflict` says.
pub fn merge(
    accounts: &mut Vec<Account>,
    imported: Vec<Account>,
    on_conflict: OnConflict,
) -> Result<ImportReport, EngineError> {
    let mut report = ImportReport::default();
    let mut clashes = Vec::new();
    for account in imported {
        let Some((index, why)) = here_already(accounts, &account) else {
            accounts.push(account.clone());
            report.added.push(account);
            continue;
        };
        match on_conflict {
            OnConflict::Refuse => clashes.push(why),
            OnConflict::Skip => report.skipped.push(why),
            OnConflict::Replace => {
                let before = accounts[index].clone();
                let mut after = account;
                after.id = before.id;
                accounts[index] = after.clone();
                report.replaced.push((before, after));
            }
            OnConflict::Rename => {
                let from = account.name.clone();
                let mut renamed = account;
                if accounts.iter().any(|other| other.id == renamed.id) {
                    renamed.id = AccountId::new_random();
                }
                renamed.name = free_name(accounts, &from);
                accounts.push(renamed.clone());
                report.renamed.push((from, renamed));
            }
        }
    }
    if !clashes.is_empty() {
        return Err(EngineError::ImportClash(clashes));
    }
    Ok(report)
}

/// The account here that `imported` is, and why: the same id, else the same name.
fn here_already(accounts: &[Account], imported: &Account) -> Option<(usize, String)> {
    if let Some(index) = accounts.iter().position(|other| other.id == imported.id) {
        let same = &accounts[index];
        return Some((
            index,
            if same.name == imported.name {
                format!("'{}' (the same account)", imported.name)
            } else {
                format!(
                    "'{}' (the same account as '{}' here)",
                    imported.name, same.name
                )
            },
        ));
    }
    accounts
        .iter()
        .position(|other| other.name.eq_ignore_ascii_case(&imported.name))
        .map(|index| {
            (
                index,
                format!("'{}' (another account has this name)", accounts[index].name),
            )
        })
}

/// `name (2)`, `name (3)` ...: the first one no account has (ignoring case).
fn free_name(accounts: &[Account], name: &str) -> String {
    (2..)
        .map(|number| format!("{name} ({number})"))
        .find(|candidate| {
            !accounts
                .iter()
                .any(|other| other.name.eq_ignore_ascii_case(candidate))
        })
        .expect("some number is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape the property test generates is a valid import (so the merge is exercised),
    /// and each rule meets the one conflict as documented.
    #[test]
    fn each_rule_meets_a_conflict_as_documented() {
        let text = "format = \"sso-launcher-accounts\"\nversion = 2\n[[accounts]]\nname = \"Acme\"\nprovider = \"assuresign\"\nstage = \"production\"\n[accounts.settings]\nenvironment = \"sb\"\napi_username = \"u\"\ncontext_username = \"a@b.example\"\n";
        let imported = crate::core::transfer::parse_import(text, &[]).unwrap();
        let here = vec![Account::new("acme", crate::core::provider::ags::ID)];
        let run = |rule| {
            let mut accounts = here.clone();
            merge(&mut accounts, imported.clone(), rule).map(|report| (accounts, report))
        };
        assert!(matches!(
            run(OnConflict::Refuse),
            Err(EngineError::ImportClash(_))
        ));
        let (accounts, report) = run(OnConflict::Skip).unwrap();
        assert_eq!((accounts, report.skipped.len()), (here.clone(), 1));
        let (accounts, report) = run(OnConflict::Replace).unwrap();
        assert_eq!(accounts[0].id, here[0].id, "the id here is kept");
        assert_eq!(accounts[0].stage.as_deref(), Some("production"));
        assert_eq!(report.replaced.len(), 1);
        let (accounts, report) = run(OnConflict::Rename).unwrap();
        assert_eq!(accounts[1].name, "Acme (2)");
        assert_eq!(report.changed(), 1);
    }
}
