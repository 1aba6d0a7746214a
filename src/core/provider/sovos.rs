//! Sovos Signer: OpenID Connect. `client_credentials` with an audience gives an API token
//! for the Signer API (cached for its 60-minute life). The browser sign-in (authorization
//! code with PKCE) is the next step of this provider.

use std::time::Duration;

use oauth2::basic::BasicClient;
use oauth2::{AuthType, ClientId, ClientSecret, TokenResponse, TokenUrl};
use openidconnect::IssuerUrl;
use openidconnect::core::CoreProviderMetadata;
use url::Url;

use super::oauth::{discovery_error, token_error};
use super::{
    BoxFuture, Provider, ProviderContext, ProviderError, SecretSpec, Secrets, SessionToken,
    SettingSpec, SignOn,
};
use crate::core::account::{Account, ProviderKind};
use crate::core::http::ensure_url_allowed;
use crate::core::secret::{AccessToken, OneTimeUrl};

const NAME: &str = "Sovos";
pub const DEFAULT_ISSUER: &str = "https://accounts.trust.sovos.com";
pub const DEFAULT_AUDIENCE: &str = "signer.trust.sovos.com";
pub const DEFAULT_SCOPES: &str = "openid profile email phone offline_access";
/// The docs: "OAuth tokens are valid for 60 minutes"; used when the answer has no expires_in.
const DOCUMENTED_TOKEN_LIFETIME: Duration = Duration::from_secs(60 * 60);

const SETTINGS: &[SettingSpec] = &[
    SettingSpec {
        key: "issuer",
        help: "The OpenID issuer (default https://accounts.trust.sovos.com); discovery is read from it.",
    },
    SettingSpec {
        key: "client_id",
        help: "The client id Sovos gave you.",
    },
    SettingSpec {
        key: "grant",
        help: "authorization_code (sign in through the browser, the default) or client_credentials (an API token).",
    },
    SettingSpec {
        key: "scopes",
        help: "Space-separated scopes for the browser sign-in (default: openid profile email phone offline_access).",
    },
    SettingSpec {
        key: "acr_values",
        help: "Optional, e.g. urn:acr:face, urn:acr:fpt or urn:acr:moc-fpt.",
    },
    SettingSpec {
        key: "prompt",
        help: "Optional OpenID prompt (login, consent ...).",
    },
    SettingSpec {
        key: "ui_locales",
        help: "Optional preferred languages, e.g. \"es en\".",
    },
    SettingSpec {
        key: "audience",
        help: "Audience for client_credentials (default signer.trust.sovos.com).",
    },
    SettingSpec {
        key: "redirect_host",
        help: "Loopback host of the redirect URI: 127.0.0.1 (default), ::1 or localhost.",
    },
    SettingSpec {
        key: "redirect_port",
        help: "Port of the redirect URI; 0 (default) picks a free one.",
    },
    SettingSpec {
        key: "redirect_path",
        help: "Path of the redirect URI (default /callback).",
    },
    SettingSpec {
        key: "landing_url",
        help: "A page to open after signing in; without it, launch reports the token held.",
    },
];

const SECRETS: &[SecretSpec] = &[SecretSpec {
    name: "client_secret",
    help: "The client secret (needed for client_credentials; optional for a public client).",
}];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grant {
    AuthorizationCode,
    ClientCredentials,
}

#[derive(Debug)]
struct Config {
    /// Kept exactly as written: OpenID compares the issuer as a string, and `Url` would add a
    /// trailing slash to a bare origin.
    issuer: IssuerUrl,
    client_id: String,
    grant: Grant,
    audience: String,
    landing: Option<Url>,
}

pub struct Sovos;

impl Provider for Sovos {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Sovos
    }

    fn settings(&self) -> &'static [SettingSpec] {
        SETTINGS
    }

    fn secrets(&self) -> &'static [SecretSpec] {
        SECRETS
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

    fn authenticate<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
        account: &'a Account,
        secrets: &'a Secrets,
    ) -> BoxFuture<'a, Result<SessionToken, ProviderError>> {
        Box::pin(async move {
            let config = Config::parse(account)?;
            if config.grant == Grant::AuthorizationCode {
                return Err(settings_error(
                    "the browser sign-in (grant=authorization_code) is not in this build yet; set grant=client_credentials for an API token".into(),
                ));
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

    fn sign_on<'a>(
        &'a self,
        _ctx: ProviderContext<'a>,
        account: &'a Account,
        _session: &'a SessionToken,
    ) -> BoxFuture<'a, Result<Option<SignOn>, ProviderError>> {
        Box::pin(async move {
            // The session lives in the app; the landing page needs no token in its URL.
            Ok(Config::parse(account)?.landing.map(|url| SignOn {
                url: OneTimeUrl::new(url),
                lifetime: None,
            }))
        })
    }
}

impl Config {
    fn parse(account: &Account) -> Result<Self, ProviderError> {
        let issuer_text = account.setting("issuer").unwrap_or(DEFAULT_ISSUER);
        parse_url("issuer", issuer_text)?;
        let issuer = IssuerUrl::new(issuer_text.to_string())
            .map_err(|err| settings_error(format!("issuer '{issuer_text}' is not a URL: {err}")))?;
        let client_id = account
            .setting("client_id")
            .ok_or_else(|| settings_error("client_id is required".into()))?
            .to_string();
        let grant = match account.setting("grant") {
            None | Some("authorization_code") => Grant::AuthorizationCode,
            Some("client_credentials") => Grant::ClientCredentials,
            Some(other) => {
                return Err(settings_error(format!(
                    "grant '{other}' must be authorization_code or client_credentials"
                )));
            }
        };
        if let Some(port) = account.setting("redirect_port")
            && port.parse::<u16>().is_err()
        {
            return Err(settings_error(format!(
                "redirect_port '{port}' must be a port number (0 for any free port)"
            )));
        }
        if let Some(path) = account.setting("redirect_path")
            && !path.starts_with('/')
        {
            return Err(settings_error(format!(
                "redirect_path '{path}' must start with /"
            )));
        }
        if let Some(host) = account.setting("redirect_host")
            && !matches!(host, "127.0.0.1" | "::1" | "[::1]" | "localhost")
        {
            return Err(settings_error(format!(
                "redirect_host '{host}' must be a loopback host: 127.0.0.1, ::1 or localhost"
            )));
        }
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
        })
    }
}

fn parse_url(key: &str, text: &str) -> Result<Url, ProviderError> {
    let url = Url::parse(text)
        .map_err(|err| settings_error(format!("{key} '{text}' is not a URL: {err}")))?;
    ensure_url_allowed(&url).map_err(|_| {
        settings_error(format!(
            "{key} '{text}' must use https (plain http only for loopback)"
        ))
    })?;
    Ok(url)
}

fn settings_error(message: String) -> ProviderError {
    ProviderError::Settings {
        provider: NAME,
        message,
    }
}
