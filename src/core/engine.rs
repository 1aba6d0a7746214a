//! The engine: the core's services put together behind one object. Front ends hold one and
//! call it from a worker thread; it never touches a UI.

use std::sync::Arc;
use std::time::Duration;

use crate::core::account::{Account, AccountId, ProviderId};
use crate::core::account_changes::AccountBook;
use crate::core::audit::{AuditLog, Via};
use crate::core::audit_actions::ActionAudit;
use crate::core::clock::{Clock, SystemClock};
use crate::core::credential_book::CredentialBook;
use crate::core::discovery::discover_services;
pub use crate::core::engine_error::EngineError;
use crate::core::http::{HttpClient, HttpOptions};
use crate::core::launch::{CheckReport, LaunchOutcome, LaunchStep, LaunchTarget, Launcher};
use crate::core::paths::AppPaths;
use crate::core::provider::discovery::DiscoveredChoice;
use crate::core::provider::{AccountChooser, SessionToken};
use crate::core::sessions::{LogoutReport, SessionParts, Sessions, TokenOutcome};
use crate::core::sign_in::SignIns;
pub use crate::core::sign_in::{BrowserWait, Notice};
use crate::core::store::accounts::AccountStore;
use crate::core::store::credentials::CredentialStore;
use crate::core::store::remembered::RememberedStore;
use crate::core::store::settings::{LiveSettings, Settings};
use crate::core::store::settings_change::SettingsChange;
use crate::core::store::vault::SecretVault;
use crate::core::store::vault_choice::{SwitchableVault, VaultSelection};
use crate::core::store::vault_prompt::PassphraseRelay;
use crate::core::team::TeamList;
use crate::core::tokens::{LockWait, TokenCache};

/// The longest ticket reference kept (INC-123, a URL to the ticket ...).
pub const MAX_TICKET_CHARS: usize = 200;

/// How to build an engine.
pub struct EngineOptions {
    pub paths: AppPaths,
    pub vault: Arc<dyn SecretVault>,
    /// How the vault was chosen (`None`: given directly, as tests and the demo do).
    pub vault_selection: Option<VaultSelection>,
    /// Where a vault file made for the window asks for its passphrase (the worker answers).
    pub passphrase_relay: Arc<PassphraseRelay>,
    /// Overrides `http_timeout_seconds` from settings.toml.
    pub http_timeout: Option<Duration>,
    /// Overrides every account's and the settings' browser command (`--browser`).
    pub browser_override: Option<String>,
    pub clock: Arc<dyn Clock>,
    /// Tells the user something mid-flow (a sign-in link to open by hand ...).
    pub notice: Notice,
    /// Asks the user to choose when a sign-in matches several accounts (AGS); without one,
    /// such a sign-in ends with the list of choices.
    pub chooser: Option<Arc<dyn AccountChooser>>,
    /// Told when a browser sign-in of an account starts waiting (`true`) and stops (`false`),
    /// so a front end can offer Cancel.
    pub browser_wait: BrowserWait,
    /// Which front end this engine serves: recorded in the audit log, and named to another
    /// process waiting for an account this one is signing in to.
    pub via: Via,
    /// A demo over throwaway folders: nothing of it may outlive it (no autostart entry).
    pub demo: bool,
}

impl EngineOptions {
    pub fn new(paths: AppPaths, vault: Arc<dyn SecretVault>) -> Self {
        Self {
            paths,
            vault,
            vault_selection: None,
            passphrase_relay: PassphraseRelay::new(),
            http_timeout: None,
            browser_override: None,
            clock: Arc::new(SystemClock),
            notice: Arc::new(|message| tracing::warn!("{message}")),
            chooser: None,
            browser_wait: Arc::new(|_, _| {}),
            via: Via::Cli,
            demo: false,
        }
    }
}

/// The core, put together from small services, each with its own state: the accounts, the
/// sessions, the sign-ins waiting for a browser, and the launcher. Front ends hold one and
/// call it from a worker thread; it never touches a UI.
pub struct Engine {
    paths: AppPaths,
    settings: LiveSettings,
    vault: Arc<dyn SecretVault>,
    vault_switch: Arc<SwitchableVault>,
    vault_selection: Option<VaultSelection>,
    passphrase_relay: Arc<PassphraseRelay>,
    clock: Arc<dyn Clock>,
    /// A demo over throwaway folders: nothing of it may outlive it (no autostart entry).
    demo: bool,
    audit: Arc<ActionAudit>,
    accounts: AccountBook,
    credentials: CredentialBook,
    sessions: Arc<Sessions>,
    sign_ins: Arc<SignIns>,
    launcher: Launcher,
    team: TeamList,
}

impl Engine {
    pub fn open(options: EngineOptions) -> Result<Self, EngineError> {
        let settings = Settings::load(&options.paths.settings_file())?;
        let http = HttpClient::new(HttpOptions {
            timeout: options
                .http_timeout
                .unwrap_or_else(|| settings.http_timeout()),
            ca_file: settings.ca_file.clone(),
            ..HttpOptions::default()
        })?;
        let http = ProviderId::all()
            .map(|provider| (provider, http.for_service(provider.display_name())))
            .collect();
        let vault_switch = Arc::new(SwitchableVault::new(options.vault));
        let vault: Arc<dyn SecretVault> = vault_switch.clone();
        let clock = options.clock;
        let tokens = TokenCache::new(vault.clone(), clock.clone(), options.paths.locks_dir());
        let notice = options.notice.clone();
        tokens.set_lock_wait(LockWait {
            limit: settings.lock_wait(),
            holder: options.via.holder_label(),
            on_wait: Arc::new(move |message| notice(message)),
        });
        let audit = Arc::new(ActionAudit::new(
            settings.audit_log(options.paths.audit_file()),
            clock.clone(),
            options.via,
        ));
        let settings = LiveSettings::new(settings);
        let sign_ins = Arc::new(SignIns::new(
            settings.clone(),
            options.browser_override,
            options.notice,
            options.browser_wait,
        ));
        let remembered = RememberedStore::new(options.paths.remembered_dir());
        let credentials = CredentialStore::new(options.paths.credentials_file());
        let sessions = Arc::new(Sessions::new(SessionParts {
            tokens,
            credentials: credentials.clone(),
            http,
            vault: vault.clone(),
            remembered: remembered.clone(),
            clock: clock.clone(),
            chooser: options.chooser,
            sign_ins: sign_ins.clone(),
            audit: audit.clone(),
        }));
        Ok(Self {
            accounts: AccountBook::new(
                AccountStore::new(options.paths.accounts_file()),
                credentials.clone(),
                vault.clone(),
                remembered,
                sessions.clone(),
                clock.clone(),
            ),
            credentials: CredentialBook::new(
                credentials,
                AccountStore::new(options.paths.accounts_file()),
                vault.clone(),
                sessions.clone(),
            ),
            launcher: Launcher::new(sessions.clone(), sign_ins.clone(), audit.clone()),
            team: TeamList::default(),
            sessions,
            sign_ins,
            audit,
            demo: options.demo,
            paths: options.paths,
            settings,
            vault,
            vault_switch,
            vault_selection: options.vault_selection,
            passphrase_relay: options.passphrase_relay,
            clock,
        })
    }

    pub fn paths(&self) -> &AppPaths {
        &self.paths
    }

    /// A copy of the current settings.
    pub fn settings(&self) -> Settings {
        self.settings.get()
    }

    /// Writes what the user changed into settings.toml (only those keys, over the file as it
    /// is now) and uses the result. Blocks on the disk. The HTTP timeout and CA file take
    /// effect at the next start: the HTTP client is built once.
    pub fn change_settings(&self, change: &SettingsChange) -> Result<Settings, EngineError> {
        if self.demo && change.touches("autostart") {
            return Err(EngineError::DemoOnly(
                "the demo cannot start at login: its folders are thrown away when it ends",
            ));
        }
        // The login entry first: a setting that says "autostart" with no entry would lie.
        let autostart = change
            .touches("autostart")
            .then(|| change.applied_to(&self.settings()).autostart);
        if let Some(wanted) = autostart {
            crate::core::autostart::apply(wanted, &self.paths).map_err(EngineError::Autostart)?;
        }
        let settings = match change.apply(&self.paths.settings_file()) {
            Ok(settings) => settings,
            Err(err) => {
                if let Some(wanted) = autostart
                    && let Err(undo) = crate::core::autostart::apply(!wanted, &self.paths)
                {
                    tracing::warn!("could not undo the autostart entry: {undo}");
                }
                return Err(err.into());
            }
        };
        self.use_settings(settings.clone());
        Ok(settings)
    }

    /// Reads settings.toml again (it changed on disk); a broken file keeps the settings in
    /// use and is reported.
    pub fn reload_settings(&self) -> Result<Settings, EngineError> {
        let settings = Settings::load(&self.paths.settings_file())?;
        self.use_settings(settings.clone());
        Ok(settings)
    }

    fn use_settings(&self, settings: Settings) {
        self.sessions.set_lock_wait_limit(settings.lock_wait());
        self.settings.replace(settings);
    }

    /// The time by the engine's clock.
    pub fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }

    /// The audit log this engine writes.
    pub fn audit_log(&self) -> &AuditLog {
        self.audit.log()
    }

    pub fn vault(&self) -> &Arc<dyn SecretVault> {
        &self.vault
    }

    /// How the vault in use was chosen, when the front end chose it from flags and settings.
    pub fn vault_selection(&self) -> Option<&VaultSelection> {
        self.vault_selection.as_ref()
    }

    /// Where vault files this engine opens ask for their passphrase.
    pub fn passphrase_relay(&self) -> &Arc<PassphraseRelay> {
        &self.passphrase_relay
    }

    /// Uses `vault` from now on (the window's switch from a failing keyring to a vault file).
    pub fn switch_vault(&self, vault: Arc<dyn SecretVault>) {
        self.vault_switch.switch_to(vault);
    }

    /// See [`Launcher::launch`]; `ticket` is the operator's ticket reference (required when
    /// `require_ticket` is on).
    pub async fn launch(
        &self,
        account: &Account,
        target: LaunchTarget,
        via: Via,
        ticket: Option<&str>,
        on_step: &(dyn Fn(LaunchStep) + Send + Sync),
    ) -> Result<LaunchOutcome, EngineError> {
        let ticket = self.ticket_for(ticket)?;
        let account = &self.sessions.resolve(account)?;
        self.launcher
            .launch(account, target, via, ticket.as_deref(), on_step)
            .await
    }

    /// See [`Launcher::check`].
    pub async fn check(&self, account: &Account) -> Result<CheckReport, EngineError> {
        self.launcher.check(&self.sessions.resolve(account)?).await
    }

    /// See [`Sessions::token`].
    pub async fn token(&self, account: &Account) -> Result<TokenOutcome, EngineError> {
        self.sessions.token(&self.sessions.resolve(account)?).await
    }

    /// See [`Sessions::login`]; a ticket as for [`Engine::launch`].
    pub async fn login(
        &self,
        account: &Account,
        ticket: Option<&str>,
    ) -> Result<TokenOutcome, EngineError> {
        let ticket = self.ticket_for(ticket)?;
        let account = &self.sessions.resolve(account)?;
        self.sessions.login(account, ticket.as_deref()).await
    }

    /// The ticket reference, checked: required when `require_ticket` is on, and one short
    /// line of printable text.
    fn ticket_for(&self, ticket: Option<&str>) -> Result<Option<String>, EngineError> {
        let ticket = ticket.map(str::trim).filter(|ticket| !ticket.is_empty());
        match ticket {
            None if self.settings.get().require_ticket => Err(EngineError::TicketRequired),
            Some(ticket) if ticket.chars().count() > MAX_TICKET_CHARS => Err(EngineError::Usage(
                format!("the ticket reference is longer than {MAX_TICKET_CHARS} characters"),
            )),
            Some(ticket) if ticket.chars().any(char::is_control) => Err(EngineError::Usage(
                "the ticket reference holds a control character".into(),
            )),
            ticket => Ok(ticket.map(str::to_string)),
        }
    }

    /// See [`Sessions::logout`].
    pub async fn logout(&self, account: &Account) -> Result<LogoutReport, EngineError> {
        self.sessions.logout(&self.sessions.resolve(account)?).await
    }

    /// See [`Sessions::renew`].
    pub async fn renew(
        &self,
        account: &Account,
        interactive: bool,
    ) -> Result<TokenOutcome, EngineError> {
        let account = &self.sessions.resolve(account)?;
        self.sessions.renew(account, interactive).await
    }

    /// See [`Sessions::held_session`].
    pub async fn held_session(
        &self,
        account: &Account,
    ) -> Result<Option<SessionToken>, EngineError> {
        self.sessions
            .held_session(&self.sessions.resolve(account)?)
            .await
    }

    /// Cancels the account's waiting browser sign-in, if any. Returns whether one was waiting.
    pub fn cancel_sign_in(&self, account: AccountId) -> bool {
        self.sign_ins.cancel(account)
    }

    /// The choices the server named by the account's settings offers (the account need not
    /// be saved, nor have its choice made yet).
    pub async fn discover_services(
        &self,
        account: &Account,
    ) -> Result<Vec<DiscoveredChoice>, EngineError> {
        discover_services(self.sessions.context(account.provider), account).await
    }
}

// The accounts, credential sets, the team list and imports, in a file of their own.
#[path = "engine_accounts.rs"]
mod accounts_api;

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
