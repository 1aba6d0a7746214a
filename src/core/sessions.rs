//! Sessions for scripts and sign-ins: `token`, `login`, `logout`, and the cached session
//! (refresh or sign in) that launches use too.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use crate::core::account::{Account, AccountId, ProviderId};
use crate::core::audit_actions::ActionAudit;
use crate::core::clock::Clock;
use crate::core::credentials::{CredentialSet, find_set, is_shared_secret, with_set};
use crate::core::engine_error::EngineError;
use crate::core::http::HttpClient;
use crate::core::provider::AccountChooser;
use crate::core::provider::{
    Flow, Provider, ProviderContext, ProviderError, Remembered, Secrets, SessionFlow, SessionToken,
    require_provider,
};
use crate::core::sign_in::SignIns;
use crate::core::store::credentials::CredentialStore;
use crate::core::store::remembered::RememberedStore;
use crate::core::store::vault::{SecretKey, SecretVault};
use crate::core::tokens::{TokenCache, TokenError, TokenSource};

/// What `logout` did.
#[derive(Debug)]
pub struct LogoutReport {
    /// Whether a session was held at all.
    pub held_session: bool,
    /// The provider's sign-out, where it has one and a session was held.
    pub signed_out_remotely: Option<Result<(), String>>,
}

/// A provider that hands out sessions (not a browser round trip), or a clear error.
fn session_provider(account: &Account) -> Result<&'static dyn Provider, EngineError> {
    let provider = require_provider(account.provider);
    sessions_of(provider, account)?;
    Ok(provider)
}

/// The provider's session flow, or a clear error for a provider whose launch keeps none.
pub(crate) fn sessions_of(
    provider: &'static dyn Provider,
    account: &Account,
) -> Result<&'static dyn SessionFlow, EngineError> {
    match provider.flow() {
        Flow::Session(sessions) => Ok(sessions),
        Flow::RoundTrip(_) => Err(ProviderError::NoSession {
            provider: account.provider.display_name(),
        }
        .into()),
    }
}

/// When a held session is replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Renewal {
    /// Once it is no longer fresh.
    WhenDue,
    /// Now (refreshed where possible).
    Now,
    /// Now, but a sign-in that needs the browser or a choice fails instead of asking.
    NowWithoutAsking,
}

/// A session token handed to a script.
#[derive(Debug)]
pub struct TokenOutcome {
    pub token: SessionToken,
    pub source: TokenSource,
}

/// The sessions held for accounts: signing in, refreshing and forgetting them, and the
/// secrets and HTTP clients that takes.
pub struct Sessions {
    tokens: TokenCache,
    /// The credential sets accounts may take secrets and settings from.
    credentials: CredentialStore,
    /// One client per provider, each naming its provider in its errors.
    http: BTreeMap<ProviderId, HttpClient>,
    vault: Arc<dyn SecretVault>,
    remembered: RememberedStore,
    clock: Arc<dyn Clock>,
    /// Asks the user to choose when a sign-in matches several accounts (AGS).
    chooser: Option<Arc<dyn AccountChooser>>,
    sign_ins: Arc<SignIns>,
    audit: Arc<ActionAudit>,
}

/// What [`Sessions`] is built from.
pub struct SessionParts {
    pub tokens: TokenCache,
    pub credentials: CredentialStore,
    pub http: BTreeMap<ProviderId, HttpClient>,
    pub vault: Arc<dyn SecretVault>,
    pub remembered: RememberedStore,
    pub clock: Arc<dyn Clock>,
    pub chooser: Option<Arc<dyn AccountChooser>>,
    pub sign_ins: Arc<SignIns>,
    pub audit: Arc<ActionAudit>,
}

impl Sessions {
    pub fn new(parts: SessionParts) -> Self {
        let SessionParts {
            tokens,
            credentials,
            http,
            vault,
            remembered,
            clock,
            chooser,
            sign_ins,
            audit,
        } = parts;
        Self {
            tokens,
            credentials,
            http,
            vault,
            remembered,
            clock,
            chooser,
            sign_ins,
            audit,
        }
    }

    /// A valid session token for scripts: cached, or signed in afresh.
    pub async fn token(&self, account: &Account) -> Result<TokenOutcome, EngineError> {
        let started = Instant::now();
        let result = async {
            let provider = session_provider(account)?;
            provider.validate(account)?;
            let (token, source) = self.session(provider, account).await?;
            Ok(TokenOutcome { token, source })
        }
        .await;
        self.audit.result(account, "token", started, &result, None);
        result
    }

    /// Signs in afresh (through the browser for browser-flow providers), replacing any
    /// cached session; a sign-in already waiting for this account is cancelled.
    pub async fn login(
        &self,
        account: &Account,
        ticket: Option<&str>,
    ) -> Result<TokenOutcome, EngineError> {
        let started = Instant::now();
        let result = async {
            let provider = session_provider(account)?;
            provider.validate(account)?;
            self.sign_ins.cancel(account.id);
            self.tokens.forget(account.id).await?;
            let (token, source) = self.session(provider, account).await?;
            Ok(TokenOutcome { token, source })
        }
        .await;
        let origin = self.audit.origin();
        self.audit
            .result_via(account, "login", origin, ticket, started, &result, None);
        result
    }

    /// Ends the session at the provider where it has a sign-out call, then drops the cached
    /// tokens whatever the provider said. Returns the provider's refusal, if any, to report.
    pub async fn logout(&self, account: &Account) -> Result<LogoutReport, EngineError> {
        let started = Instant::now();
        let held = self.tokens.stored(account.id).await?;
        let sessions = sessions_of(require_provider(account.provider), account).ok();
        let remote = match held.as_ref().zip(sessions).and_then(|(session, sessions)| {
            sessions.sign_out(self.context(account.provider), account, session)
        }) {
            Some(sign_out) => Some(sign_out.await.map_err(|err| err.to_string())),
            None => None,
        };
        self.tokens.forget(account.id).await?;
        let report = LogoutReport {
            held_session: held.is_some(),
            signed_out_remotely: remote,
        };
        let detail = match &report.signed_out_remotely {
            Some(Ok(())) => "signed out at the provider; tokens forgotten".to_string(),
            Some(Err(err)) => format!("provider sign-out failed ({err}); tokens forgotten"),
            None => "tokens forgotten".to_string(),
        };
        self.audit.result(
            account,
            "logout",
            started,
            &Ok::<_, EngineError>(()),
            Some(detail),
        );
        Ok(report)
    }

    /// Renews the account's session now: a refresh where the provider has one and the
    /// refresh token is still good, else a new sign-in. Not `interactive` (a batch refresh),
    /// a sign-in that needs the browser or a choice fails instead of asking.
    pub async fn renew(
        &self,
        account: &Account,
        interactive: bool,
    ) -> Result<TokenOutcome, EngineError> {
        let started = Instant::now();
        let result = async {
            let provider = session_provider(account)?;
            provider.validate(account)?;
            let mode = if interactive {
                Renewal::Now
            } else {
                Renewal::NowWithoutAsking
            };
            let (token, source) = self.session_or_renew(provider, account, mode).await?;
            Ok(TokenOutcome { token, source })
        }
        .await;
        self.audit
            .result(account, "refresh", started, &result, None);
        result
    }

    /// The session held for the account (fresh or not), without signing in: the vault is read.
    pub async fn held_session(
        &self,
        account: &Account,
    ) -> Result<Option<SessionToken>, EngineError> {
        Ok(self.tokens.stored(account.id).await?)
    }

    /// Drops the account's session from memory and the vault.
    pub(crate) async fn forget(&self, account: AccountId) -> Result<(), EngineError> {
        Ok(self.tokens.forget(account).await?)
    }

    /// Drops `session` if it is still the one held (the provider refused it).
    pub(crate) async fn invalidate(
        &self,
        account: AccountId,
        session: &SessionToken,
    ) -> Result<(), EngineError> {
        Ok(self.tokens.invalidate(account, session).await?)
    }

    /// How long to wait for another process signing in to the same account.
    pub(crate) fn set_lock_wait_limit(&self, limit: std::time::Duration) {
        self.tokens.set_lock_wait_limit(limit);
    }

    pub(crate) async fn session(
        &self,
        provider: &'static dyn Provider,
        account: &Account,
    ) -> Result<(SessionToken, TokenSource), EngineError> {
        self.session_or_renew(provider, account, Renewal::WhenDue)
            .await
    }

    async fn session_or_renew(
        &self,
        provider: &'static dyn Provider,
        account: &Account,
        renewal: Renewal,
    ) -> Result<(SessionToken, TokenSource), EngineError> {
        let sessions = sessions_of(provider, account)?;
        let authenticate = |stale: Option<SessionToken>| async move {
            let secrets = self.load_secrets(provider, account).await?;
            let remembered = self.remembered.load(account.id);
            let context = ProviderContext {
                remembered: &remembered,
                ..self.context(account.provider)
            };
            // Past the refresh window (or the provider's fixed cap) only a new sign-in helps.
            if let Some(stale) = stale.filter(|token| token.can_refresh(self.clock.now()))
                && let Some(refresh) = sessions.refresh(context, account, &secrets, &stale)
            {
                match refresh.await {
                    Ok(renewed) => return Ok(self.remember(account, &remembered, renewed)),
                    // A refresh token the provider no longer honours: sign in afresh.
                    Err(ProviderError::Rejected { code, .. }) => {
                        tracing::info!(account = %account.name, %code, "refresh refused; signing in again");
                    }
                    Err(err) => return Err(err.into()),
                }
            }
            let browser = self.sign_ins.browser(account);
            let context = match renewal {
                Renewal::NowWithoutAsking => context,
                Renewal::WhenDue | Renewal::Now => ProviderContext {
                    browser: Some(&browser),
                    chooser: self.chooser.as_deref(),
                    ..context
                },
            };
            let session = sessions.authenticate(context, account, &secrets).await?;
            Ok::<_, EngineError>(self.remember(account, &remembered, session))
        };
        let result = if renewal != Renewal::WhenDue {
            self.tokens.renew(account.id, authenticate).await
        } else {
            self.tokens.session(account.id, authenticate).await
        };
        result.map_err(|err| match err {
            TokenError::Vault(err) => err.into(),
            TokenError::Lock { path, source } => EngineError::Lock { path, source },
            busy @ TokenError::LockBusy { .. } => {
                EngineError::LockBusy(crate::core::error::sentence(&busy.to_string()))
            }
            TokenError::Authenticate(err) => err,
        })
    }

    /// The account as it signs in: the settings its credential set shares fill in those it
    /// leaves empty. An account without a set is returned as it is.
    pub(crate) fn resolve(&self, account: &Account) -> Result<Account, EngineError> {
        match self.credential_set(account)? {
            Some(set) => Ok(with_set(account, &set)),
            None => Ok(account.clone()),
        }
    }

    /// The credential set the account names: saved, and for its provider.
    fn credential_set(&self, account: &Account) -> Result<Option<CredentialSet>, EngineError> {
        let Some(name) = account.credential() else {
            return Ok(None);
        };
        let sets = self.credentials.load()?;
        let set =
            find_set(&sets, name).ok_or_else(|| EngineError::CredentialUnknown(name.into()))?;
        if set.provider != account.provider {
            return Err(EngineError::Usage(format!(
                "the credential set '{}' is for {}, not {}",
                set.name,
                set.provider.display_name(),
                account.provider.display_name()
            )));
        }
        Ok(Some(set.clone()))
    }

    /// Loads the secrets the account needs (missing one: an error) and those it may use; a
    /// shareable one from its credential set when the set holds it, else its own.
    pub(crate) async fn load_secrets(
        &self,
        provider: &'static dyn Provider,
        account: &Account,
    ) -> Result<Secrets, EngineError> {
        let set = self.credential_set(account)?;
        let required = provider.required_secrets(account);
        let names: Vec<(&'static str, bool)> = required
            .iter()
            .map(|name| (*name, true))
            .chain(
                provider
                    .optional_secrets(account)
                    .into_iter()
                    .map(|name| (name, false)),
            )
            .collect();
        let vault = self.vault.clone();
        let id = account.id;
        let kind = account.provider;
        let loaded = tokio::task::spawn_blocking(move || {
            names
                .into_iter()
                .map(|(name, needed)| {
                    let shared = match &set {
                        Some(set) if is_shared_secret(kind, name) => {
                            vault.get(&set.secret_key(name))?
                        }
                        _ => None,
                    };
                    let value = match shared {
                        Some(value) => Some(value),
                        None => vault.get(&SecretKey::new(id, name))?,
                    };
                    Ok((name, needed, value))
                })
                .collect::<Result<Vec<_>, crate::core::store::vault::VaultError>>()
        })
        .await
        .unwrap_or_else(|join| panic!("vault worker panicked: {join}"))?;
        let mut secrets = Secrets::default();
        for (name, needed, value) in loaded {
            match value {
                Some(value) => secrets.insert(name, value),
                None if needed => {
                    return Err(ProviderError::MissingSecret {
                        name: name.to_string(),
                    }
                    .into());
                }
                None => {}
            }
        }
        Ok(secrets)
    }

    /// Keeps what the provider asked to remember for the next sign-in (a failure to write
    /// it costs only a first-time sign-in later, so it is logged, not fatal).
    fn remember(
        &self,
        account: &Account,
        kept: &Remembered,
        session: SessionToken,
    ) -> SessionToken {
        if session.state.is_empty() || session.state == *kept {
            return session;
        }
        if let Err(err) = self.remembered.save(account.id, &session.state) {
            tracing::warn!(account = %account.name, "could not keep what the provider asked to remember: {err}");
        }
        session
    }

    /// What a provider needs for one call, with an HTTP client that names the provider.
    pub(crate) fn context(&self, provider: ProviderId) -> ProviderContext<'_> {
        ProviderContext {
            http: &self.http[&provider],
            clock: self.clock.as_ref(),
            browser: None,
            chooser: None,
            remembered: &crate::core::provider::NOTHING_REMEMBERED,
        }
    }
}
