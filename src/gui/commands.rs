//! Everything a person can do in the window, as data. Buttons, menus and shortcuts all
//! produce an [`Action`]; this one place gives each its label, tooltip and shortcut.

use egui::{Key, KeyboardShortcut, Modifiers};

use crate::core::account::AccountId;

/// The window's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Accounts,
    Tokens,
    Activity,
    Settings,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Accounts, Tab::Tokens, Tab::Activity, Tab::Settings];

    pub fn label(self) -> &'static str {
        match self {
            Tab::Accounts => "Accounts",
            Tab::Tokens => "Tokens",
            Tab::Activity => "Activity",
            Tab::Settings => "Settings",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Launch(AccountId),
    CopyLink(AccountId),
    CancelLaunch(AccountId),
    Select(AccountId),
    ToggleFavourite(AccountId),
    NewAccount,
    EditAccount(AccountId),
    DuplicateAccount(AccountId),
    AskDelete(AccountId),
    ConfirmDelete(AccountId),
    CancelDelete,
    SaveEditor,
    CloseEditor,
    /// Close the editor and lose its edits (after it asked).
    DiscardEdits,
    KeepEditing,
    DiscoverServices,
    Choose {
        request: u64,
        choice: Option<usize>,
    },
    RefreshToken(AccountId),
    SignOut(AccountId),
    RefreshAll,
    FocusSearch,
    SelectNext,
    SelectPrevious,
    /// Empty the search box (Esc).
    ClearSearch,
    LaunchSelected,
    CopySelected,
    ShowTab(Tab),
    /// The Settings tab's edits: shown at once and saved.
    ApplySettings,
    ZoomIn,
    ZoomOut,
    ZoomReset,
    CheckVault,
    Reload,
    DismissNotice,
    /// Launch the account a link named (after the user confirmed it).
    ConfirmLink(AccountId),
    /// Go on with the launch that waited for an answer (its stage, its ticket).
    ConfirmHeldLaunch,
    DismissHeldLaunch,
    DismissLink,
    CopyLaunchLink(AccountId),
    /// Copy the link shown because no browser could open it.
    CopyShownLink(AccountId),
    /// The import dialog: a file of accounts exported elsewhere.
    ShowImport,
    PreviewImport,
    ImportFile,
    CloseImport,
    /// Start the demo (its own window, over the built-in sandbox).
    TryDemo,
    /// How to get a working keyring.
    ShowVaultHelp,
    CloseVaultHelp,
    /// The guided fix: keep secrets in the vault file instead of the keyring.
    UseVaultFile,
    UnlockVault,
    /// Choose the passphrase of a vault file not made yet.
    SetUpVault,
    LockVault,
    /// Give the passphrase typed in the vault's dialog.
    AnswerPassphrase(u64),
    /// The same, for a new vault file (its passphrase typed twice).
    CreateVault(u64),
    DeclinePassphrase(u64),
    /// Ctrl-click: mark or unmark a row for a bulk action.
    ToggleMark(AccountId),
    /// Shift-click: mark the rows from the selected one to this one.
    MarkRange(AccountId),
    /// Ctrl+Shift+A: mark every row the search shows (Ctrl+A stays the text's).
    MarkAllShown,
    ClearMarks,
    OpenBulk(crate::gui::views::bulk::BulkKind),
    ApplyBulk,
    CloseBulk,
    /// Fold or unfold a group of the list.
    ToggleGroup(String),
    GroupBy(crate::gui::list_groups::GroupBy),
    /// The Activity tab's export: ask for the file, write the rows shown as CSV, or not.
    AskActivityExport,
    ExportActivity,
    CloseActivityExport,
    Quit,
}

const COMMAND: Modifiers = Modifiers::COMMAND;

impl Action {
    /// The text on its button or menu entry.
    pub fn label(&self) -> &'static str {
        match self {
            Action::Launch(_) | Action::LaunchSelected => "Launch",
            Action::CopyLink(_) | Action::CopySelected => "Copy link",
            Action::CancelLaunch(_) => "Cancel",
            Action::Select(_) => "Select",
            Action::ToggleFavourite(_) => "Favourite",
            Action::NewAccount => "New account",
            Action::EditAccount(_) => "Edit",
            Action::DuplicateAccount(_) => "Duplicate",
            Action::AskDelete(_) => "Delete",
            Action::ConfirmDelete(_) => "Delete account",
            Action::CancelDelete => "Keep it",
            Action::SaveEditor => "Save",
            Action::CloseEditor => "Cancel",
            Action::DiscardEdits => "Discard changes",
            Action::KeepEditing => "Keep editing",
            Action::DiscoverServices => "Discover services",
            Action::Choose { choice: None, .. } => "Cancel",
            Action::Choose { .. } => "Use this account",
            Action::RefreshToken(_) => "Refresh",
            Action::SignOut(_) => "Sign out",
            Action::RefreshAll => "Refresh all",
            Action::FocusSearch => "Search",
            Action::SelectNext => "Next account",
            Action::SelectPrevious => "Previous account",
            Action::ClearSearch => "Clear the search",
            Action::ShowTab(tab) => tab.label(),
            Action::ApplySettings => "Apply settings",
            Action::ZoomIn => "Larger text",
            Action::ZoomOut => "Smaller text",
            Action::ZoomReset => "Normal text size",
            Action::CheckVault => "Check again",
            Action::Reload => "Reload",
            Action::DismissNotice => "Dismiss",
            Action::ConfirmLink(_) | Action::ConfirmHeldLaunch => "Launch",
            Action::DismissHeldLaunch => "Cancel",
            Action::DismissLink => "Cancel",
            Action::CopyLaunchLink(_) => "Copy launch link",
            Action::CopyShownLink(_) => "Copy",
            Action::ShowImport => "Import…",
            Action::PreviewImport => "Preview",
            Action::ImportFile => "Import",
            Action::CloseImport => "Close",
            Action::TryDemo => "Try the demo accounts",
            Action::ShowVaultHelp => "How to fix…",
            Action::CloseVaultHelp => "Close",
            Action::UseVaultFile => "Keep secrets in a file instead",
            Action::UnlockVault => "Unlock…",
            Action::SetUpVault => "Set a passphrase…",
            Action::LockVault => "Lock",
            Action::AnswerPassphrase(_) => "Unlock",
            Action::CreateVault(_) => "Create vault",
            Action::DeclinePassphrase(_) => "Cancel",
            Action::ToggleMark(_) => "Mark",
            Action::MarkRange(_) => "Mark to here",
            Action::MarkAllShown => "Select all shown",
            Action::ClearMarks => "Clear selection",
            Action::OpenBulk(kind) => kind.label(),
            Action::ApplyBulk => "Apply",
            Action::CloseBulk => "Cancel",
            Action::AskActivityExport => "Export CSV…",
            Action::ToggleGroup(_) => "Fold",
            Action::GroupBy(group_by) => group_by.label(),
            Action::ExportActivity => "Export",
            Action::CloseActivityExport => "Cancel",
            Action::Quit => "Quit",
        }
    }

    /// What it does, for the hover text (with its shortcut, where it has one).
    pub fn tooltip(&self) -> &'static str {
        match self {
            Action::Launch(_) | Action::LaunchSelected => {
                "Sign in and open the sign-on page in the browser"
            }
            Action::CopyLink(_) | Action::CopySelected => {
                "Copy a fresh one-time link; it is cleared from the clipboard when it expires"
            }
            Action::CancelLaunch(_) => "Stop waiting for the browser",
            Action::ToggleFavourite(_) => "Favourites come first in the list",
            Action::NewAccount => "Add a provider account",
            Action::DuplicateAccount(_) => "A new account with the same settings and secrets",
            Action::AskDelete(_) => "Delete the account and its keyring entries",
            Action::RefreshToken(_) => "Renew the session now",
            Action::SignOut(_) => "Sign out at the provider and forget the tokens",
            Action::RefreshAll => "Renew every session that has a refresh token, a few per second",
            Action::FocusSearch => "Find accounts by name, tag, provider or notes",
            Action::DiscoverServices => "Ask the gateway which services it offers",
            Action::CheckVault => "Ask the keyring again whether it answers",
            Action::UseVaultFile => {
                "Secrets go into one encrypted file (vault.age) that opens with a passphrase you choose"
            }
            Action::UnlockVault => "Give the vault file's passphrase now",
            Action::SetUpVault => "Choose the passphrase the vault file will be encrypted with",
            Action::LockVault => {
                "Forget the vault file's contents until its passphrase is given again"
            }
            Action::ShowImport => {
                "Add the accounts of a file exported with Export or `accounts export`"
            }
            Action::TryDemo => {
                "Opens a second window with demo accounts over a built-in sandbox; nothing leaves this computer"
            }
            Action::MarkAllShown => "Mark every account the search shows, for a bulk action",
            Action::AskActivityExport => {
                "The entries shown (filter and period), as a file a spreadsheet opens"
            }
            Action::CopyLaunchLink(_) => {
                "A link (sso-launcher://…) that opens this account from a wiki or a ticket, after asking"
            }
            _ => "",
        }
    }

    pub fn shortcut(&self) -> Option<KeyboardShortcut> {
        let key = |modifiers, key| Some(KeyboardShortcut::new(modifiers, key));
        match self {
            Action::FocusSearch => key(COMMAND, Key::K),
            Action::NewAccount => key(COMMAND, Key::N),
            Action::LaunchSelected => key(Modifiers::NONE, Key::Enter),
            Action::CopySelected => key(COMMAND, Key::Enter),
            Action::SelectNext => key(Modifiers::NONE, Key::ArrowDown),
            Action::SelectPrevious => key(Modifiers::NONE, Key::ArrowUp),
            Action::ClearSearch => key(Modifiers::NONE, Key::Escape),
            Action::ZoomIn => key(COMMAND, Key::Plus),
            Action::ZoomOut => key(COMMAND, Key::Minus),
            Action::ZoomReset => key(COMMAND, Key::Num0),
            Action::Quit => key(COMMAND, Key::Q),
            Action::MarkAllShown => key(COMMAND | Modifiers::SHIFT, Key::A),
            _ => None,
        }
    }

    /// The shortcuts that work anywhere in the window (the list keys only while no text field
    /// other than the search box has the keyboard).
    pub const GLOBAL: [Action; 6] = [
        Action::Quit,
        Action::FocusSearch,
        Action::NewAccount,
        Action::ZoomIn,
        Action::ZoomOut,
        Action::ZoomReset,
    ];
    pub const LIST_KEYS: [Action; 6] = [
        Action::MarkAllShown,
        Action::CopySelected,
        Action::LaunchSelected,
        Action::SelectNext,
        Action::SelectPrevious,
        Action::ClearSearch,
    ];

    /// Every key that does it: the shortcut shown, then its other spellings. Ctrl and +
    /// arrives as Plus (Ctrl+Shift+=, the keypad's +) or, without Shift, as Equals.
    pub fn shortcuts(&self) -> Vec<KeyboardShortcut> {
        let mut all: Vec<KeyboardShortcut> = self.shortcut().into_iter().collect();
        match self {
            Action::ZoomIn => all.push(KeyboardShortcut::new(COMMAND, Key::Equals)),
            Action::ZoomOut => all.push(KeyboardShortcut::new(COMMAND, Key::Minus)),
            _ => {}
        }
        all
    }

    /// The hover text with the shortcut appended.
    pub fn hover_text(&self, ctx: &egui::Context) -> String {
        match self.shortcut() {
            Some(shortcut) => format!("{} ({})", self.tooltip(), ctx.format_shortcut(&shortcut)),
            None => self.tooltip().to_string(),
        }
    }
}

/// The main action of a view (Launch, Save, New account): the same button, filled with the
/// accent colour so it reads first.
pub fn primary_button(
    ui: &mut egui::Ui,
    action: Action,
    name: Option<&str>,
    enabled: bool,
    actions: &mut Vec<Action>,
) -> egui::Response {
    let title = action.label();
    primary_button_titled(ui, action, title, name, enabled, actions)
}

/// [`primary_button`] with other words on it (Launch · production); its accessible name
/// stays the action's.
pub fn primary_button_titled(
    ui: &mut egui::Ui,
    action: Action,
    title: &str,
    name: Option<&str>,
    enabled: bool,
    actions: &mut Vec<Action>,
) -> egui::Response {
    let button = egui::Button::new(egui::RichText::new(title).strong())
        .fill(ui.visuals().selection.bg_fill)
        .min_size(egui::vec2(88.0, 0.0));
    finish_button(ui, button, action, name, enabled, actions)
}

/// A button for the action; `name` makes its accessible label unique ("Launch Acme").
pub fn action_button(
    ui: &mut egui::Ui,
    action: Action,
    name: Option<&str>,
    enabled: bool,
    actions: &mut Vec<Action>,
) -> egui::Response {
    let button = egui::Button::new(action.label());
    finish_button(ui, button, action, name, enabled, actions)
}

fn finish_button(
    ui: &mut egui::Ui,
    button: egui::Button<'_>,
    action: Action,
    name: Option<&str>,
    enabled: bool,
    actions: &mut Vec<Action>,
) -> egui::Response {
    let label = action.label();
    let accessible = match name {
        Some(name) => format!("{label} {name}"),
        None => label.to_string(),
    };
    let response = ui.add_enabled(enabled, button).accessible_name(accessible);
    let hover = action.hover_text(ui.ctx());
    let response = if hover.is_empty() {
        response
    } else {
        response.on_hover_text(hover)
    };
    if response.clicked() {
        actions.push(action);
    }
    response
}
