//! The only API the window and the tray use: they send [`Command`]s and fold [`Event`]s.
//! Everything that can block (HTTP, the keyring, the clipboard, the disk) happens on the
//! worker ([`crate::core::worker`]); events carry plain data and never a secret's value.

use std::time::Duration;

use time::OffsetDateTime;

use crate::core::account::{Account, AccountId};
use crate::core::account_changes::AccountEdit;
use crate::core::audit::AuditRecord;
pub use crate::core::audit::Via;
use crate::core::credentials::CredentialSet;
use crate::core::error::{ErrorKind, Remedy, UserFacing};
use crate::core::launch::LaunchStep;
use crate::core::launch::LaunchTarget;
use crate::core::provider::discovery::DiscoveredChoice;
use crate::core::secret::SecretString;
use crate::core::store::settings::Settings;
use crate::core::store::settings_change::SettingsChange;
use crate::core::store::vault::{LockState, VaultBackend};
use crate::core::store::vault_choice::ChosenBy;
pub use crate::core::store::vault_prompt::PassphraseQuestion;
use crate::core::transfer_plan::OnConflict;

/// What a front end asks the worker to do.
#[derive(Debug)]
pub enum Command {
    /// Reload accounts, settings, token status and the activity log from disk and vault.
    Reload,
    /// What importing the file would do (nothing is written).
    PreviewImport {
        path: std::path::PathBuf,
    },
    /// Add the accounts of an export file or onboarding CSV (all or none); those here already
    /// as `on_conflict` says.
    ImportAccounts {
        path: std::path::PathBuf,
        on_conflict: OnConflict,
    },
    /// Launch the account: open its sign-on page, or copy the one-time link.
    Launch {
        account: AccountId,
        target: LaunchTarget,
        /// Where the user asked for it (audited; the tray, quick launch and links notify).
        via: Via,
        /// The operator's ticket reference, audited with it.
        ticket: Option<String>,
    },
    /// Stop waiting for the account's browser sign-in.
    CancelLaunch {
        account: AccountId,
    },
    /// The answer to [`Event::ChoiceNeeded`]; `None` declines.
    Choose {
        request: u64,
        choice: Option<usize>,
    },
    /// Save a new account with its secrets.
    AddAccount {
        /// For a duplicate: the account whose secrets fill in those not given.
        copy_secrets_from: Option<AccountId>,
        account: Account,
        secrets: Vec<(String, SecretString)>,
    },
    /// Change an account: only what the user changed, applied over the account as it is
    /// saved now (so a change made meanwhile elsewhere is kept). The secrets given are set;
    /// those left out keep what the vault holds.
    EditAccount {
        account: AccountId,
        edit: AccountEdit,
        secrets: Vec<(String, SecretString)>,
    },
    /// Delete the account, its secrets and its cached tokens.
    DeleteAccount {
        account: AccountId,
    },
    /// One change to many accounts (the window's bulk actions), all or none.
    ChangeAccounts {
        accounts: Vec<AccountId>,
        change: crate::core::account_bulk::BulkChange,
    },
    DeleteAccounts {
        accounts: Vec<AccountId>,
    },
    /// Writes `text` (an export the window made: the activity as CSV) to `path`.
    WriteExport {
        path: std::path::PathBuf,
        text: String,
    },
    /// Writes these accounts (never secrets) as an export file; the format from its extension.
    ExportAccounts {
        accounts: Vec<AccountId>,
        path: std::path::PathBuf,
    },
    /// Mark or unmark a favourite.
    SetFavourite {
        account: AccountId,
        favourite: bool,
    },
    /// Which of the account's secrets the vault holds (for the editor).
    LoadSecretStatus {
        account: AccountId,
    },
    /// Ask an AGS gateway for its services (for the editor); the account need not be saved.
    Discover {
        request: u64,
        account: Account,
    },
    /// Renew the account's session now (refresh, else sign in).
    RefreshToken {
        account: AccountId,
    },
    /// Renew every held session, at most `per_second` sign-ins a second.
    RefreshAll {
        per_second: u32,
    },
    /// Sign out at the provider and forget the account's tokens.
    SignOut {
        account: AccountId,
    },
    /// Check that the vault answers.
    CheckVault,
    /// Open a locked vault file (its passphrase is asked with [`Event::PassphraseNeeded`]).
    UnlockVault,
    /// Forget an unlocked vault file's contents now.
    LockVault,
    /// Keep secrets in the vault file from now on (settings.toml's `vault = "file"`): the
    /// guided fix when the keyring does not answer.
    UseVaultFile,
    /// The answer to [`Event::PassphraseNeeded`]; `None` declines.
    AnswerPassphrase {
        request: u64,
        passphrase: Option<SecretString>,
    },
    /// Write the settings the user changed (only those keys).
    ChangeSettings(SettingsChange),
    /// Copy a link the window shows (no browser could open it), cleared from the clipboard
    /// like a launch's copied link.
    CopyShownLink {
        account: AccountId,
        link: ShownLink,
    },
}

/// What the worker tells front ends.
#[derive(Debug)]
pub enum Event {
    /// The worker could not start (config unreadable, sandbox failed ...).
    StartFailed(Failure),
    /// The whole account list, after a load or any change.
    Accounts(Vec<Account>),
    /// The account file could not be read; nothing was changed or overwritten.
    AccountsFailed(Failure),
    /// A bulk action is done: what it did, or why it did nothing.
    BulkDone(Result<String, Failure>),
    /// A file the window asked for was written (what and where), or why not.
    ExportWritten(Result<String, Failure>),
    /// The saved credential sets (sent with the account list).
    CredentialSets(Vec<CredentialSet>),
    /// The team list beside the personal one (sent with it, and when its file changes).
    Team(crate::core::team::TeamView),
    /// When each account was last launched (from the audit log), newest information wins.
    LastLaunched(Vec<(AccountId, OffsetDateTime)>),
    Settings(Settings),
    /// What is known about some accounts' sessions (sent in batches).
    Tokens(Vec<(AccountId, TokenStatus)>),
    /// A launch began (from any front end of this worker).
    LaunchStarted {
        account: AccountId,
        target: LaunchTarget,
        via: Via,
    },
    /// A launch started a step.
    LaunchStep {
        account: AccountId,
        step: LaunchStep,
    },
    /// A browser sign-in is waiting for the browser to come back (`false`: no longer).
    WaitingForBrowser {
        account: AccountId,
        waiting: bool,
    },
    /// A launch ended.
    LaunchFinished {
        account: AccountId,
        via: Via,
        result: Result<LaunchReport, Failure>,
    },
    /// A sign-in matched several accounts (AGS 300): answer with [`Command::Choose`].
    ChoiceNeeded {
        request: u64,
        account: String,
        choices: Vec<String>,
    },
    /// The passphrase given opened the vault file.
    VaultOpened,
    /// A link is on the clipboard until then (and then cleared, if still there).
    LinkOnClipboard {
        account: AccountId,
        until: OffsetDateTime,
    },
    /// The vault file needs its passphrase: answer with [`Command::AnswerPassphrase`].
    PassphraseNeeded {
        request: u64,
        question: PassphraseQuestion,
    },
    /// The link copied by a launch left the clipboard.
    ClipboardCleared {
        account: AccountId,
        /// `true`: cleared at expiry; `false`: something else was copied meanwhile.
        at_expiry: bool,
    },
    /// An account was saved (`created`: it is new).
    Saved {
        account: Account,
        created: bool,
    },
    SaveFailed(Failure),
    Deleted {
        account: AccountId,
        name: String,
    },
    SecretStatus {
        account: AccountId,
        stored: Vec<(String, bool)>,
    },
    Discovered {
        request: u64,
        result: Result<Vec<DiscoveredChoice>, Failure>,
    },
    /// A token action (refresh, sign out) ended; the new status follows as [`Event::Tokens`].
    TokenAction {
        account: AccountId,
        action: &'static str,
        result: Result<String, Failure>,
    },
    /// Progress of [`Command::RefreshAll`].
    RefreshAllProgress {
        done: usize,
        total: usize,
    },
    /// New lines of the audit log, oldest first.
    Activity(Vec<AuditRecord>),
    Vault(VaultStatus),
    /// Something to tell the user mid-flow (a sign-in link to open by hand ...).
    Notice(String),
    /// Something that failed outside any one view's request, to tell the user.
    Trouble(Failure),
    /// What an import did: the names added, or why nothing was.
    Imported(Result<Vec<String>, Failure>),
    /// What an import would do, for the dialog to show before it is confirmed.
    ImportPreviewed(Result<crate::core::transfer_plan::ImportPreview, Failure>),
    SettingsSaved(Result<(), Failure>),
}

/// A one-time link shown to the user because no browser could open it. `Debug` redacts it;
/// only the window's label and its Copy (through the worker, cleared later) read it.
#[derive(Clone)]
pub struct ShownLink(SecretString);

impl ShownLink {
    pub fn new(link: impl Into<String>) -> Self {
        Self(SecretString::new(link))
    }

    /// The link, to show on screen or put on the clipboard.
    pub fn reveal(&self) -> &str {
        self.0.expose_secret()
    }
}

impl std::fmt::Debug for ShownLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ShownLink([redacted])")
    }
}

impl PartialEq for ShownLink {
    fn eq(&self, other: &Self) -> bool {
        crate::core::secret::constant_time_eq(self.reveal().as_bytes(), other.reveal().as_bytes())
    }
}

impl Eq for ShownLink {}

/// What a finished launch did, for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchReport {
    /// One sentence: "Opened in the system browser", "Link copied" ...
    pub summary: String,
    /// The link, when it could not be opened and must be shown instead (a one-time URL the
    /// user asked for; never logged).
    pub shown_link: Option<ShownLink>,
    /// Labelled facts (signed-in user, license key ...), in order.
    pub facts: Vec<(String, String)>,
    /// Until when a copied link is on the clipboard.
    pub copied_until: Option<OffsetDateTime>,
}

/// An account's session as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenStatus {
    /// Nothing held: the next launch signs in.
    NeedsSignIn,
    /// A session is held.
    Held {
        scheme: String,
        expires_at: OffsetDateTime,
        refreshable: bool,
    },
    /// This provider holds no session (a browser round trip each time).
    NoSession,
    /// The last attempt failed.
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultStatus {
    pub backend: VaultBackend,
    /// The vault file, for a file vault.
    pub location: Option<std::path::PathBuf>,
    pub lock: LockState,
    /// What chose this vault (`None`: the front end was given it).
    pub chosen_by: Option<ChosenBy>,
    /// `Err`: what is wrong, with the fix.
    pub health: Result<(), Failure>,
}

/// An error as a person reads it: what happened, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: ErrorKind,
    pub message: String,
    /// What to do about it; the window words it (`gui/remedies.rs`).
    pub remedy: Option<Remedy>,
}

impl Failure {
    pub fn from_error(err: &(impl UserFacing + ?Sized)) -> Self {
        Self {
            kind: err.kind(),
            message: crate::core::error::sentence(&err.to_string()),
            remedy: err.remedy(),
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Internal,
            message: message.into(),
            remedy: None,
        }
    }
}

/// Time left until `until`, for countdowns (zero once passed).
pub fn remaining(until: OffsetDateTime, now: OffsetDateTime) -> Duration {
    (until - now).try_into().unwrap_or(Duration::ZERO)
}
