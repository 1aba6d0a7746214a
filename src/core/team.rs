//! The team list: an account list a team shares (`team_accounts = "PATH"`, an export file on
//! a network share or in a synced folder, ids included so links work for everyone), shown
//! read-only beside the personal list and launched like it. Its accounts name credential
//! sets, whose secrets each operator keeps in their own vault. It is read again when it
//! changes; when it goes missing or breaks, the last good copy stays, and a notice says so.
//! The personal list wins on a name (or id) clash, and the view names what it hides.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::core::account::Account;
use crate::core::credentials::CredentialSet;

/// What the list shows of the team's accounts now.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TeamView {
    /// The team's accounts the personal list does not hide, in file order.
    pub accounts: Vec<Account>,
    /// The team's accounts hidden by a personal one of the same name or id.
    pub hidden: Vec<String>,
    /// Why the list is not (or not quite) as the file says: missing or broken, and what is
    /// shown instead.
    pub notice: Option<String>,
}

/// The team list's file and the last good copy read from it.
#[derive(Debug, Default)]
pub struct TeamList {
    last_good: Mutex<Option<(PathBuf, Vec<Account>)>>,
}

impl TeamList {
    /// Reads the list at `path` (none set: no team list), beside `personal`.
    pub fn read(
        &self,
        path: Option<&Path>,
        personal: &[Account],
        sets: &[CredentialSet],
    ) -> TeamView {
        let Some(path) = path else {
            *self.last_good.lock().expect("team list lock") = None;
            return TeamView::default();
        };
        let problem = match std::fs::read_to_string(path) {
            Ok(text) => match crate::core::transfer::parse_team_list(&text, sets) {
                Ok(accounts) => {
                    *self.last_good.lock().expect("team list lock") =
                        Some((path.to_path_buf(), accounts.clone()));
                    return beside(personal, accounts, None);
                }
                Err(err) => format!("The team list {} cannot be read: {err}", path.display()),
            },
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                format!(
                    "The team list {} is missing (is the share mounted?)",
                    path.display()
                )
            }
            Err(err) => format!("The team list {} cannot be read: {err}", path.display()),
        };
        let kept = self
            .last_good
            .lock()
            .expect("team list lock")
            .as_ref()
            .filter(|(read_from, _)| read_from == path)
            .map(|(_, accounts)| accounts.clone());
        let notice = match &kept {
            Some(_) => format!("{problem}. The copy read before is shown."),
            None => format!("{problem}. No team accounts are shown."),
        };
        beside(personal, kept.unwrap_or_default(), Some(notice))
    }
}

/// The team's accounts less those a personal account hides.
fn beside(personal: &[Account], team: Vec<Account>, notice: Option<String>) -> TeamView {
    let (hidden, accounts): (Vec<Account>, Vec<Account>) = team.into_iter().partition(|account| {
        personal
            .iter()
            .any(|own| own.id == account.id || own.name.eq_ignore_ascii_case(&account.name))
    });
    TeamView {
        accounts,
        hidden: hidden.into_iter().map(|account| account.name).collect(),
        notice,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::provider::assuresign;

    fn team_file(names: &[&str]) -> String {
        let accounts: Vec<serde_json::Value> = names
            .iter()
            .map(|name| {
                serde_json::json!({
                    "id": crate::core::account::AccountId::new_random().to_string(),
                    "name": name,
                    "provider": "assuresign",
                    "credential": "team-api",
                    "settings": {"environment": "sb", "context_username": "a@b.example"},
                })
            })
            .collect();
        serde_json::json!({"format": "sso-launcher-accounts", "version": 2, "accounts": accounts})
            .to_string()
    }

    #[test]
    fn a_broken_or_missing_list_keeps_the_last_good_copy_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("team.json");
        let team = TeamList::default();
        let never = team.read(Some(&path), &[], &[]);
        assert!(never.accounts.is_empty());
        assert!(never.notice.unwrap().contains("is missing"));

        // A set this operator has not saved yet is no reason to refuse the list.
        std::fs::write(&path, team_file(&["Acme", "Globex"])).unwrap();
        let good = team.read(Some(&path), &[], &[]);
        assert_eq!(good.notice, None);
        assert_eq!(good.accounts.len(), 2);

        std::fs::write(&path, "{\"format\": \"sso-launcher-accounts\", \"vers").unwrap();
        let broken = team.read(Some(&path), &[], &[]);
        assert_eq!(broken.accounts, good.accounts, "the last good copy");
        assert!(
            broken
                .notice
                .as_deref()
                .unwrap()
                .contains("copy read before"),
            "{broken:?}"
        );
        std::fs::remove_file(&path).unwrap();
        let gone = team.read(Some(&path), &[], &[]);
        assert_eq!(gone.accounts, good.accounts);
        assert!(gone.notice.unwrap().contains("is missing"));
        assert_eq!(team.read(None, &[], &[]), TeamView::default());
    }

    #[test]
    fn the_personal_list_wins_a_clash_and_the_view_names_what_it_hides() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("team.json");
        std::fs::write(&path, team_file(&["Acme", "Globex"])).unwrap();
        let own = vec![Account::new("ACME", assuresign::ID)];
        let view = TeamList::default().read(Some(&path), &own, &[]);
        assert_eq!(view.hidden, ["Acme"]);
        let names: Vec<&str> = view.accounts.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Globex"]);
    }

    #[test]
    fn a_team_list_keeps_ids() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("team.json");
        std::fs::write(
            &path,
            "{\"format\":\"sso-launcher-accounts\",\"version\":1,\"accounts\":[{\"name\":\"Acme\",\"provider\":\"assuresign\",\"settings\":{\"environment\":\"sb\",\"api_username\":\"u\",\"context_username\":\"a@b.example\"}}]}",
        )
        .unwrap();
        let view = TeamList::default().read(Some(&path), &[], &[]);
        assert!(view.notice.unwrap().contains("has no id"));
    }
}
