//! The engine: one object that owns the store, the vault, the HTTP client and the caches.
//! Front ends hold one and call it from a worker thread; it never touches a UI.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::core::account::{Account, AccountId, ProviderKind};
use crate::core::audit::AuditLog;
use crate::core::browser::BrowserError;
use crate::core::clock::{Clock, SystemClock};
use crate::core::error::{ErrorKind, UserFacing};
use crate::core::http::{HttpClient, HttpError, HttpOptions};
use crate::core::paths::AppPaths;
use crate::core::provider::{AccountChooser, COMMON_SETTINGS, ProviderError, require_provider};
use crate::core::secret::SecretString;
use crate::core::store::StoreError;
use crate::core::store::accounts::{AccountStore, find_account, find_account_index};
use crate::core::store::remembered::RememberedStore;
use crate::core::store::settings::Settings;
use crate::core::store::vault::{SecretKey, SecretVault, VaultError};
use crate::core::tokens::{SESSION_SLOT, TokenCache};

/// How to build an engine.
pub struct EngineOptions {
    pub paths: AppPaths,
    pub vault: Arc<dyn SecretVault>,
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
            http_timeout: None,
            browser_override: None,
            clock: Arc::new(SystemClock),
            notice: Arc::new(|message| tracing::warn!("{message}")),
            chooser: None,
            browser_wait: Arc::new(|_, _| {}),
        }
    }
}

pub struct Engine {
    pub(crate) paths: AppPaths,
    /// Swapped whole by [`Engine::update_settings`]; read per use, never held across I/O.
    pub(crate) settings: std::sync::RwLock<Settings>,
    pub(crate) store: AccountStore,
    pub(crate) vault: Arc<dyn SecretVault>,
    pub(crate) http: HttpClient,
    pub(crate) tokens: TokenCache,
    pub(crate) audit: AuditLog,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) browser_override: Option<String>,
    pub(crate) notice: Notice,
    pub(crate) chooser: Option<Arc<dyn AccountChooser>>,
    pub(crate) browser_wait: BrowserWait,
    pub(crate) remembered: RememberedStore,
    /// The browser sign-in waiting for each account, so a newer one can cancel it.
    pub(crate) sign_ins: std::sync::Mutex<
        std::collections::HashMap<
            crate::core::account::AccountId,
            crate::core::loopback::CancelHandle,
        >,
    >,
}

/// Changes to an account, as `accounts edit` or an editor form sends them.
#[derive(Debug, Default)]
pub struct AccountEdit {
    pub rename: Option<String>,
    pub set: BTreeMap<String, String>,
    pub unset: Vec<String>,
    /// Replaces the tags when given.
    pub tags: Option<Vec<String>>,
    pub favourite: Option<bool>,
    pub notes: Option<String>,
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
        Ok(Self {
            store: AccountStore::new(options.paths.accounts_file()),
            remembered: RememberedStore::new(options.paths.remembered_dir()),
            audit: AuditLog::new(options.paths.audit_file()),
            tokens: TokenCache::new(
                options.vault.clone(),
                options.clock.clone(),
                options.paths.locks_dir(),
            ),
            paths: options.paths,
            settings: std::sync::RwLock::new(settings),
            vault: options.vault,
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

    /// Checks and saves new settings (atomically), then uses them. The HTTP timeout and CA
    /// file take effect at the next start: the HTTP client is built once.
    pub fn update_settings(&self, settings: Settings) -> Result<(), EngineError> {
        settings.check().map_err(EngineError::Usage)?;
        settings.save(&self.paths.settings_file())?;
        *self.settings.write().expect("settings lock") = settings;
        Ok(())
    }

    pub fn vault(&self) -> &Arc<dyn SecretVault> {
        &self.vault
    }

    pub fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.store.load()
    }

    pub fn find_account(&self, query: &str) -> Result<Account, StoreError> {
        find_account(&self.store.load()?, query).cloned()
    }

    /// Which of the account's secrets are set (names only). Blocks on the vault.
    pub fn secret_status(
        &self,
        account: &Account,
    ) -> Result<Vec<(&'static str, bool)>, EngineError> {
        require_provider(account.provider)
            .spec()
            .secrets
            .iter()
            .map(|spec| {
                let set = self
                    .vault
                    .get(&SecretKey::new(account.id, spec.name))?
                    .is_some();
                Ok((spec.name, set))
            })
            .collect()
    }

    /// Saves a new account and its secrets: vault first, then the file; a failure undoes both.
    pub fn add_account(
        &self,
        account: Account,
        secrets: Vec<(String, SecretString)>,
    ) -> Result<Account, EngineError> {
        check_account(&account)?;
        check_secret_names(account.provider, &secrets)?;
        let changes = secrets
            .into_iter()
            .map(|(name, value)| (name, Some(value)))
            .collect();
        let saved = account.clone();
        self.with_vault_changes(account.id, changes, || {
            self.store.update(|accounts| {
                if accounts
                    .iter()
                    .any(|other| other.name.eq_ignore_ascii_case(&account.name))
                {
                    return Err(StoreError::NameTaken(account.name.clone()));
                }
                accounts.push(account);
                Ok(())
            })
        })?;
        Ok(saved)
    }

    /// Applies an edit and new secrets. A changed setting or secret drops the cached session.
    pub async fn edit_account(
        &self,
        query: &str,
        edit: AccountEdit,
        secrets: Vec<(String, SecretString)>,
    ) -> Result<Account, EngineError> {
        let current = self.find_account(query)?;
        check_secret_names(current.provider, &secrets)?;
        let mut updated = current.clone();
        if let Some(name) = &edit.rename {
            updated.name = name.trim().to_string();
        }
        for key in &edit.unset {
            if updated.settings.remove(key).is_none() {
                return Err(EngineError::Usage(format!(
                    "'{}' has no setting '{key}' to unset",
                    current.name
                )));
            }
        }
        updated.settings.extend(edit.set.clone());
        if let Some(tags) = edit.tags {
            updated.tags = tags;
        }
        if let Some(favourite) = edit.favourite {
            updated.favourite = favourite;
        }
        if let Some(notes) = edit.notes {
            updated.notes = notes;
        }
        check_account(&updated)?;
        let identity_changed = updated.settings != current.settings || !secrets.is_empty();
        let changes = secrets
            .into_iter()
            .map(|(name, value)| (name, Some(value)))
            .collect();
        let saved = updated.clone();
        self.with_vault_changes(current.id, changes, || {
            self.store.update(|accounts| {
                let index = find_account_index(accounts, &current.id.to_string())?;
                if accounts.iter().any(|other| {
                    other.id != current.id && other.name.eq_ignore_ascii_case(&updated.name)
                }) {
                    return Err(StoreError::NameTaken(updated.name.clone()));
                }
                accounts[index] = updated;
                Ok(())
            })
        })?;
        if identity_changed {
            self.tokens.forget(saved.id).await?;
        }
        Ok(saved)
    }

    /// Removes the account, its secrets and its cached tokens.
    pub async fn remove_account(&self, query: &str) -> Result<Account, EngineError> {
        let account = self.find_account(query)?;
        let mut names: Vec<String> = require_provider(account.provider)
            .spec()
            .secrets
            .iter()
            .map(|spec| spec.name.to_string())
            .collect();
        names.push(SESSION_SLOT.to_string());
        let changes = names.into_iter().map(|name| (name, None)).collect();
        self.with_vault_changes(account.id, changes, || {
            self.store.update(|accounts| {
                let index = find_account_index(accounts, &account.id.to_string())?;
                accounts.remove(index);
                Ok(())
            })
        })?;
        self.tokens.forget(account.id).await?;
        self.remembered.remove(account.id);
        Ok(account)
    }

    /// Applies vault changes (`None` deletes), then `then`; on any failure restores every
    /// vault entry it touched, so the vault and the file never disagree.
    fn with_vault_changes<T>(
        &self,
        account: crate::core::account::AccountId,
        changes: Vec<(String, Option<SecretString>)>,
        then: impl FnOnce() -> Result<T, StoreError>,
    ) -> Result<T, EngineError> {
        let mut previous: Vec<(SecretKey, Option<SecretString>)> = Vec::new();
        let apply = || -> Result<(), VaultError> {
            for (name, value) in changes {
                let key = SecretKey::new(account, name);
                let before = self.vault.get(&key)?;
                match &value {
                    Some(value) => self.vault.set(&key, value)?,
                    None => self.vault.delete(&key)?,
                }
                previous.push((key, before));
            }
            Ok(())
        };
        let outcome = apply()
            .map_err(EngineError::from)
            .and_then(|()| then().map_err(EngineError::from));
        if outcome.is_err() {
            for (key, before) in previous.into_iter().rev() {
                let restored = match before {
                    Some(value) => self.vault.set(&key, &value),
                    None => self.vault.delete(&key),
                };
                if let Err(err) = restored {
                    tracing::error!(entry = %key.entry_name(), "could not roll back a keyring entry: {err}");
                }
            }
        }
        outcome
    }
}

/// Checks the name, the setting keys and (for providers this release supports) the values.
pub fn check_account(account: &Account) -> Result<(), EngineError> {
    if account.name.trim().is_empty() {
        return Err(EngineError::Usage("an account needs a name".into()));
    }
    let provider = require_provider(account.provider);
    for key in account.settings.keys() {
        if provider.spec().secrets.iter().any(|spec| spec.name == key) {
            return Err(EngineError::Usage(format!(
                "'{key}' is a secret: it goes to the OS keyring, never into settings (use --secrets-from-stdin or the prompt)"
            )));
        }
        let known = provider
            .spec()
            .settings
            .iter()
            .chain(COMMON_SETTINGS)
            .any(|spec| spec.matches(key));
        if !known {
            let names: Vec<_> = provider
                .spec()
                .settings
                .iter()
                .chain(COMMON_SETTINGS)
                .map(|spec| spec.key)
                .collect();
            return Err(EngineError::Usage(format!(
                "{} accounts have no setting '{key}'; known settings: {}",
                account.provider.display_name(),
                names.join(", ")
            )));
        }
    }
    provider.validate(account)?;
    crate::core::launch::browser_mode(account)?;
    Ok(())
}

fn check_secret_names(
    kind: ProviderKind,
    secrets: &[(String, SecretString)],
) -> Result<(), EngineError> {
    let provider = require_provider(kind);
    for (name, _) in secrets {
        if !provider.spec().secrets.iter().any(|spec| spec.name == name) {
            let names: Vec<_> = provider
                .spec()
                .secrets
                .iter()
                .map(|spec| spec.name)
                .collect();
            return Err(EngineError::Usage(format!(
                "{} accounts have no secret '{name}'; known secrets: {}",
                kind.display_name(),
                names.join(", ")
            )));
        }
    }
    Ok(())
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
    /// A request that makes no sense (unknown setting, a secret given as a setting ...).
    #[error("{0}")]
    Usage(String),
    /// An import file that cannot be used; nothing was changed.
    #[error("{0}")]
    Import(String),
}

impl UserFacing for EngineError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Store(err) => err.kind(),
            Self::Vault(err) => err.kind(),
            Self::Provider(err) => err.kind(),
            Self::Http(err) => err.kind(),
            Self::Browser(err) => err.kind(),
            Self::Lock { .. } => ErrorKind::Internal,
            Self::Usage(_) => ErrorKind::Usage,
            Self::Import(_) => ErrorKind::Config,
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
            Self::Usage(_) => Some("See `sso-launcher accounts add --help`.".into()),
            Self::Import(_) => Some("Nothing was imported; fix the file and try again.".into()),
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
            Self::Lock { .. } | Self::Import(_) => self.hint(),
        }
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
