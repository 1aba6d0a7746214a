//! What the tray shows, worked out from the window's state: the menu, the icon's mood and the
//! tooltip's words. Plain data, so it is tested without a tray.

use crate::core::account::AccountId;
use crate::core::protocol::{TokenStatus, Via};
use crate::gui::search;
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
}

impl TrayCommand {
    pub const ALL: [TrayCommand; 3] = [Self::Search, Self::Open, Self::Quit];

    pub fn label(self) -> &'static str {
        match self {
            Self::Search => "Search…",
            Self::Open => "Open sso-launcher",
            Self::Quit => "Quit",
        }
    }

    pub fn menu_id(self) -> &'static str {
        match self {
            Self::Search => "search",
            Self::Open => "open",
            Self::Quit => "quit",
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
        Some(match state.tokens.get(&id) {
            Some(TokenStatus::NeedsSignIn) => format!("{} (needs sign-in)", account.name),
            _ => account.name.clone(),
        })
    };
    let mut entries = Vec::new();
    let favourites = search::arrange(
        &state.accounts,
        "",
        state.settings.account_order,
        &state.last_launched,
    )
    .into_iter()
    .map(|index| &state.accounts[index])
    .take_while(|account| account.favourite)
    .take(FAVOURITES_IN_MENU);
    for account in favourites {
        if let Some(label) = label(account.id) {
            entries.push(TrayEntry::Account {
                menu_id: format!("favourite:{}", account.id),
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
                    menu_id: format!("recent:{id}"),
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
                format!("Needs attention: launching '{last_account}' failed. {failure}"),
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
