//! Sovos Signer: OpenID Connect. The browser sign-in (authorization code with PKCE, in
//! `sovos_browser.rs`) gives ID, access and refresh tokens; `client_credentials` with an
//! audience gives an API token for the Signer API. Tokens are cached for their lifetime.

use std::time::Duration;

use oauth2::basic::BasicClient;
use oauth2::{AuthType, ClientId, ClientSecret, TokenResponse, TokenUrl};
use openidconnect::IssuerUrl;
use openidconnect::core::CoreProviderMetadata;
use url::Url;

use super::form::FieldKind::{Choice, Number, Text};
use super::form::{FieldKind, FormField, field, identifies, labelled, required, when};
use super::oauth::{discovery_error, token_error};
use super::{
    Badge, BoxFuture, Flow, Provider, ProviderContext, ProviderError, ProviderSpec, SecretSpec,
    Secrets, SessionFlow, SessionToken, SignOn, landing_sign_on,
};
use crate::core::account::{Account, ProviderId};
use crate::core::http::ensure_url_allowed;
use crate::core::loopback::{DEFAULT_PATH, ListenerOptions, LoopbackHost};
use crate::core::secret::AccessToken;

const NAME: &str = "Sovos";
pub const DEFAULT_ISSUER: &str = "https://accounts.trust.sovos.com";
pub const DEFAULT_AUDIENCE: &str = "signer.trust.sovos.com";
pub const DEFAULT_SCOPES: &str = "openid profile email phone offline_access";
/// The docs: "OAuth tokens are valid for 60 minutes"; used when the answer has no expires_in.
const DOCUMENTED_TOKEN_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// The editor's fields, in order (their help is in `SETTINGS`).
const FORM: &[FormField] = &[
    field(
        "issuer",
        "Issuer",
        FieldKind::Url,
        "The OpenID issuer (default https://accounts.trust.sovos.com); discovery is read from it.",
    ),
    required(identifies(field(
        "client_id",
        "Client id",
        Text,
        "The client id Sovos gave you.",
    ))),
    labelled(
        field(
            "grant",
            "Sign-in",
            Choice(&["authorization_code", "client_credentials"]),
            "authorization_code (sign in through the browser, the default) or client_credentials (an API token).",
        ),
        &[
            ("authorization_code", "In the browser"),
            ("client_credentials", "API token (client credentials)"),
        ],
    ),
    when(
        field(
            "scopes",
            "Scopes",
            Text,
            "Space-separated scopes for the browser sign-in (default: openid profile email phone offline_access).",
        ),
        "grant",
        &["authorization_code"],
    ),
    when(
        field(
            "acr_values",
            "ACR values",
            Text,
            "Optional, e.g. urn:acr:face, urn:acr:fpt or urn:acr:moc-fpt.",
        ),
        "grant",
        &["authorization_code"],
    ),
    when(
        field(
            "prompt",
            "Prompt",
            Text,
            "Optional OpenID prompt (login, consent ...).",
        ),
        "grant",
        &["authorization_code"],
    ),
    when(
        field(
            "ui_locales",
            "Languages",
            Text,
            "Optional preferred languages, e.g. \"es en\".",
        ),
        "grant",
        &["authorization_code"],
    ),
    when(
        field(
            "audience",
            "Audience",
            Text,
            "Audience for client_credentials (default signer.trust.sovos.com).",
        ),
        "grant",
        &["client_credentials"],
    ),
    when(
        field(
            "redirect_host",
            "Redirect host",
            Choice(&["127.0.0.1", "::1", "localhost"]),
            "Loopback host of the redirect URI: 127.0.0.1 (default), ::1 or localhost.",
        ),
        "grant",
        &["authorization_code"],
    ),
    when(
        field(
            "redirect_port",
            "Redirect port",
            Number { min: 0, max: 65535 },
            "Port of the redirect URI; 0 (default) picks a free one.",
        ),
        "grant",
        &["authorization_code"],
    ),
    when(
        field(
            "redirect_path",
            "Redirect path",
            Text,
            "Path of the redirect URI (default /callback).",
        ),
        "grant",
        &["authorization_code"],
    ),
    field(
        "landing_url",
        "Landing page",
        FieldKind::Url,
        "A page to open after signing in; without it, launch reports the token held.",
    ),
];

/// This provider in files and on the command line.
pub const ID: ProviderId = ProviderId::declare("sovos");

const SPEC: ProviderSpec = ProviderSpec {
    discovery: None,
    form: FORM,
    id: ID,
    display_name: "Sovos Signer",
    badge: Badge {
        text: "SV",
        rgb: [0xb8, 0x32, 0x80],
    },
    secrets: SECRETS,
};

const SECRETS: &[SecretSpec] = &[SecretSpec {
    name: "client_secret",
    help: "The client secret (needed for client_credentials; optional for a public client).",
    shareable: true,
}];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Grant {
    AuthorizationCode,
    ClientCredentials,
}

#[derive(Debug)]
pub(super) struct Config {
    /// Kept exactly as written: OpenID compares the issuer as a string, and `Url` would add a
    /// trailing slash to a bare origin.
    pub(super) issuer: IssuerUrl,
    pub(super) client_id: String,
    grant: Grant,
    audience: String,
    landing: Option<Url>,
    /// Where the browser sign-in comes back to.
    pub(super) listener: ListenerOptions,
    pub(super) scopes: Vec<String>,
    pub(super) acr_values: Option<String>,
    pub(super) prompt: Option<String>,
    pub(super) ui_locales: Option<String>,
}

pub struct Sovos;

impl Provider for Sovos {
    fn spec(&self) -> &'static ProviderSpec {
        &SPEC
    }

    fn validate(&self, account: &Account) -> Result<(), ProviderError> {
        Config::parse(account).map(|_| ())
    }

    fn required_secrets(&self, account: &Account) -> Vec<&'static str> {
        match account.setting("grant") {
            Some("client_credentials") => vec!["client_secret"],
            _ => Vec::new(),
        }
    }

    fn optional_secrets(&self, account: &Account) -> Vec<&'static str> {
        match account.setting("grant") {
            Some("client_credentials") => Vec::new(),
            _ => vec!["client_secret"],
        }
    }

    fn flow(&self) -> Flow<'_> {
        Flow::Session(self)
    }

    fn redirect_uri_to_register(&self, account: &Account) -> Option<String> {
        (account.setting("grant") != Some("client_credentials"))
            .then(|| super::form::loopback_redirect_uri(account))
    }
}

impl SessionFlow for Sovos {
    fn refresh<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
        account: &'a Account,
        secrets: &'a Secrets,
        session: &'a SessionToken,
    ) -> Option<BoxFuture<'a, Result<SessionToken, ProviderError>>> {
        session.refresh_token.as_ref()?;
        Some(Box::pin(async move {
            let config = Config::parse(account)?;
            super::sovos_browser::refresh(ctx, &config, secrets, session).await
        }))
    }

    fn authenticate<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
        account: &'a Account,
        secrets: &'a Secrets,
    ) -> BoxFuture<'a, Result<SessionToken, ProviderError>> {
        Box::pin(async move {
            let config = Config::parse(account)?;
            if config.grant == Grant::AuthorizationCode {
                return super::sovos_browser::sign_in(ctx, &config, secrets).await;
            }
            let secret = secrets.require("client_secret")?;
            let metadata = CoreProviderMetadata::discover_async(config.issuer.clone(), ctx.http)
                .await
                .map_err(|err| discovery_error(NAME, err))?;
            let token_url = metadata
                .token_endpoint()
                .ok_or_else(|| ProviderError::Malformed {
                    provider: NAME,
                    what: "its OpenID discovery names no token_endpoint".into(),
                })?;
            let client = BasicClient::new(ClientId::new(config.client_id.clone()))
                .set_client_secret(ClientSecret::new(secret.expose_secret().to_string()))
                .set_token_uri(TokenUrl::from_url(token_url.url().clone()))
                // The docs ask for client_secret_basic on the token endpoint.
                .set_auth_type(AuthType::BasicAuth);
            let issued_at = ctx.clock.now();
            let answer = client
                .exchange_client_credentials()
                .add_extra_param("audience", config.audience.clone())
                .request_async(ctx.http)
                .await
                .map_err(|err| token_error(NAME, err))?;
            let lifetime = answer.expires_in().unwrap_or(DOCUMENTED_TOKEN_LIFETIME);
            Ok(SessionToken::new(
                AccessToken::new(answer.access_token().secret().as_str()),
                "Bearer",
                issued_at,
                lifetime,
            ))
        })
    }

    fn probe_browser_sign_in<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
        account: &'a Account,
        _secrets: &'a Secrets,
    ) -> Option<BoxFuture<'a, Result<Vec<String>, ProviderError>>> {
        if account.setting("grant") == Some("client_credentials") {
            return None;
        }
        Some(Box::pin(async move {
            let config = Config::parse(account)?;
            super::sovos_browser::probe(ctx, &config).await
        }))
    }

    fn sign_on<'a>(
        &'a self,
        _ctx: ProviderContext<'a>,
        account: &'a Account,
        _session: &'a SessionToken,
    ) -> BoxFuture<'a, Result<Option<SignOn>, ProviderError>> {
        Box::pin(async move {
            // The session lives in the app; the landing page needs no token in its URL.
            Ok(landing_sign_on(Config::parse(account)?.landing))
        })
    }
}

impl Config {
    fn parse(account: &Account) -> Result<Self, ProviderError> {
        let issuer_text = account.setting("issuer").unwrap_or(DEFAULT_ISSUER);
        parse_url("issuer", issuer_text)?;
        let issuer = IssuerUrl::new(issuer_text.to_string()).map_err(|_| {
            ProviderError::settings(
                NAME,
                format!("issuer '{issuer_text}' is not a valid address"),
            )
        })?;
        let client_id = account
            .setting("client_id")
            .ok_or_else(|| ProviderError::settings(NAME, "client_id is required"))?
            .to_string();
        let grant = match account.setting("grant") {
            None | Some("authorization_code") => Grant::AuthorizationCode,
            Some("client_credentials") => Grant::ClientCredentials,
            Some(other) => {
                return Err(ProviderError::settings(
                    NAME,
                    format!("grant '{other}' must be authorization_code or client_credentials"),
                ));
            }
        };
        let port = match account.setting("redirect_port") {
            None => 0,
            Some(text) => text.parse::<u16>().map_err(|_| {
                ProviderError::settings(
                    NAME,
                    format!("redirect_port '{text}' must be a port number (0 for any free port)"),
                )
            })?,
        };
        let path = account.setting("redirect_path").unwrap_or(DEFAULT_PATH);
        if !path.starts_with('/') {
            return Err(ProviderError::settings(
                NAME,
                format!("redirect_path '{path}' must start with /"),
            ));
        }
        let host = match account.setting("redirect_host") {
            None | Some("127.0.0.1") => LoopbackHost::Ipv4,
            Some("::1" | "[::1]") => LoopbackHost::Ipv6,
            Some("localhost") => LoopbackHost::Localhost,
            Some(other) => {
                return Err(ProviderError::settings(
                    NAME,
                    format!(
                        "redirect_host '{other}' must be a loopback host: 127.0.0.1, ::1 or localhost"
                    ),
                ));
            }
        };
        let mut listener = ListenerOptions::new(account.name.clone());
        listener.host = host;
        listener.port = port;
        listener.path = path.to_string();
        let words = |key: &str| -> Vec<String> {
            account
                .setting(key)
                .map(|text| text.split_whitespace().map(str::to_string).collect())
                .unwrap_or_default()
        };
        let mut scopes = words("scopes");
        if scopes.is_empty() {
            scopes = DEFAULT_SCOPES.split(' ').map(str::to_string).collect();
        }
        if !scopes.iter().any(|scope| scope == "openid") {
            return Err(ProviderError::settings(NAME, "scopes must include openid"));
        }
        let optional = |key: &str| account.setting(key).map(str::to_string);
        let landing = account
            .setting("landing_url")
            .map(|text| parse_url("landing_url", text))
            .transpose()?;
        Ok(Self {
            issuer,
            client_id,
            grant,
            audience: account
                .setting("audience")
                .unwrap_or(DEFAULT_AUDIENCE)
                .to_string(),
            landing,
            listener,
            scopes,
            acr_values: optional("acr_values"),
            prompt: optional("prompt"),
            ui_locales: optional("ui_locales"),
        })
    }
}

fn parse_url(key: &str, text: &str) -> Result<Url, ProviderError> {
    let url = super::parse_address(key, text)
        .map_err(|message| ProviderError::settings(NAME, message))?;
    ensure_url_allowed(&url).map_err(|_| {
        ProviderError::settings(
            NAME,
            format!("{key} '{text}' must use https (plain http only for loopback)"),
        )
    })?;
    Ok(url)
}

/// Every reader of Sovos's answers, on any answer (the property tests' entry point): the
/// token answer as `openidconnect` reads it, then the app's own reading of its lifetime.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn read_any(response: &crate::core::http::HttpResponse) {
    let _ = super::json::body_as_json(NAME, response);
    if let Ok(answer) =
        serde_json::from_slice::<openidconnect::core::CoreTokenResponse>(&response.body)
    {
        use openidconnect::OAuth2TokenResponse;
        let lifetime = answer.expires_in().unwrap_or(DOCUMENTED_TOKEN_LIFETIME);
        let _ = SessionToken::new(
            crate::core::secret::AccessToken::new("x"),
            "Bearer",
            time::OffsetDateTime::now_utc(),
            lifetime,
        );
    }
}
