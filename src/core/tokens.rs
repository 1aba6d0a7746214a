//! The session-token cache: in memory, and in the vault so the next process can reuse it.
//!
//! Getting a token is single-flight per account, within a process (an async mutex) and across
//! processes (a lock file), so simultaneous launches authenticate once.

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use time::OffsetDateTime;

use crate::core::account::AccountId;
use crate::core::clock::Clock;
use crate::core::provider::SessionToken;
use crate::core::secret::{AccessToken, SecretString, constant_time_eq};
use crate::core::store::atomic::FileLock;
use crate::core::store::vault::{SecretKey, SecretVault, VaultError};

/// The vault entry holding an account's cached session token.
pub const SESSION_SLOT: &str = "cache.session";

/// Where a token came from, for logs, tests and the launch report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    Memory,
    Vault,
    Fresh,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError<E> {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error("could not take the account's lock file {}: {source}", path.display())]
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Another process kept signing in to the account for longer than we wait.
    #[error("{}", lock_busy_message(holder.as_deref(), *waited))]
    LockBusy {
        holder: Option<String>,
        waited: Duration,
    },
    #[error(transparent)]
    Authenticate(E),
}

fn lock_busy_message(holder: Option<&str>, waited: Duration) -> String {
    format!(
        "gave up after {} s: {} is still signing in to this account (it may be waiting for the browser)",
        waited.as_secs(),
        holder.unwrap_or("another sso-launcher")
    )
}

/// How long to wait for another process that is signing in to the same account, and how
/// this process names itself to those waiting for it.
#[derive(Clone)]
pub struct LockWait {
    pub limit: Duration,
    /// Written into the lock file while held: "the sso-launcher window (pid 42)".
    pub holder: String,
    /// Told once when a wait begins, in words.
    pub on_wait: Arc<dyn Fn(&str) + Send + Sync>,
}

impl Default for LockWait {
    fn default() -> Self {
        Self {
            limit: crate::core::store::settings::DEFAULT_LOCK_WAIT,
            holder: format!("another sso-launcher (pid {})", std::process::id()),
            on_wait: Arc::new(|message| tracing::warn!("{message}")),
        }
    }
}

/// How often a waiting process looks at the lock again.
const LOCK_POLL: Duration = Duration::from_millis(100);

pub struct TokenCache {
    vault: Arc<dyn SecretVault>,
    clock: Arc<dyn Clock>,
    locks_dir: PathBuf,
    memory: Mutex<HashMap<AccountId, SessionToken>>,
    flights: Mutex<HashMap<AccountId, Arc<tokio::sync::Mutex<()>>>>,
    lock_wait: Mutex<LockWait>,
}

impl TokenCache {
    pub fn new(vault: Arc<dyn SecretVault>, clock: Arc<dyn Clock>, locks_dir: PathBuf) -> Self {
        Self {
            vault,
            clock,
            locks_dir,
            memory: Mutex::new(HashMap::new()),
            flights: Mutex::new(HashMap::new()),
            lock_wait: Mutex::new(LockWait::default()),
        }
    }

    /// Sets how waits for another process's sign-in behave (from the settings).
    pub fn set_lock_wait(&self, wait: LockWait) {
        *self.lock_wait.lock().expect("lock wait") = wait;
    }

    pub fn set_lock_wait_limit(&self, limit: Duration) {
        self.lock_wait.lock().expect("lock wait").limit = limit;
    }

    /// A fresh session token for the account: from memory, from the vault, or by calling
    /// `authenticate` (at most once at a time per account, across processes). `authenticate`
    /// receives the stale session when one is stored, so it can refresh instead of signing in.
    pub async fn session<E, F, Fut>(
        &self,
        account: AccountId,
        authenticate: F,
    ) -> Result<(SessionToken, TokenSource), TokenError<E>>
    where
        F: FnOnce(Option<SessionToken>) -> Fut,
        Fut: Future<Output = Result<SessionToken, E>>,
    {
        self.session_with(account, false, authenticate).await
    }

    /// Like [`Self::session`], but a held token counts as stale: it is renewed now (a user's
    /// "refresh"), by a refresh where the provider allows it.
    pub async fn renew<E, F, Fut>(
        &self,
        account: AccountId,
        authenticate: F,
    ) -> Result<(SessionToken, TokenSource), TokenError<E>>
    where
        F: FnOnce(Option<SessionToken>) -> Fut,
        Fut: Future<Output = Result<SessionToken, E>>,
    {
        self.session_with(account, true, authenticate).await
    }

    async fn session_with<E, F, Fut>(
        &self,
        account: AccountId,
        renew: bool,
        authenticate: F,
    ) -> Result<(SessionToken, TokenSource), TokenError<E>>
    where
        F: FnOnce(Option<SessionToken>) -> Fut,
        Fut: Future<Output = Result<SessionToken, E>>,
    {
        if !renew && let Some(token) = self.fresh_in_memory(account) {
            return Ok((token, TokenSource::Memory));
        }
        let flight = self.flight(account);
        let _in_process = flight.lock().await;
        if !renew && let Some(token) = self.fresh_in_memory(account) {
            return Ok((token, TokenSource::Memory));
        }
        let (lock, stored) = self.lock_and_read(account).await?;
        let stale = match stored {
            Some(token) if !renew && token.is_fresh(self.clock.now()) => {
                self.remember(account, &token);
                return Ok((token, TokenSource::Vault));
            }
            other => other,
        };
        let token = authenticate(stale)
            .await
            .map_err(TokenError::Authenticate)?;
        let vault = self.vault.clone();
        let encoded = encode(&token);
        run_blocking(move || vault.set(&SecretKey::new(account, SESSION_SLOT), &encoded)).await?;
        self.remember(account, &token);
        drop(lock);
        Ok((token, TokenSource::Fresh))
    }

    /// Drops a token the provider rejected, unless another launch has replaced it already.
    pub async fn invalidate(
        &self,
        account: AccountId,
        rejected: &SessionToken,
    ) -> Result<(), VaultError> {
        {
            let mut memory = self.memory.lock().expect("token cache lock");
            if memory
                .get(&account)
                .is_some_and(|held| same_token(held, rejected))
            {
                memory.remove(&account);
            }
        }
        let vault = self.vault.clone();
        let rejected_value = rejected.value.clone();
        run_blocking(move || {
            let key = SecretKey::new(account, SESSION_SLOT);
            let stored = vault.get(&key)?.and_then(|text| decode(&text));
            if stored.is_some_and(|held| {
                constant_time_eq(
                    held.value.expose_secret().as_bytes(),
                    rejected_value.expose_secret().as_bytes(),
                )
            }) {
                vault.delete(&key)?;
            }
            Ok(())
        })
        .await
    }

    /// Forgets every cached token of the account (logout, account removal).
    pub async fn forget(&self, account: AccountId) -> Result<(), VaultError> {
        self.memory
            .lock()
            .expect("token cache lock")
            .remove(&account);
        let vault = self.vault.clone();
        run_blocking(move || vault.delete(&SecretKey::new(account, SESSION_SLOT))).await
    }

    /// The session held for the account, fresh or not: in memory, else in the vault.
    pub async fn stored(&self, account: AccountId) -> Result<Option<SessionToken>, VaultError> {
        if let Some(token) = self.held_in_memory(account) {
            return Ok(Some(token));
        }
        let vault = self.vault.clone();
        run_blocking(move || {
            Ok(vault
                .get(&SecretKey::new(account, SESSION_SLOT))?
                .and_then(|text| decode(&text)))
        })
        .await
    }

    /// What is held for the account right now, without any I/O beyond memory.
    pub fn held_in_memory(&self, account: AccountId) -> Option<SessionToken> {
        self.memory
            .lock()
            .expect("token cache lock")
            .get(&account)
            .cloned()
    }

    fn fresh_in_memory(&self, account: AccountId) -> Option<SessionToken> {
        self.held_in_memory(account)
            .filter(|token| token.is_fresh(self.clock.now()))
    }

    fn remember(&self, account: AccountId, token: &SessionToken) {
        self.memory
            .lock()
            .expect("token cache lock")
            .insert(account, token.clone());
    }

    fn flight(&self, account: AccountId) -> Arc<tokio::sync::Mutex<()>> {
        self.flights
            .lock()
            .expect("flight map lock")
            .entry(account)
            .or_default()
            .clone()
    }

    /// Takes the account's lock file (waiting, within the limit, for another process that
    /// holds it) and reads the stored session under it.
    async fn lock_and_read<E>(
        &self,
        account: AccountId,
    ) -> Result<(FileLock, Option<SessionToken>), TokenError<E>> {
        let path = self.locks_dir.join(format!("{account}.lock"));
        let wait = self.lock_wait.lock().expect("lock wait").clone();
        let started = std::time::Instant::now();
        let mut told = false;
        let mut lock = loop {
            let attempt = path.clone();
            let taken =
                tokio::task::spawn_blocking(move || match FileLock::try_acquire(&attempt) {
                    Ok(Some(lock)) => Ok(Ok(lock)),
                    Ok(None) => Ok(Err(FileLock::holder(&attempt))),
                    Err(err) => Err(err),
                })
                .await
                .unwrap_or_else(|join| panic!("lock worker panicked: {join}"));
            let holder = match taken {
                Ok(Ok(lock)) => break lock,
                Ok(Err(holder)) => holder,
                Err(source) => return Err(TokenError::Lock { path, source }),
            };
            if started.elapsed() >= wait.limit {
                return Err(TokenError::LockBusy {
                    holder,
                    waited: wait.limit,
                });
            }
            if !told {
                told = true;
                (wait.on_wait)(&format!(
                    "Waiting for {}, which is signing in to this account (it may be waiting for the browser); giving up after {} s.",
                    holder.as_deref().unwrap_or("another sso-launcher"),
                    wait.limit.as_secs()
                ));
            }
            tokio::time::sleep(LOCK_POLL).await;
        };
        let vault = self.vault.clone();
        let holder = wait.holder;
        run_blocking(move || {
            lock.describe_holder(&holder);
            let stored = vault.get(&SecretKey::new(account, SESSION_SLOT))?;
            Ok((lock, stored.and_then(|text| decode(&text))))
        })
        .await
        .map_err(TokenError::Vault)
    }
}

fn same_token(a: &SessionToken, b: &SessionToken) -> bool {
    constant_time_eq(
        a.value.expose_secret().as_bytes(),
        b.value.expose_secret().as_bytes(),
    )
}

async fn run_blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, VaultError> + Send + 'static,
) -> Result<T, VaultError> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|join| panic!("vault worker panicked: {join}"))
}

/// The vault entry's format: versioned JSON, so it can change without misreading old entries.
/// The refresh token, its expiry, the ID claims and the provider state are optional fields
/// of version 1.
fn encode(token: &SessionToken) -> SecretString {
    let mut entry = json!({
        "v": 1,
        "token": token.value.expose_secret(),
        "scheme": token.scheme,
        "issued_at": token.issued_at.unix_timestamp(),
        "expires_at": token.expires_at.unix_timestamp(),
    });
    if let Some(refresh) = &token.refresh_token {
        entry["refresh_token"] = refresh.expose_secret().into();
    }
    if let Some(claims) = &token.id_claims {
        entry["id_claims"] = serde_json::to_value(claims).expect("claims serialise");
    }
    if let Some(until) = token.refresh_expires_at {
        entry["refresh_expires_at"] = until.unix_timestamp().into();
    }
    if !token.state.is_empty() {
        entry["state"] = serde_json::to_value(&token.state).expect("state serialises");
    }
    SecretString::new(entry.to_string())
}

/// A damaged or foreign entry reads as "nothing cached": the app signs in afresh.
fn decode(text: &SecretString) -> Option<SessionToken> {
    let value: serde_json::Value = serde_json::from_str(text.expose_secret()).ok()?;
    if value.get("v")?.as_u64()? != 1 {
        return None;
    }
    let time_at = |key: &str| OffsetDateTime::from_unix_timestamp(value.get(key)?.as_i64()?).ok();
    Some(SessionToken {
        value: AccessToken::new(value.get("token")?.as_str()?),
        scheme: value.get("scheme")?.as_str()?.to_string(),
        issued_at: time_at("issued_at")?,
        expires_at: time_at("expires_at")?,
        refresh_token: value
            .get("refresh_token")
            .and_then(|v| v.as_str())
            .map(SecretString::new),
        id_claims: value
            .get("id_claims")
            .and_then(|v| serde_json::from_value(v.clone()).ok()),
        refresh_expires_at: time_at("refresh_expires_at"),
        state: value
            .get("state")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default(),
    })
}

#[cfg(test)]
#[path = "tokens_tests.rs"]
mod tests;
