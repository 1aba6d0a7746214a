//! Providers: small, stateless clients of one identity provider each.
//!
//! A provider takes an account, its secrets and a context, and returns a session token or a
//! one-time sign-on URL. Caching, retries and the browser are the launch engine's business.

pub mod ags;
mod ags_discovery;
mod ags_wire;
pub mod assuresign;
pub mod discovery;
mod error;
mod lifetime;
pub use lifetime::{MAX_SERVER_LIFETIME, server_expiry};
pub mod form;
mod json;
pub mod licensespring;
pub mod licensespring_auth;
mod oauth;
pub mod oidc;
mod oidc_browser;
mod oidc_flow;
pub mod registry;

pub use error::ProviderError;
pub mod signnow;
pub mod sovos;

mod urls;

pub(crate) use urls::{landing_setting, landing_sign_on, parse_address, parse_origin};

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use time::OffsetDateTime;

use crate::core::account::{Account, ProviderId};
use crate::core::clock::Clock;
use crate::core::http::HttpClient;
use crate::core::loopback::CancelHandle;
use crate::core::secret::{AccessToken, OneTimeUrl, SecretString};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a provider needs from the app for one call.
#[derive(Clone, Copy)]
pub struct ProviderContext<'a> {
    pub http: &'a HttpClient,
    pub clock: &'a dyn Clock,
    /// Present when the user can be sent through a browser sign-in now.
    pub browser: Option<&'a dyn BrowserSignIn>,
    /// Present when the user can be asked to choose now (several accounts match a sign-in).
    pub chooser: Option<&'a dyn AccountChooser>,
    /// What the last sign-in left for the next one (AGS's `client_id` ...), kept by the
    /// engine across sessions and logouts.
    pub remembered: &'a Remembered,
}

/// Non-secret values a provider asks the engine to keep for the account's next sign-in.
pub type Remembered = BTreeMap<String, String>;

/// Nothing remembered.
pub static NOTHING_REMEMBERED: Remembered = BTreeMap::new();

/// How a provider asks the user to choose between several matching accounts.
pub trait AccountChooser: Send + Sync {
    /// The index of the chosen entry of `choices` (labels to show), or `None` when the
    /// user declines or cannot be asked.
    fn choose<'a>(
        &'a self,
        account: &'a Account,
        choices: &'a [String],
    ) -> BoxFuture<'a, Option<usize>>;
    /// Whether this is a choice made up front (`--pick`), which overrides the one remembered
    /// from the last sign-in; a prompt is asked only when nothing is remembered.
    fn explicit(&self) -> bool {
        false
    }
}

/// How a provider sends the user through a browser sign-in.
pub trait BrowserSignIn: Send + Sync {
    /// Opens the sign-in page. When no browser starts, the page is shown to the user to open
    /// by hand and the flow goes on waiting.
    fn open(&self, url: &OneTimeUrl);
    /// How long to wait for the browser to come back.
    fn timeout(&self) -> Duration;
    /// Registers the waiting flow, so a newer sign-in of the account or a Cancel can end it.
    fn started(&self, cancel: CancelHandle);
}

/// What a provider's accounts may hold: setting keys and secret names.
#[derive(Debug)]
pub struct ProviderSpec {
    pub id: ProviderId,
    /// The name users know it by ("Sovos Signer").
    pub display_name: &'static str,
    pub badge: Badge,
    /// Its settings and secrets, in the editor's order: key, label, help, what each accepts
    /// (a secret is [`form::FieldKind::Secret`]), when it applies, whether it identifies the
    /// customer or may be shared. The editor, the CLI's `--set` and secret checks, the vault
    /// and the settings reference all read this one list (the settings every account has
    /// follow it: [`form::setting_fields`]).
    pub form: &'static [form::FormField],
    /// Its discovery, where its server can list choices while an account is set up.
    pub discovery: Option<discovery::DiscoverySpec>,
}

impl ProviderSpec {
    /// The secrets this provider understands (kept in the vault), from its field list.
    pub fn secrets(&'static self) -> impl Iterator<Item = &'static form::FormField> {
        self.form
            .iter()
            .filter(|field| field.kind == form::FieldKind::Secret)
    }
}

/// How a provider is marked in lists: a short text on its colour.
#[derive(Debug, Clone, Copy)]
pub struct Badge {
    pub text: &'static str,
    pub rgb: [u8; 3],
}

/// A session token that outlives one launch (AssureSign's bearer, an OAuth access token with
/// its refresh token).
#[derive(Debug, Clone)]
pub struct SessionToken {
    pub value: AccessToken,
    /// The `Authorization` scheme it is sent with (`bearer`, `X-AS-UserSessionToken` ...).
    pub scheme: String,
    pub issued_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// For OAuth sign-ins that were granted one (kept in the vault, never shown).
    pub refresh_token: Option<SecretString>,
    /// The validated ID token's claims, for OpenID sign-ins.
    pub id_claims: Option<IdClaims>,
    /// Until when the refresh token may be used (`None`: until the provider refuses it).
    pub refresh_expires_at: Option<OffsetDateTime>,
    /// Non-secret values to remember for the next sign-in (see [`ProviderContext::remembered`]).
    pub state: Remembered,
}

/// The claims of a validated ID token that are shown to the user (none is secret).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IdClaims {
    pub iss: String,
    pub sub: String,
    pub aud: Vec<String>,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl SessionToken {
    /// A plain session token (no refresh token, no ID token); see [`server_expiry`].
    pub fn new(
        value: AccessToken,
        scheme: impl Into<String>,
        issued_at: OffsetDateTime,
        lifetime: std::time::Duration,
    ) -> Self {
        Self {
            value,
            scheme: scheme.into(),
            issued_at,
            expires_at: server_expiry(issued_at, lifetime),
            refresh_token: None,
            id_claims: None,
            refresh_expires_at: None,
            state: Remembered::new(),
        }
    }

    /// Whether the refresh token can still renew this session at `now`.
    pub fn can_refresh(&self, now: OffsetDateTime) -> bool {
        self.refresh_token.is_some() && self.refresh_expires_at.is_none_or(|until| now < until)
    }

    /// When a launch will renew this session: once less than the safety margin is left.
    pub fn renew_at(&self) -> OffsetDateTime {
        self.expires_at - self.margin()
    }

    /// Still good for at least the safety margin: a quarter of its life, at most a minute.
    pub fn is_fresh(&self, now: OffsetDateTime) -> bool {
        now < self.renew_at()
    }

    fn margin(&self) -> time::Duration {
        ((self.expires_at - self.issued_at) / 4_i32).min(time::Duration::minutes(1))
    }
}

/// A page to open: a fresh one-time sign-on URL, or a plain page for a provider whose
/// session lives in the app.
#[derive(Debug)]
pub struct SignOn {
    pub url: OneTimeUrl,
    /// How long the URL works; `None` for a plain page that carries no one-time token.
    pub lifetime: Option<Duration>,
}

/// An account's secrets, loaded from the vault for one call.
#[derive(Debug, Default)]
pub struct Secrets(HashMap<String, SecretString>);

impl Secrets {
    pub fn insert(&mut self, name: impl Into<String>, value: SecretString) {
        self.0.insert(name.into(), value);
    }

    /// An optional secret, when set.
    pub fn get(&self, name: &str) -> Option<&SecretString> {
        self.0.get(name).filter(|value| !value.is_empty())
    }

    pub fn require(&self, name: &str) -> Result<&SecretString, ProviderError> {
        self.0
            .get(name)
            .filter(|value| !value.is_empty())
            .ok_or_else(|| ProviderError::MissingSecret {
                name: name.to_string(),
            })
    }
}

/// How a provider's accounts are launched.
pub enum Flow<'p> {
    /// It signs in to a session the app keeps and renews; a launch opens the page its
    /// `sign_on` gives (a one-time sign-on URL, a landing page), or hands out the token when
    /// it gives none.
    Session(&'p dyn SessionFlow),
    /// A launch is one browser round trip that ends in a result; no session is kept
    /// (LicenseSpring).
    RoundTrip(&'p dyn RoundTripFlow),
}

impl Flow<'_> {
    pub fn is_round_trip(&self) -> bool {
        matches!(self, Self::RoundTrip(_))
    }
}

pub trait Provider: Send + Sync {
    /// The setting keys and secret names its accounts may hold.
    fn spec(&self) -> &'static ProviderSpec;
    /// Checks the account's settings, as when it is saved.
    fn validate(&self, account: &Account) -> Result<(), ProviderError>;
    /// The secrets this account needs to authenticate, given its settings.
    fn required_secrets(&self, account: &Account) -> Vec<&'static str>;
    /// Secrets used when set (a public client's missing client secret ...).
    fn optional_secrets(&self, _account: &Account) -> Vec<&'static str> {
        Vec::new()
    }

    /// Asks the server which choices it offers for [`ProviderSpec::discovery`]'s setting;
    /// `None` for a provider without discovery. The account need not be saved.
    fn discover<'a>(
        &'a self,
        _ctx: ProviderContext<'a>,
        _account: &'a Account,
    ) -> Option<BoxFuture<'a, Result<Vec<discovery::DiscoveredChoice>, ProviderError>>> {
        None
    }

    /// The settings a discovered choice adds to the account's form, given the account as it
    /// is being edited.
    fn discovered_settings(
        &self,
        _account: &Account,
        _choices: &[discovery::DiscoveredChoice],
    ) -> Vec<discovery::DiscoveredSetting> {
        Vec::new()
    }

    /// How its accounts are launched.
    fn flow(&self) -> Flow<'_>;

    /// The redirect URI the user must register with the provider for this account, where one
    /// is needed and known in advance (the editor shows it with a Copy button).
    fn redirect_uri_to_register(&self, _account: &Account) -> Option<String> {
        None
    }
}

/// A provider that signs in to sessions the app keeps.
pub trait SessionFlow: Send + Sync {
    /// Signs in and returns a session token that can be cached.
    fn authenticate<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
        account: &'a Account,
        secrets: &'a Secrets,
    ) -> BoxFuture<'a, Result<SessionToken, ProviderError>>;
    /// Renews a session with its refresh token, where the provider has such a thing.
    /// `None`: this provider cannot refresh; the caller signs in again.
    fn refresh<'a>(
        &'a self,
        _ctx: ProviderContext<'a>,
        _account: &'a Account,
        _secrets: &'a Secrets,
        _session: &'a SessionToken,
    ) -> Option<BoxFuture<'a, Result<SessionToken, ProviderError>>> {
        None
    }

    /// Asks the provider whether the session is still valid; `Some` remaining lifetime.
    /// `None`: this provider has no verification call.
    fn verify<'a>(
        &'a self,
        _ctx: ProviderContext<'a>,
        _account: &'a Account,
        _session: &'a SessionToken,
    ) -> Option<BoxFuture<'a, Result<Duration, ProviderError>>> {
        None
    }

    /// Ends the session on the provider's side (logout), where the provider has such a call.
    fn sign_out<'a>(
        &'a self,
        _ctx: ProviderContext<'a>,
        _account: &'a Account,
        _session: &'a SessionToken,
    ) -> Option<BoxFuture<'a, Result<(), ProviderError>>> {
        None
    }

    /// For an account that signs in through the browser: checks everything short of opening
    /// it (settings, discovery and keys, that the redirect port can be bound) and says what
    /// was checked. `None`: the account signs in without a browser.
    fn probe_browser_sign_in<'a>(
        &'a self,
        _ctx: ProviderContext<'a>,
        _account: &'a Account,
        _secrets: &'a Secrets,
    ) -> Option<BoxFuture<'a, Result<Vec<String>, ProviderError>>> {
        None
    }

    /// The page to open for a session: a fresh one-time sign-on URL, a plain landing page, or
    /// `None` when the held token itself is what the user wants.
    fn sign_on<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
        account: &'a Account,
        session: &'a SessionToken,
    ) -> BoxFuture<'a, Result<Option<SignOn>, ProviderError>>;
}

/// A provider whose launch is one browser round trip with no session.
pub trait RoundTripFlow: Send + Sync {
    /// The launch: one browser round trip that ends in a result. `probe`: only check that
    /// the round trip can start (signed request, redirect URI) without opening the browser.
    fn launch<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
        account: &'a Account,
        secrets: &'a Secrets,
        probe: bool,
    ) -> BoxFuture<'a, Result<RedirectOutcome, ProviderError>>;
}

/// What a redirect launch ended with: what to show the user (nothing in it is secret).
#[derive(Debug, Default)]
pub struct RedirectOutcome {
    /// The redirect URI the browser came back to (or would come back to, for a probe).
    pub redirect_uri: String,
    /// Whether the browser came back to the app (`false`: a redirect URI the app cannot
    /// listen on, or a probe).
    pub came_back: bool,
    /// Labelled facts to show, in order (signed-in user, license key, validity ...).
    pub facts: Vec<(String, String)>,
    /// Something the user should know (a redirect URI that is not loopback ...).
    pub note: Option<String>,
}

/// The provider with this id (see [`registry`]).
pub fn require_provider(id: ProviderId) -> &'static dyn Provider {
    registry::get(id)
}

/// Each provider's answer readers, by provider: the property tests feed them any answer. A
/// provider added later adds its line here.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) type AnswerReader = fn(&crate::core::http::HttpResponse);

/// See [`AnswerReader`]; by provider id.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn answer_readers() -> Vec<(&'static str, AnswerReader)> {
    vec![
        ("assuresign", assuresign::read_any),
        ("ags", ags_wire::read_any),
        ("licensespring", licensespring::read_any),
        ("signnow", signnow::wire::read_any),
        ("sovos", |response| {
            oidc_flow::read_any(&sovos::PROFILE, response)
        }),
    ]
}
