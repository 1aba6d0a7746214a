//! What the tray shows, worked out from the window's state: the menu, the icon's mood and the
//! tooltip's words. Plain data, so it is tested without a tray.

use crate::core::account::AccountId;
use crate::core::protocol::{TokenStatus, Via};
use crate::core::search;
use crate::gui::state::{AppState, LastLaunch, LaunchState};

pub const FAVOURITES_IN_MENU: usize = 15;
pub const RECENTS_IN_MENU: usize = 5;

/// The icon's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayMood {
    Idle,
    /// A launch or a sign-in is running.
    Working,
    /// The last launch failed, or a question is waiting in the window.
    Attention,
}

/// The tray menu's commands besides the accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayCommand {
    Search,
    Open,
    Quit,
    /// An account's item: the app launches it (asking first where its stage or a missing
    /// ticket needs it); never a menu entry of its own.
    Launch(AccountId),
}

impl TrayCommand {
    pub const ALL: [TrayCommand; 3] = [Self::Search, Self::Open, Self::Quit];

    pub fn label(self) -> &'static str {
        match self {
            Self::Search => "Search…",
            Self::Open => "Open sso-launcher",
            Self::Quit => "Quit",
            Self::Launch(_) => "Launch",
        }
    }

    pub fn menu_id(self) -> &'static str {
        match self {
            Self::Search => "search",
            Self::Open => "open",
            Self::Quit => "quit",
            Self::Launch(_) => "launch",
        }
    }

    pub fn from_menu_id(id: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|command| command.menu_id() == id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrayEntry {
    /// Launches the account.
    Account {
        menu_id: String,
        label: String,
    },
    /// A title over the items that follow (not clickable).
    Header(&'static str),
    Separator,
    Command(TrayCommand),
}

/// Everything the tray shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayView {
    pub mood: TrayMood,
    pub tooltip: String,
    pub menu: Vec<TrayEntry>,
}

pub fn tray_view(state: &AppState) -> TrayView {
    let (mood, tooltip) = mood_and_tooltip(state);
    TrayView {
        mood,
        tooltip,
        menu: menu_entries(state),
    }
}

/// The account a menu item launches (favourites and recents alike).
pub fn account_of(menu_id: &str) -> Option<AccountId> {
    menu_id
        .strip_prefix("favourite:")
        .or_else(|| menu_id.strip_prefix("recent:"))?
        .parse()
        .ok()
}

/// Favourites in the window's order (at most 15), the last 5 launched accounts, then the
/// commands. An account that needs a sign-in says so.
pub fn menu_entries(state: &AppState) -> Vec<TrayEntry> {
    let label = |id: AccountId| {
        let account = state.account(id)?;
        let name = match account.stage() {
            Some(stage) => format!("{} · {stage}", account.name),
            None => account.name.clone(),
        };
        Some(match state.tokens.get(&id) {
            Some(TokenStatus::NeedsSignIn) => format!("{name} (needs sign-in)"),
            _ => name,
        })
    };
    let menu_id = |list: &str, id: AccountId| format!("{list}:{id}");
    let mut entries = Vec::new();
    // Ordered as the window orders them, among themselves only: there may be thousands of
    // other accounts.
    let favourite_accounts: Vec<_> = state
        .accounts
        .iter()
        .filter(|account| account.favourite)
        .cloned()
        .collect();
    let favourites = search::arrange(
        &favourite_accounts,
        "",
        state.settings.account_order,
        &state.last_launched,
    )
    .into_iter()
    .map(|index| &favourite_accounts[index])
    .take(FAVOURITES_IN_MENU);
    for account in favourites {
        if let Some(label) = label(account.id) {
            entries.push(TrayEntry::Account {
                menu_id: menu_id("favourite", account.id),
                label,
            });
        }
    }
    entries.push(TrayEntry::Separator);
    let recents = recent_launches(state);
    if !recents.is_empty() {
        entries.push(TrayEntry::Header("Recent"));
        for id in recents {
            if let Some(label) = label(id) {
                entries.push(TrayEntry::Account {
                    menu_id: menu_id("recent", id),
                    label,
                });
            }
        }
        entries.push(TrayEntry::Separator);
    }
    entries.extend(TrayCommand::ALL.map(TrayEntry::Command));
    entries
}

/// The accounts launched last (from the audit log: from anywhere), newest first, each once.
fn recent_launches(state: &AppState) -> Vec<AccountId> {
    let mut recent: Vec<AccountId> = Vec::new();
    for record in state.activity.iter().rev() {
        if record.action != "launch" {
            continue;
        }
        let Ok(id) = record.account_id.parse::<AccountId>() else {
            continue;
        };
        if state.account(id).is_some() && !recent.contains(&id) {
            recent.push(id);
            if recent.len() == RECENTS_IN_MENU {
                break;
            }
        }
    }
    recent
}

/// The icon's mood, and the same in words for the tooltip.
pub fn mood_and_tooltip(state: &AppState) -> (TrayMood, String) {
    let name_of = |id: AccountId| {
        state.account(id).map_or_else(
            || "an account".to_string(),
            |account| format!("'{}'", account.name),
        )
    };
    if let Some(choice) = &state.choice {
        return (
            TrayMood::Attention,
            format!(
                "Needs attention: '{}' signs in to several accounts; choose one in the window.",
                choice.account
            ),
        );
    }
    let running: Vec<AccountId> = state
        .launches
        .iter()
        .filter(|(_, launch)| matches!(launch, LaunchState::Running { .. }))
        .map(|(id, _)| *id)
        .collect();
    match running.as_slice() {
        [] => {}
        [only] => {
            return (
                TrayMood::Working,
                format!("Working: launching {}…", name_of(*only)),
            );
        }
        several => {
            return (
                TrayMood::Working,
                format!("Working: launching {} accounts…", several.len()),
            );
        }
    }
    match &state.last_launch {
        Some(LastLaunch {
            account,
            outcome: Err(failure),
            ..
        }) if !state.attention_seen => {
            let last_account = account;
            (
                TrayMood::Attention,
                format!(
                    "Needs attention: launching '{last_account}' failed. {}",
                    crate::gui::remedies::failure_text(failure)
                ),
            )
        }
        Some(last) => {
            let what = match &last.outcome {
                Ok(summary) => format!("'{}': {summary}", last.account),
                Err(_) => format!("launching '{}' failed (seen)", last.account),
            };
            (
                TrayMood::Idle,
                format!(
                    "Idle. Last launch, from the {}: {what}",
                    via_words(last.via)
                ),
            )
        }
        None => (
            TrayMood::Idle,
            "Idle. Click a favourite to launch it.".into(),
        ),
    }
}

fn via_words(via: Via) -> &'static str {
    match via {
        Via::Window => "window",
        Via::Tray => "tray",
        Via::QuickLaunch => "quick-launch window",
        Via::Link => "link",
        Via::Cli => "command line",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::account::Account;
    use crate::core::audit::AuditRecord;
    use crate::core::error::ErrorKind;
    use crate::core::protocol::{Event, Failure};
    use crate::gui::state::LaunchState;

    fn state_with(names: &[(&str, bool)]) -> AppState {
        let mut state = AppState::default();
        let accounts = names
            .iter()
            .map(|(name, favourite)| {
                let mut account = Account::new(*name, crate::core::provider::assuresign::ID);
                account.favourite = *favourite;
                account
            })
            .collect();
        state.apply(Event::Accounts(accounts));
        state
    }

    fn id(state: &AppState, name: &str) -> AccountId {
        state.accounts.iter().find(|a| a.name == name).unwrap().id
    }

    fn launched(state: &mut AppState, name: &str) {
        let account = state.account(id(state, name)).unwrap().clone();
        let record = AuditRecord::new(
            &account,
            "launch",
            Via::Cli,
            time::OffsetDateTime::now_utc(),
            std::time::Duration::ZERO,
        );
        state.apply(Event::Activity(vec![record]));
    }

    fn labels(entries: &[TrayEntry]) -> Vec<String> {
        entries
            .iter()
            .map(|entry| match entry {
                TrayEntry::Account { label, .. } => label.clone(),
                TrayEntry::Header(title) => format!("[{title}]"),
                TrayEntry::Separator => "---".into(),
                TrayEntry::Command(command) => command.label().into(),
            })
            .collect()
    }

    /// A favourite names its stage in the menu.
    #[test]
    fn a_production_favourite_names_its_stage_and_asks_in_the_window() {
        let mut accounts = vec![
            Account::new("Live", crate::core::provider::assuresign::ID),
            Account::new("Test", crate::core::provider::assuresign::ID),
        ];
        accounts[0].stage = Some("production".into());
        accounts[1].stage = Some("sandbox".into());
        for account in &mut accounts {
            account.favourite = true;
        }
        let (live, test) = (accounts[0].id, accounts[1].id);
        let mut state = AppState::default();
        state.apply(Event::Accounts(accounts));
        let entries = menu_entries(&state);
        let ids: Vec<(&str, &str)> = entries
            .iter()
            .filter_map(|entry| match entry {
                TrayEntry::Account { menu_id, label } => Some((menu_id.as_str(), label.as_str())),
                _ => None,
            })
            .collect();
        assert_eq!(ids[0].1, "Live · production");
        assert_eq!(account_of(ids[0].0), Some(live));
        assert_eq!(ids[1].1, "Test · sandbox");
        assert_eq!(account_of(ids[1].0), Some(test));
    }

    #[test]
    fn favourites_in_order_then_recent_launches_each_once_then_commands() {
        let names: Vec<(String, bool)> = (0..20).map(|n| (format!("Fav {n:02}"), true)).collect();
        let mut all: Vec<(&str, bool)> = names.iter().map(|(n, f)| (n.as_str(), *f)).collect();
        all.push(("zeta", false));
        all.push(("alpha", false));
        let mut state = state_with(&all);
        state.apply(Event::Tokens(vec![(
            id(&state, "Fav 00"),
            TokenStatus::NeedsSignIn,
        )]));
        for name in ["alpha", "zeta", "alpha", "Fav 03"] {
            launched(&mut state, name);
        }
        let entries = menu_entries(&state);
        let labels = labels(&entries);
        assert_eq!(labels[0], "Fav 00 (needs sign-in)");
        assert_eq!(
            labels[FAVOURITES_IN_MENU - 1],
            "Fav 14",
            "at most 15 favourites"
        );
        assert_eq!(
            labels[FAVOURITES_IN_MENU..],
            [
                "---",
                "[Recent]",
                "Fav 03",
                "alpha",
                "zeta",
                "---",
                "Search…",
                "Open sso-launcher",
                "Quit"
            ]
        );
        let first = match &entries[0] {
            TrayEntry::Account { menu_id, .. } => menu_id.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(account_of(&first), Some(id(&state, "Fav 00")));
        assert_eq!(account_of("search"), None);
        assert_eq!(TrayCommand::from_menu_id("quit"), Some(TrayCommand::Quit));
    }

    #[test]
    fn the_mood_follows_launches_failures_and_questions() {
        let mut state = state_with(&[("Acme", true)]);
        let acme = id(&state, "Acme");
        assert_eq!(mood_and_tooltip(&state).0, TrayMood::Idle);
        state.apply(Event::LaunchStarted {
            account: acme,
            target: crate::core::launch::LaunchTarget::Browser,
            via: Via::Tray,
        });
        assert!(matches!(
            state.launches.get(&acme),
            Some(LaunchState::Running { .. })
        ));
        let (mood, tooltip) = mood_and_tooltip(&state);
        assert_eq!(
            (mood, tooltip.as_str()),
            (TrayMood::Working, "Working: launching 'Acme'…")
        );
        state.apply(Event::LaunchFinished {
            account: acme,
            via: Via::Tray,
            result: Err(Failure {
                kind: ErrorKind::Network,
                message: "AssureSign did not answer.".into(),
                remedy: Some(crate::core::error::Remedy::advice("Try again.")),
            }),
        });
        let (mood, tooltip) = mood_and_tooltip(&state);
        assert_eq!(mood, TrayMood::Attention);
        assert!(
            tooltip.contains("launching 'Acme' failed. AssureSign did not answer. Try again."),
            "{tooltip}"
        );
        // Seen in the window: calm again, the failure still told.
        state.attention_seen = true;
        let (mood, tooltip) = mood_and_tooltip(&state);
        assert_eq!(mood, TrayMood::Idle);
        assert!(tooltip.contains("failed (seen)"), "{tooltip}");
        state.apply(Event::ChoiceNeeded {
            request: 1,
            account: "Family".into(),
            choices: vec!["A".into(), "B".into()],
        });
        let (mood, tooltip) = mood_and_tooltip(&state);
        assert_eq!(mood, TrayMood::Attention);
        assert!(
            tooltip.contains("'Family' signs in to several accounts"),
            "{tooltip}"
        );
    }
}
