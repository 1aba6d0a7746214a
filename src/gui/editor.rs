//! The account editor's model: a draft account, typed secrets, and what is wrong with them.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::core::account::{Account, AccountId, ProviderId};
use crate::core::account_changes::AccountEdit;
use crate::core::credentials::{CredentialSet, find_set, is_shared_secret, with_set};
use crate::core::protocol::{Command, Failure};
use crate::core::provider::discovery::{DiscoveredChoice, DiscoveredSetting};
use crate::core::provider::form::{
    check_field, form_fields, in_form_words, is_shown, secret_label,
};
use crate::core::provider::{ProviderError, require_provider};
use crate::core::secret::SecretString;

/// What the provider's discovery found, for the editor.
#[derive(Debug, Default)]
pub struct Discovery {
    pub request: Option<u64>,
    pub result: Option<Result<Vec<DiscoveredChoice>, Failure>>,
}

#[derive(Debug)]
pub struct Editor {
    /// The account being edited; `None` for a new one.
    pub original: Option<AccountId>,
    /// What Save would have written had nothing been touched: only the differences from it
    /// are saved, so a change made meanwhile elsewhere (the CLI) is kept.
    opened: Option<Account>,
    /// For a duplicate: the account whose secrets the new one starts with.
    pub copy_secrets_from: Option<AccountId>,
    pub draft: Account,
    pub tags_text: String,
    /// The stage as typed (empty: none).
    pub stage_text: String,
    /// Secrets as typed (an empty field keeps what the vault holds).
    pub secrets: BTreeMap<&'static str, String>,
    pub revealed: HashSet<&'static str>,
    /// Which secrets the vault holds for the account being edited.
    pub stored: HashMap<String, bool>,
    pub discovery: Discovery,
    pub saving: bool,
    pub error: Option<Failure>,
    /// The last draft checked by the provider, and its verdict (checked only on change).
    checked: Option<(Account, Result<(), String>)>,
    /// Tells this editor's widgets (its scroll position ...) from the last one's.
    pub serial: u64,
    /// The account as the form opened with it: whether there are edits to lose.
    initial: Account,
    /// Fields the user has changed or left (their problems show from then on).
    pub touched: HashSet<String>,
    /// Save was pressed: every problem shows.
    pub save_attempted: bool,
    /// The Name field takes the keyboard on the next frame.
    pub focus_name: bool,
    /// Closing was asked for with unsaved edits: the form asks before throwing them away.
    pub confirm_discard: bool,
    /// "More options" is open (first drawn open when one of them has a value).
    pub more_options: Option<bool>,
    /// The saved credential sets (those of the draft's provider are offered).
    sets: Vec<CredentialSet>,
}

/// Counts the editors opened, so each starts at the top of its form.
static OPENED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl Editor {
    pub fn new_account(provider: ProviderId) -> Self {
        Self::from_draft(None, Account::new("", provider))
    }

    pub fn edit(account: &Account) -> Self {
        Self::from_draft(Some(account.id), account.clone())
    }

    /// A new account with the same settings (and, on save, the same secrets).
    pub fn duplicate(account: &Account, taken: impl Fn(&str) -> bool) -> Self {
        let mut draft = account.clone();
        draft.id = AccountId::new_random();
        draft.favourite = false;
        draft.name = (1..)
            .map(|n| match n {
                1 => format!("{} copy", account.name),
                n => format!("{} copy {n}", account.name),
            })
            .find(|name| !taken(name))
            .expect("some name is free");
        let mut editor = Self::from_draft(None, draft);
        editor.copy_secrets_from = Some(account.id);
        editor
    }

    fn from_draft(original: Option<AccountId>, mut draft: Account) -> Self {
        // An account given only a browser command (from the CLI) uses it: say so, so that
        // the form shows the command instead of hiding and dropping it.
        if draft.setting("browser").is_none_or(str::is_empty)
            && draft
                .setting("browser_command")
                .is_some_and(|command| !command.trim().is_empty())
        {
            draft.settings.insert("browser".into(), "command".into());
        }
        let mut editor = Self {
            serial: OPENED.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            initial: Account::new("", draft.provider),
            touched: HashSet::new(),
            save_attempted: false,
            focus_name: true,
            confirm_discard: false,
            more_options: None,
            sets: Vec::new(),
            original,
            opened: None,
            copy_secrets_from: None,
            tags_text: draft.tags.join(", "),
            stage_text: draft.stage.clone().unwrap_or_default(),
            draft,
            secrets: BTreeMap::new(),
            revealed: HashSet::new(),
            stored: HashMap::new(),
            discovery: Discovery::default(),
            saving: false,
            error: None,
            checked: None,
        };
        if original.is_some() {
            editor.opened = Some(editor.account());
        }
        editor.initial = editor.account();
        editor
    }

    /// The editor, offering these credential sets (those of its provider).
    pub fn offering(mut self, sets: Vec<CredentialSet>) -> Self {
        self.sets = sets;
        self
    }

    /// The saved sets the draft's provider can use.
    pub fn sets_for_provider(&self) -> impl Iterator<Item = &CredentialSet> {
        let provider = self.draft.provider;
        self.sets.iter().filter(move |set| set.provider == provider)
    }

    /// The set the draft uses, when it names one saved here.
    pub fn chosen_set(&self) -> Option<&CredentialSet> {
        let name = self.draft.credential()?;
        find_set(&self.sets, name).filter(|set| set.provider == self.draft.provider)
    }

    /// The account as it would sign in: the chosen set filling in what it shares.
    pub fn signs_in_as(&self) -> Account {
        let account = self.account();
        match self.chosen_set() {
            Some(set) => with_set(&account, set),
            None => account,
        }
    }

    /// Whether the chosen set gives this setting or secret (its row is not drawn).
    pub fn set_provides(&self, key: &str) -> bool {
        self.chosen_set().is_some_and(|set| {
            set.settings.contains_key(key) || is_shared_secret(set.provider, key)
        })
    }

    /// Whether closing now would lose something typed.
    pub fn is_dirty(&self) -> bool {
        self.account() != self.initial || self.secrets.values().any(|value| !value.is_empty())
    }

    /// A problem to show now: only for a field the user has touched, or after Save.
    pub fn shown_problem(&self, key: &str, problem: Option<String>) -> Option<String> {
        problem.filter(|_| self.save_attempted || self.touched.contains(key))
    }

    pub fn title(&self) -> String {
        match self.original {
            Some(_) => format!("Edit '{}'", self.draft.name),
            None => "New account".to_string(),
        }
    }

    /// A new account may still change provider; the settings start over.
    pub fn set_provider(&mut self, provider: ProviderId) {
        if self.original.is_none() && provider != self.draft.provider {
            self.draft.provider = provider;
            self.draft.credential = None;
            self.draft.settings.clear();
            self.secrets.clear();
            self.discovery = Discovery::default();
            self.touched.retain(|key| key == "name");
        }
    }

    /// The account as it would be saved: trimmed values, empty ones left out.
    pub fn account(&self) -> Account {
        let mut account = self.draft.clone();
        account.name = account.name.trim().to_string();
        account.tags = self
            .tags_text
            .split(',')
            .map(str::trim)
            .filter(|tag| !tag.is_empty())
            .map(str::to_string)
            .collect();
        account.stage = Some(self.stage_text.trim())
            .filter(|stage| !stage.is_empty())
            .map(str::to_string);
        account.credential = account.credential().map(str::to_string);
        // What the chosen set gives is its: a value left over from before is not kept.
        if let Some(set) = self.chosen_set() {
            account
                .settings
                .retain(|key, _| !set.settings.contains_key(key));
        }
        account.settings = account
            .settings
            .into_iter()
            .map(|(key, value)| (key, value.trim().to_string()))
            .filter(|(_, value)| !value.is_empty())
            .collect();
        let hidden: Vec<&str> = form_fields(account.provider)
            .filter(|field| !is_shown(field, &account))
            .map(|field| field.key)
            .collect();
        account
            .settings
            .retain(|key, _| !hidden.contains(&key.as_str()));
        account
    }

    /// The secrets this account needs, then those it may use (less those its set gives).
    pub fn secret_names(&self) -> Vec<(&'static str, bool)> {
        let account = self.signs_in_as();
        let provider = require_provider(account.provider);
        let required = provider.required_secrets(&account);
        let optional = provider.optional_secrets(&account);
        required
            .iter()
            .map(|name| (*name, true))
            .chain(optional.into_iter().map(|name| (name, false)))
            .filter(|(name, _)| !self.set_provides(name))
            .collect()
    }

    /// A field's problem in `account` (see [`Self::account`]), if any.
    pub fn field_problem(account: &Account, key: &str) -> Option<String> {
        let field = form_fields(account.provider).find(|field| field.key == key)?;
        if !is_shown(field, account) {
            return None;
        }
        check_field(field, account.setting(key).unwrap_or("")).err()
    }

    /// Everything that keeps the account from being saved, in form order.
    pub fn problems(&mut self) -> Vec<String> {
        let account = self.signs_in_as();
        let mut problems = Vec::new();
        if account.name.is_empty() {
            problems.push("Name is required.".to_string());
        }
        if let Some(name) = account.credential()
            && self.chosen_set().is_none()
        {
            problems.push(format!(
                "The credential set '{name}' is not saved here: choose another, or its own secrets."
            ));
        }
        for field in form_fields(account.provider).filter(|field| is_shown(field, &account)) {
            if let Err(problem) = check_field(field, account.setting(field.key).unwrap_or("")) {
                problems.push(problem);
            }
        }
        for (name, required) in self.secret_names() {
            let typed = self
                .secrets
                .get(name)
                .is_some_and(|value| !value.is_empty());
            let kept =
                self.stored.get(name).copied().unwrap_or(false) || self.copy_secrets_from.is_some();
            if required && !typed && !kept {
                problems.push(format!("{} is required.", secret_label(name)));
            }
        }
        if problems.is_empty() {
            let verdict = match &self.checked {
                Some((checked, verdict)) if *checked == account => verdict.clone(),
                _ => {
                    let verdict = require_provider(account.provider)
                        .validate(&account)
                        .map_err(|err| {
                            let message = match &err {
                                ProviderError::Settings { message, .. } => message.clone(),
                                other => other.to_string(),
                            };
                            crate::core::error::sentence(&in_form_words(account.provider, &message))
                        });
                    self.checked = Some((account, verdict.clone()));
                    verdict
                }
            };
            problems.extend(verdict.err());
        }
        problems
    }

    /// The save command; the typed secrets move into it.
    pub fn save_command(&mut self) -> Command {
        let secrets = std::mem::take(&mut self.secrets)
            .into_iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(name, value)| (name.to_string(), SecretString::new(value)))
            .collect();
        self.saving = true;
        self.error = None;
        match (self.original, &self.opened) {
            (Some(id), Some(opened)) => Command::EditAccount {
                account: id,
                edit: AccountEdit::between(opened, &self.account()),
                secrets,
            },
            _ => Command::AddAccount {
                copy_secrets_from: self.copy_secrets_from,
                account: self.account(),
                secrets,
            },
        }
    }

    pub fn discovered(&mut self, request: u64, result: Result<Vec<DiscoveredChoice>, Failure>) {
        if self.discovery.request == Some(request) {
            self.discovery.request = None;
            self.discovery.result = Some(result);
        }
    }

    /// The settings the discovered choice adds to the form (AGS: the chosen service's
    /// non-secret sign-on parameters), with whether each is required.
    pub fn service_parameters(&self) -> Vec<DiscoveredSetting> {
        let Some(Ok(choices)) = &self.discovery.result else {
            return Vec::new();
        };
        require_provider(self.draft.provider).discovered_settings(&self.draft, choices)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_lists_what_is_missing_until_it_can_be_saved() {
        let mut editor = Editor::new_account(crate::core::provider::signnow::ID);
        let problems = editor.problems();
        assert!(
            problems.iter().any(|p| p.contains("Name is required")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("E-mail is required")),
            "{problems:?}"
        );
        editor.draft.name = "Acme".into();
        editor
            .draft
            .settings
            .insert("username".into(), "alice@example.com".into());
        let problems = editor.problems();
        assert!(
            problems.iter().any(|p| p == "Password is required."),
            "{problems:?}"
        );
        editor.secrets.insert("basic_token", "abc".into());
        editor.secrets.insert("password", "pw".into());
        assert_eq!(editor.problems(), Vec::<String>::new());
        let Command::AddAccount {
            secrets, account, ..
        } = editor.save_command()
        else {
            panic!("not a save")
        };
        assert_eq!(account.name, "Acme");
        assert_eq!(secrets.len(), 2);
        assert!(
            editor.secrets.is_empty(),
            "typed secrets move into the command"
        );
    }

    #[test]
    fn an_edit_saves_only_what_was_changed_in_the_form() {
        let mut account = Account::new("Acme", crate::core::provider::assuresign::ID);
        for (key, value) in [
            ("environment", "sb"),
            ("api_username", "u"),
            ("context_username", "a@b.example"),
        ] {
            account.settings.insert(key.into(), value.into());
        }
        let mut editor = Editor::edit(&account);
        editor.tags_text = "customer".into();
        editor.stage_text = " production ".into();
        let Command::EditAccount {
            account: id, edit, ..
        } = editor.save_command()
        else {
            panic!("an edit")
        };
        assert_eq!(id, account.id);
        assert_eq!(
            edit,
            AccountEdit {
                tags: Some(vec!["customer".into()]),
                stage: Some(Some("production".into())),
                ..AccountEdit::default()
            },
            "untouched settings are not written back"
        );
    }

    #[test]
    fn hidden_fields_are_not_saved_and_duplicates_get_a_free_name() {
        let mut account = Account::new("Acme", crate::core::provider::assuresign::ID);
        account
            .settings
            .insert("auth_mode".into(), "credentials".into());
        account
            .settings
            .insert("api_username".into(), "left over".into());
        let editor = Editor::edit(&account);
        assert!(!editor.account().settings.contains_key("api_username"));
        let copy = Editor::duplicate(&account, |name| name == "Acme copy");
        assert_eq!(copy.draft.name, "Acme copy 2");
        assert_ne!(copy.draft.id, account.id);
        assert_eq!(copy.copy_secrets_from, Some(account.id));
    }

    #[test]
    fn a_browser_command_set_from_the_cli_is_kept_through_the_editor() {
        let mut account = Account::new("Acme", crate::core::provider::assuresign::ID);
        account
            .settings
            .insert("browser_command".into(), "firefox {url}".into());
        let mut editor = Editor::edit(&account);
        let saved = editor.account();
        assert_eq!(saved.setting("browser"), Some("command"));
        assert_eq!(saved.setting("browser_command"), Some("firefox {url}"));
        // Another choice hides the command, and it is not saved.
        editor
            .draft
            .settings
            .insert("browser".into(), "private".into());
        assert!(!editor.account().settings.contains_key("browser_command"));
    }
}
