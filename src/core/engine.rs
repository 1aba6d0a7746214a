//! The engine: one object that owns the store, the vault, the HTTP client and the caches.
//! Front ends hold one and call it from a worker thread; it never touches a UI.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::core::account::{Account, AccountId, ProviderId};
use crate::core::audit::{AuditLog, Via};
use crate::core::browser::BrowserError;
use crate::core::clock::{Clock, SystemClock};
use crate::core::error::{ErrorKind, UserFacing};
use crate::core::http::{HttpClient, HttpError, HttpOptions};
use crate::core::paths::AppPaths;
use crate::core::provider::{AccountChooser, ProviderError};
use crate::core::store::StoreError;
use crate::core::store::accounts::{AccountStore, find_account};
use crate::core::store::remembered::RememberedStore;
use crate::core::store::settings::Settings;
use crate::core::store::settings_change::SettingsChange;
use crate::core::store::vault::{SecretVault, VaultError};
use crate::core::store::vault_choice::{SwitchableVault, VaultSelection};
use crate::core::store::vault_prompt::PassphraseRelay;
use crate::core::tokens::{LockWait, TokenCache};

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

/// A front end's way of showing the user a message while a command runs.
pub type Notice = Arc<dyn Fn(&str) + Send + Sync>;
/// See [`EngineOptions::browser_wait`].
pub type BrowserWait = Arc<dyn Fn(AccountId, bool) + Send + Sync>;

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

pub struct Engine {
    pub(crate) paths: AppPaths,
    /// Swapped whole by [`Engine::update_settings`]; read per use, never held across I/O.
    pub(crate) settings: std::sync::RwLock<Settings>,
    pub(crate) store: AccountStore,
    pub(crate) vault: Arc<dyn SecretVault>,
    vault_switch: Arc<SwitchableVault>,
    vault_selection: Option<VaultSelection>,
    passphrase_relay: Arc<PassphraseRelay>,
    /// One client per provider, each naming its provider in its errors.
    pub(crate) http: BTreeMap<ProviderId, HttpClient>,
    pub(crate) tokens: TokenCache,
    pub(crate) audit: AuditLog,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) browser_override: Option<String>,
    pub(crate) notice: Notice,
    pub(crate) chooser: Option<Arc<dyn AccountChooser>>,
    pub(crate) browser_wait: BrowserWait,
    pub(crate) origin: Via,
    pub(crate) demo: bool,
    pub(crate) remembered: RememberedStore,
    /// The browser sign-in waiting for each account, so a newer one can cancel it.
    pub(crate) sign_ins: std::sync::Mutex<
        std::collections::HashMap<
            crate::core::account::AccountId,
            crate::core::loopback::CancelHandle,
        >,
    >,
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
        Ok(Self {
            store: AccountStore::new(options.paths.accounts_file()),
            remembered: RememberedStore::new(options.paths.remembered_dir()),
            audit: settings.audit_log(options.paths.audit_file()),
            tokens: {
                let tokens = TokenCache::new(
                    vault.clone(),
                    options.clock.clone(),
                    options.paths.locks_dir(),
                );
                let notice = options.notice.clone();
                tokens.set_lock_wait(LockWait {
                    limit: settings.lock_wait(),
                    holder: options.via.holder_label(),
                    on_wait: Arc::new(move |message| notice(message)),
                });
                tokens
            },
            origin: options.via,
            demo: options.demo,
            paths: options.paths,
            settings: std::sync::RwLock::new(settings),
            vault,
            vault_switch,
            vault_selection: options.vault_selection,
            passphrase_relay: options.passphrase_relay,
            http,
            clock: options.clock,
            browser_override: options.browser_override,
            notice: options.notice,
            chooser: options.chooser,
            browser_wait: options.browser_wait,
            sign_ins: Default::default(),
        })
    }

    pub fn paths(&self) -> &AppPaths {
        &self.paths
    }

    /// A copy of the current settings.
    pub fn settings(&self) -> Settings {
        self.settings.read().expect("settings lock").clone()
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
        self.tokens.set_lock_wait_limit(settings.lock_wait());
        *self.settings.write().expect("settings lock") = settings;
    }

    /// How this engine's actions reach the audit log when no other way is named.
    pub fn origin(&self) -> Via {
        self.origin
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

    pub fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.store.load()
    }

    pub fn find_account(&self, query: &str) -> Result<Account, StoreError> {
        find_account(&self.store.load()?, query).cloned()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Browser(#[from] BrowserError),
    /// The account's lock file could not be taken.
    #[error("could not take the lock file {}: {source}", path.display())]
    Lock {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    /// Another process kept signing in to the account longer than `lock_wait_seconds`.
    #[error("{0}")]
    LockBusy(String),
    /// Something the demo cannot do (it keeps nothing).
    #[error("{0}")]
    DemoOnly(&'static str),
    /// The login autostart entry could not be written or removed.
    #[error("could not change the autostart entry: {0}")]
    Autostart(std::io::Error),
    /// A request that makes no sense (unknown setting, a secret given as a setting ...).
    #[error("{0}")]
    Usage(String),
    /// An import file that cannot be used; nothing was changed.
    #[error("{0}")]
    Import(String),
    /// Accounts of an import file are here already (same id or name); nothing was changed.
    #[error("{} of the file's accounts are here already: {}; nothing was imported", .0.len(), .0.join("; "))]
    ImportClash(Vec<String>),
}

impl UserFacing for EngineError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Store(err) => err.kind(),
            Self::Vault(err) => err.kind(),
            Self::Provider(err) => err.kind(),
            Self::Http(err) => err.kind(),
            Self::Browser(err) => err.kind(),
            Self::Lock { .. } | Self::Autostart(_) => ErrorKind::Internal,
            Self::LockBusy(_) => ErrorKind::Network,
            Self::Usage(_) | Self::DemoOnly(_) => ErrorKind::Usage,
            Self::Import(_) | Self::ImportClash(_) => ErrorKind::Config,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            Self::Store(err) => err.hint(),
            Self::Vault(err) => err.hint(),
            Self::Provider(err) => err.hint(),
            Self::Http(err) => err.hint(),
            Self::Browser(err) => err.hint(),
            Self::Lock { .. } => Some("Check that the data folder is writable.".into()),
            Self::LockBusy(_) => Some("Finish or cancel that sign-in, then try again (lock_wait_seconds in settings.toml sets how long to wait).".into()),
            Self::Autostart(_) => Some("Check that ~/.config/autostart can be written.".into()),
            Self::DemoOnly(_) => Some("Start sso-launcher without the demo for that.".into()),
            Self::Usage(_) => Some("See `sso-launcher accounts add --help`.".into()),
            Self::Import(_) => Some("Nothing was imported; fix the file and try again.".into()),
            Self::ImportClash(_) => Some("Those accounts were probably imported before. To add the others, delete those accounts from the file (they stay as they are here), or rename them in the file and delete their \"id\" lines to import them as new accounts.".into()),
        }
    }

    fn window_hint(&self) -> Option<String> {
        match self {
            Self::Store(err) => err.window_hint(),
            Self::Vault(err) => err.window_hint(),
            Self::Provider(err) => err.window_hint(),
            Self::Http(err) => err.window_hint(),
            Self::Browser(err) => err.window_hint(),
            Self::Usage(_) => Some("Check the account's settings in its editor (Edit).".into()),
            Self::LockBusy(_) => Some("Finish or cancel that sign-in, then launch again.".into()),
            Self::Lock { .. }
            | Self::Import(_)
            | Self::ImportClash(_)
            | Self::Autostart(_)
            | Self::DemoOnly(_) => self.hint(),
        }
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
