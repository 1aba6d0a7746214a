//! The window's view model: what the worker reported, folded into plain data the views draw.

use crate::core::launch::LaunchTarget;
use std::collections::{HashMap, VecDeque};

use time::OffsetDateTime;

use crate::core::account::{Account, AccountId};
use crate::core::audit::AuditRecord;
use crate::core::launch::LaunchStep;
use crate::core::protocol::{Event, Failure, LaunchReport, TokenStatus, VaultStatus, Via};
use crate::core::search;
use crate::core::store::settings::Settings;
use crate::core::store::settings_change::SettingsChange;
use crate::gui::commands::Tab;
use crate::gui::editor::Editor;
pub use crate::gui::held_launch::{PendingLaunch, TicketMemory};

/// How many audit lines the activity panel keeps.
pub const ACTIVITY_LIMIT: usize = 20_000;
/// How many notices are kept (the newest is shown).
const NOTICE_LIMIT: usize = 20;

/// A launch in flight, or how the last one ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LaunchState {
    Running {
        target: LaunchTarget,
        step: Option<LaunchStep>,
        waiting_for_browser: bool,
    },
    Done(Result<LaunchReport, Failure>),
}

/// How the last launch (from anywhere in this app) ended, for the tray's tooltip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastLaunch {
    pub account: String,
    pub via: Via,
    /// The summary, or the failure.
    pub outcome: Result<String, Failure>,
}

/// A question from a sign-in that matched several accounts.
#[derive(Debug, Clone)]
pub struct ChoiceRequest {
    pub request: u64,
    pub account: String,
    pub choices: Vec<String>,
    pub selected: usize,
}

/// The account list: the ids shown, in order, and the selection.
#[derive(Debug, Default)]
pub struct ListState {
    pub query: String,
    pub shown: Vec<AccountId>,
    pub selected: Option<AccountId>,
    /// The list's order is out of date (a new launch time, a favourite ...); it is brought up
    /// to date once the pointer leaves the list, so rows never move under it.
    pub stale: bool,
    /// The query the current order was made for.
    pub(crate) arranged_query: Option<String>,
    /// Scroll the selected row into view on the next frame.
    pub scroll_to_selected: bool,
    /// Up/Down moved the selection since the order was made: a new order waits until the
    /// query changes or a row is clicked.
    pub walked_by_keyboard: bool,
    /// The rows marked for a bulk action (Ctrl-click, Shift-click, Ctrl+Shift+A).
    pub marked: std::collections::BTreeSet<AccountId>,
    /// How the rows are grouped, which groups are folded, and the lines drawn (see
    /// [`crate::gui::list_groups`]).
    pub group_by: crate::gui::list_groups::GroupBy,
    pub folded: std::collections::BTreeSet<String>,
    pub items: Vec<crate::gui::list_groups::ListItem>,
}

#[derive(Default)]
pub struct AppState {
    /// Every account the list shows: the personal ones, then the team list's.
    pub accounts: Vec<Account>,
    /// The personal list as the worker sent it.
    pub personal: Vec<Account>,
    /// The team list beside it (read-only), and which accounts are from it.
    pub team: crate::core::team::TeamView,
    pub team_ids: std::collections::HashSet<AccountId>,
    /// The accounts' searchable text, made again when the list changes.
    pub search_index: search::SearchIndex,
    pub index_of: HashMap<AccountId, usize>,
    pub tokens: HashMap<AccountId, TokenStatus>,
    pub last_launched: HashMap<AccountId, OffsetDateTime>,
    /// How each account was last launched (the audit log's `via`: tray, link ...).
    pub launched_via: HashMap<AccountId, String>,
    pub launches: HashMap<AccountId, LaunchState>,
    /// Until when a copied link stays on the clipboard, per account.
    pub copied_until: HashMap<AccountId, OffsetDateTime>,
    pub settings: Settings,
    /// The settings as edited in the Settings tab, saved on request.
    pub settings_draft: Settings,
    pub settings_message: Option<Result<(), Failure>>,
    pub vault: Option<VaultStatus>,
    pub activity: VecDeque<AuditRecord>,
    /// What the Activity tab shows of it, and the rows that match.
    pub activity_view: crate::gui::views::activity::ActivityView,
    /// How many audit lines have arrived in all (a change count for the filter cache).
    pub activity_arrived: u64,
    pub notices: VecDeque<String>,
    /// When the newest notice came (it shows in the status bar for a while).
    pub notice_at: Option<std::time::Instant>,
    pub choice: Option<ChoiceRequest>,
    pub start_failure: Option<Failure>,
    pub accounts_failure: Option<Failure>,
    /// The saved credential sets, which the editor offers.
    pub credential_sets: Vec<crate::core::credentials::CredentialSet>,
    /// Whether the account list has arrived once.
    pub loaded: bool,
    pub refresh_all: Option<(usize, usize)>,
    pub token_messages: HashMap<AccountId, Result<String, Failure>>,
    pub editor: Option<Editor>,
    pub pending_delete: Option<(AccountId, String)>,
    pub tab: Tab,
    pub list: ListState,
    /// The list's scroll offset and visible height, from the last frame.
    pub list_viewport: (f32, f32),
    /// Where the list was drawn last frame (rows are not reordered under the pointer).
    pub list_rect: Option<egui::Rect>,
    pub last_launch: Option<LastLaunch>,
    /// The user has seen the last launch's failure (the window had the focus since).
    pub attention_seen: bool,
    /// Counts the events folded in, so the tray is worked out again only after a change.
    pub changes: u64,
    /// Counts changes to the account list and launch times (for the quick-launch matches).
    pub accounts_version: u64,
    /// A link waiting for an answer (or for the accounts to arrive, to be checked).
    pub link: Option<LinkPrompt>,
    /// A launch waiting for the user: its stage asks first (`confirm_stages`), or it needs a
    /// ticket (`require_ticket`).
    pub launch_question: Option<PendingLaunch>,
    /// The ticket the operator works on, for the launches that follow.
    pub ticket: TicketMemory,
    /// Counts the links received: each one's dialog is a new one, so a click meant for the
    /// last dialog never lands on the next (their buttons would otherwise share ids).
    pub link_seq: u64,
    /// The quick-launch window, when open.
    pub quick: Option<crate::gui::quick::QuickState>,
    /// Why there is no tray icon, when there is none.
    pub tray_absent: Option<String>,
    /// The import dialog, when open.
    pub import: Option<crate::gui::views::import::ImportDialog>,
    /// The open bulk action's dialog.
    pub bulk: Option<crate::gui::views::bulk::BulkDialog>,
    /// The keyring help dialog is open.
    pub vault_help: bool,
    /// The vault file asks for its passphrase.
    pub passphrase: Option<crate::gui::views::vault::PassphraseDialog>,
}

/// An `sso-launcher://` link and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkPrompt {
    /// Arrived before the account list: checked once it is here.
    Unchecked(String),
    /// Asks to launch this account: confirm or cancel.
    Confirm(AccountId),
    /// Cannot be used; says why. Nothing was run.
    Refused(String),
}

impl AppState {
    pub fn account(&self, id: AccountId) -> Option<&Account> {
        self.index_of.get(&id).map(|index| &self.accounts[*index])
    }

    pub fn is_running(&self, id: AccountId) -> bool {
        matches!(self.launches.get(&id), Some(LaunchState::Running { .. }))
    }

    pub fn notice(&mut self, message: impl Into<String>) {
        if self.notices.len() == NOTICE_LIMIT {
            self.notices.pop_front();
        }
        self.notices.push_back(message.into());
        self.notice_at = Some(std::time::Instant::now());
    }

    /// The newest notice, while it is less than `shown_for` old.
    pub fn current_notice(&self, shown_for: std::time::Duration) -> Option<&str> {
        let at = self.notice_at?;
        (at.elapsed() < shown_for)
            .then(|| self.notices.back().map(String::as_str))
            .flatten()
    }

    /// Whether the account is the team list's (read-only here).
    pub fn is_team(&self, account: AccountId) -> bool {
        self.team_ids.contains(&account)
    }

    /// Folds one event from the worker into the model.
    pub fn apply(&mut self, event: Event) {
        self.changes += 1;
        match event {
            Event::StartFailed(failure) => self.start_failure = Some(failure),
            Event::Accounts(accounts) => {
                self.personal = accounts;
                self.show_accounts();
            }
            Event::Team(view) => {
                let changed = view.accounts != self.team.accounts;
                self.team_ids = view.accounts.iter().map(|account| account.id).collect();
                self.team = view;
                if changed || !self.loaded {
                    self.show_accounts();
                }
            }
            Event::AccountsFailed(failure) => self.accounts_failure = Some(failure),
            Event::CredentialSets(sets) => self.credential_sets = sets,
            Event::LastLaunched(launched) => {
                self.accounts_version += 1;
                for (id, at) in launched {
                    let newest = self.last_launched.entry(id).or_insert(at);
                    *newest = (*newest).max(at);
                }
                self.list.stale = true;
            }
            Event::Settings(settings) => {
                // Unsaved edits in the Settings tab stay; everything else follows the file.
                self.settings_draft = SettingsChange::between(&self.settings, &self.settings_draft)
                    .applied_to(&settings);
                if settings.account_order != self.settings.account_order {
                    self.list.arranged_query = None;
                }
                self.settings = settings;
            }
            Event::SettingsSaved(result) => self.settings_message = Some(result),
            Event::Tokens(statuses) => self.tokens.extend(statuses),
            Event::LaunchStep { account, step } => {
                if let Some(LaunchState::Running { step: current, .. }) =
                    self.launches.get_mut(&account)
                {
                    *current = Some(step);
                }
            }
            Event::WaitingForBrowser { account, waiting } => {
                if let Some(LaunchState::Running {
                    waiting_for_browser,
                    ..
                }) = self.launches.get_mut(&account)
                {
                    *waiting_for_browser = waiting;
                }
            }
            Event::LaunchStarted {
                account, target, ..
            } => {
                if !self.is_running(account) {
                    self.launches.insert(
                        account,
                        LaunchState::Running {
                            target,
                            step: None,
                            waiting_for_browser: false,
                        },
                    );
                }
            }
            Event::LaunchFinished {
                account,
                via,
                result,
            } => {
                self.last_launch = Some(LastLaunch {
                    account: self
                        .account(account)
                        .map_or_else(|| "an account".into(), |a| a.name.clone()),
                    via,
                    outcome: result
                        .as_ref()
                        .map(|report| report.summary.clone())
                        .map_err(Clone::clone),
                });
                self.attention_seen = result.is_ok();
                if let Ok(LaunchReport {
                    copied_until: Some(until),
                    ..
                }) = &result
                {
                    self.copied_until.insert(account, *until);
                }
                self.launches.insert(account, LaunchState::Done(result));
            }
            Event::LinkOnClipboard { account, until } => {
                self.copied_until.insert(account, until);
            }
            Event::VaultOpened => {
                if let Some(status) = &mut self.vault {
                    status.lock = crate::core::store::vault::LockState::Open;
                }
            }
            Event::PassphraseNeeded { request, question } => {
                self.passphrase = Some(crate::gui::views::vault::PassphraseDialog::new(
                    request, question,
                ));
            }
            Event::ChoiceNeeded {
                request,
                account,
                choices,
            } => {
                self.choice = Some(ChoiceRequest {
                    request,
                    account,
                    choices,
                    selected: 0,
                });
            }
            Event::ClipboardCleared { account, at_expiry } => {
                self.copied_until.remove(&account);
                // "Link copied; it is cleared in 30 s" is no longer true: say what happened.
                if let Some(LaunchState::Done(Ok(report))) = self.launches.get_mut(&account)
                    && report.copied_until.is_some()
                {
                    report.copied_until = None;
                    report.summary = if at_expiry {
                        "The copied link expired and was cleared from the clipboard.".into()
                    } else {
                        "The copied link expired (the clipboard holds something else now).".into()
                    };
                }
                let name = self
                    .account(account)
                    .map_or("an account", |a| &a.name)
                    .to_string();
                self.notice(if at_expiry {
                    format!("The link for '{name}' expired and was cleared from the clipboard.")
                } else {
                    format!("The link for '{name}' expired; the clipboard holds something else now, so it was left alone.")
                });
            }
            Event::Saved { account, created } => {
                self.notice(if created {
                    format!("Added '{}'.", account.name)
                } else {
                    format!("Saved '{}'.", account.name)
                });
                self.list.selected = Some(account.id);
                self.list.scroll_to_selected = true;
                self.editor = None;
            }
            Event::SaveFailed(failure) => match &mut self.editor {
                Some(editor) => {
                    editor.saving = false;
                    editor.error = Some(failure);
                }
                None => self.notice(crate::gui::remedies::failure_text(&failure)),
            },
            Event::Deleted { account, name } => {
                self.notice(format!("Deleted '{name}' and its keyring entries."));
                self.launches.remove(&account);
                self.tokens.remove(&account);
                self.launched_via.remove(&account);
                if self.list.selected == Some(account) {
                    self.list.selected = None;
                }
            }
            Event::SecretStatus { account, stored } => {
                if let Some(editor) = &mut self.editor
                    && editor.original == Some(account)
                {
                    editor.stored = stored.into_iter().collect();
                }
            }
            Event::Discovered { request, result } => {
                if let Some(editor) = &mut self.editor {
                    editor.discovered(request, result);
                }
            }
            Event::TokenAction {
                account, result, ..
            } => match result {
                // Done is said once, in the status bar; a failure stays by its row until
                // the next try.
                Ok(message) => {
                    self.token_messages.remove(&account);
                    let name = self.account(account).map_or("", |a| a.name.as_str());
                    let notice = format!("{name}: {message}");
                    self.notice(notice);
                }
                Err(failure) => {
                    self.token_messages.insert(account, Err(failure));
                }
            },
            Event::RefreshAllProgress { done, total } => {
                self.refresh_all = (done < total).then_some((done, total));
                if done == total {
                    self.notice(format!("Refresh all: {total} session(s) renewed or tried."));
                }
            }
            Event::Activity(records) => {
                for record in &records {
                    if record.action == "launch"
                        && record.outcome == "ok"
                        && let Ok(id) = record.account_id.parse()
                    {
                        let via = record.via.as_deref().unwrap_or_default().to_string();
                        self.launched_via.insert(id, via);
                    }
                }
                for record in records {
                    if self.activity.len() == ACTIVITY_LIMIT {
                        self.activity.pop_front();
                    }
                    self.activity.push_back(record);
                    self.activity_arrived += 1;
                }
            }
            Event::Vault(status) => self.vault = Some(status),
            Event::Notice(message) => self.notice(message),
            Event::Trouble(failure) => self.notice(crate::gui::remedies::failure_text(&failure)),
            Event::ExportWritten(result) => match result {
                Ok(done) => {
                    self.notice(done);
                    self.activity_view.export_to = None;
                }
                Err(failure) => self.notice(crate::gui::remedies::failure_text(&failure)),
            },
            Event::BulkDone(result) => match result {
                Ok(done) => {
                    self.notice(done);
                    self.bulk = None;
                    self.list.marked.clear();
                }
                Err(failure) => self.notice(crate::gui::remedies::failure_text(&failure)),
            },
            Event::ImportPreviewed(preview) => {
                if let Some(dialog) = &mut self.import {
                    dialog.busy = false;
                    dialog.preview = Some(preview);
                }
            }
            Event::Imported(result) => {
                if let Ok(names) = &result {
                    self.notice(format!("Imported {} account(s).", names.len()));
                }
                if let Some(dialog) = &mut self.import {
                    dialog.busy = false;
                    dialog.result = Some(result);
                }
            }
        }
    }

    /// The list shown: the personal accounts, then the team list's.
    fn show_accounts(&mut self) {
        let mut accounts = self.personal.clone();
        accounts.extend(self.team.accounts.iter().cloned());
        self.accounts_version += 1;
        self.index_of = accounts
            .iter()
            .enumerate()
            .map(|(index, account)| (account.id, index))
            .collect();
        self.search_index = search::SearchIndex::new(&accounts);
        self.accounts = accounts;
        self.accounts_failure = None;
        self.loaded = true;
        // Keep the rows where they are; removed ones go, new ones wait for the re-order.
        let index_of = &self.index_of;
        self.list.shown.retain(|id| index_of.contains_key(id));
        let shown: std::collections::HashSet<AccountId> = self.list.shown.iter().copied().collect();
        let added: Vec<AccountId> = self
            .accounts
            .iter()
            .map(|account| account.id)
            .filter(|id| !shown.contains(id))
            .collect();
        self.list.shown.extend(added);
        self.list.stale = true;
        self.refresh_list_items();
    }
}
