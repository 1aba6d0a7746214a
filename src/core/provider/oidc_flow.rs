//! OpenID Connect, for any provider that speaks it: the settings every such provider takes
//! ([`oidc_form`]), the provider itself ([`OidcProvider`], told apart by an [`OidcProfile`]),
//! and `client_credentials`. The browser sign-in and refresh are in `oidc_browser.rs`.

use std::time::Duration;

use oauth2::basic::BasicClient;
use oauth2::{AuthType, ClientId, ClientSecret, TokenResponse, TokenUrl};
use openidconnect::IssuerUrl;
use openidconnect::core::{CoreClientAuthMethod, CoreProviderMetadata};
use url::Url;

use super::form::FieldKind::{Choice, Number, Text};
use super::form::{
    FieldKind, FormField, field, identifies, labelled, required, secret, shareable, when,
};
use super::oauth::{discovery_error, token_error};
use super::{
    BoxFuture, Flow, Provider, ProviderContext, ProviderError, ProviderSpec, Secrets, SessionFlow,
    SessionToken, SignOn, landing_sign_on,
};
use crate::core::account::Account;
use crate::core::http::ensure_url_allowed;
use crate::core::loopback::{DEFAULT_PATH, ListenerOptions, LoopbackHost};
use crate::core::secret::AccessToken;

/// What one OpenID Connect provider says in its form where the others differ.
pub(super) struct OidcFormText {
    pub issuer: &'static str,
    /// Whether the issuer must be given (a provider with a default issuer needs none).
    pub issuer_required: bool,
    pub client_id: &'static str,
    pub scopes: &'static str,
    pub acr_values: &'static str,
    pub audience: &'static str,
}

/// The settings and the secret every OpenID Connect provider takes, in the editor's order.
pub(super) const fn oidc_form(text: OidcFormText) -> [FormField; 13] {
    let issuer = field("issuer", "Issuer", FieldKind::Url, text.issuer);
    let browser_only = &["authorization_code"];
    [
        if text.issuer_required {
            required(issuer)
        } else {
            issuer
        },
        required(identifies(field(
            "client_id",
            "Client id",
            Text,
            text.client_id,
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
            field("scopes", "Scopes", Text, text.scopes),
            "grant",
            browser_only,
        ),
        when(
            field("acr_values", "ACR values", Text, text.acr_values),
            "grant",
            browser_only,
        ),
        when(
            field(
                "prompt",
                "Prompt",
                Text,
                "Optional OpenID prompt (login, consent ...).",
            ),
            "grant",
            browser_only,
        ),
        when(
            field(
                "ui_locales",
                "Languages",
                Text,
                "Optional preferred languages, e.g. \"es en\".",
            ),
            "grant",
            browser_only,
        ),
        when(
            field("audience", "Audience", Text, text.audience),
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
            browser_only,
        ),
        when(
            field(
                "redirect_port",
                "Redirect port",
                Number { min: 0, max: 65535 },
                "Port of the redirect URI; 0 (default) picks a free one.",
            ),
            "grant",
            browser_only,
        ),
        when(
            field(
                "redirect_path",
                "Redirect path",
                Text,
                "Path of the redirect URI (default /callback).",
            ),
            "grant",
            browser_only,
        ),
        field(
            "landing_url",
            "Landing page",
            FieldKind::Url,
            "A page to open after signing in; without it, launch reports the token held.",
        ),
        shareable(secret(
            "client_secret",
            "Client secret",
            "The client secret (needed for client_credentials; optional for a public client).",
        )),
    ]
}

/// What tells one OpenID Connect provider from another.
pub(super) struct OidcProfile {
    pub spec: &'static ProviderSpec,
    pub default_issuer: Option<&'static str>,
    /// Sent with `client_credentials` when the account names none.
    pub default_audience: Option<&'static str>,
    pub default_scopes: &'static str,
    /// A token's lifetime when the answer has no `expires_in`.
    pub token_lifetime: Duration,
}

impl OidcProfile {
    /// The provider's name in messages.
    pub(super) fn name(&self) -> &'static str {
        self.spec.display_name
    }
}

/// An OpenID Connect provider, as its profile describes it.
pub(super) struct OidcProvider {
    profile: &'static OidcProfile,
}

impl OidcProvider {
    pub(super) const fn new(profile: &'static OidcProfile) -> Self {
        Self { profile }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Grant {
    AuthorizationCode,
    ClientCredentials,
}

#[derive(Debug)]
pub(super) struct Config {
    pub(super) profile: &'static OidcProfile,
    /// Kept exactly as written: OpenID compares the issuer as a string, and `Url` would add a
    /// trailing slash to a bare origin.
    pub(super) issuer: IssuerUrl,
    pub(super) client_id: String,
    grant: Grant,
    audience: Option<String>,
    landing: Option<Url>,
    /// Where the browser sign-in comes back to.
    pub(super) listener: ListenerOptions,
    pub(super) scopes: Vec<String>,
    pub(super) acr_values: Option<String>,
    pub(super) prompt: Option<String>,
    pub(super) ui_locales: Option<String>,
}

impl std::fmt::Debug for OidcProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Provider for OidcProvider {
    fn spec(&self) -> &'static ProviderSpec {
        self.profile.spec
    }

    fn validate(&self, account: &Account) -> Result<(), ProviderError> {
        Config::parse(self.profile, account).map(|_| ())
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

impl SessionFlow for OidcProvider {
    fn refresh<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
        account: &'a Account,
        secrets: &'a Secrets,
        session: &'a SessionToken,
    ) -> Option<BoxFuture<'a, Result<SessionToken, ProviderError>>> {
        session.refresh_token.as_ref()?;
        Some(Box::pin(async move {
            let config = Config::parse(self.profile, account)?;
            super::oidc_browser::refresh(ctx, &config, secrets, session).await
        }))
    }

    fn authenticate<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
        account: &'a Account,
        secrets: &'a Secrets,
    ) -> BoxFuture<'a, Result<SessionToken, ProviderError>> {
        Box::pin(async move {
            let config = Config::parse(self.profile, account)?;
            if config.grant == Grant::AuthorizationCode {
                return super::oidc_browser::sign_in(ctx, &config, secrets).await;
            }
            client_credentials(ctx, &config, secrets).await
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
            let config = Config::parse(self.profile, account)?;
            super::oidc_browser::probe(ctx, &config).await
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
            Ok(landing_sign_on(
                Config::parse(self.profile, account)?.landing,
            ))
        })
    }
}

/// `client_credentials`, with the audience when there is one.
async fn client_credentials(
    ctx: ProviderContext<'_>,
    config: &Config,
    secrets: &Secrets,
) -> Result<SessionToken, ProviderError> {
    let name = config.profile.name();
    let secret = secrets.require("client_secret")?;
    let metadata = CoreProviderMetadata::discover_async(config.issuer.clone(), ctx.http)
        .await
        .map_err(|err| discovery_error(name, err))?;
    let token_url = metadata
        .token_endpoint()
        .ok_or_else(|| ProviderError::Malformed {
            provider: name,
            what: "its OpenID discovery names no token_endpoint".into(),
        })?;
    // client_secret_basic when the issuer lists it, or lists nothing (the default of OpenID
    // Connect Discovery; Sovos's docs ask for it); client_secret_post only where it is all
    // the issuer takes.
    let auth_type = match metadata.token_endpoint_auth_methods_supported() {
        Some(methods)
            if !methods.contains(&CoreClientAuthMethod::ClientSecretBasic)
                && methods.contains(&CoreClientAuthMethod::ClientSecretPost) =>
        {
            AuthType::RequestBody
        }
        _ => AuthType::BasicAuth,
    };
    let client = BasicClient::new(ClientId::new(config.client_id.clone()))
        .set_client_secret(ClientSecret::new(secret.expose_secret().to_string()))
        .set_token_uri(TokenUrl::from_url(token_url.url().clone()))
        .set_auth_type(auth_type);
    let issued_at = ctx.clock.now();
    let mut request = client.exchange_client_credentials();
    if let Some(audience) = &config.audience {
        request = request.add_extra_param("audience", audience.clone());
    }
    let answer = request
        .request_async(ctx.http)
        .await
        .map_err(|err| token_error(name, err))?;
    let lifetime = answer.expires_in().unwrap_or(config.profile.token_lifetime);
    Ok(SessionToken::new(
        AccessToken::new(answer.access_token().secret().as_str()),
        "Bearer",
        issued_at,
        lifetime,
    ))
}

impl Config {
    fn parse(profile: &'static OidcProfile, account: &Account) -> Result<Self, ProviderError> {
        let name = profile.name();
        let parse_url = |key: &str, text: &str| parse_url(name, key, text);
        let issuer_text = account
            .setting("issuer")
            .or(profile.default_issuer)
            .ok_or_else(|| ProviderError::settings(name, "issuer is required"))?;
        parse_url("issuer", issuer_text)?;
        let issuer = IssuerUrl::new(issuer_text.to_string()).map_err(|_| {
            ProviderError::settings(
                name,
                format!("issuer '{issuer_text}' is not a valid address"),
            )
        })?;
        let client_id = account
            .setting("client_id")
            .ok_or_else(|| ProviderError::settings(name, "client_id is required"))?
            .to_string();
        let grant = match account.setting("grant") {
            None | Some("authorization_code") => Grant::AuthorizationCode,
            Some("client_credentials") => Grant::ClientCredentials,
            Some(other) => {
                return Err(ProviderError::settings(
                    name,
                    format!("grant '{other}' must be authorization_code or client_credentials"),
                ));
            }
        };
        let port = match account.setting("redirect_port") {
            None => 0,
            Some(text) => text.parse::<u16>().map_err(|_| {
                ProviderError::settings(
                    name,
                    format!("redirect_port '{text}' must be a port number (0 for any free port)"),
                )
            })?,
        };
        let path = account.setting("redirect_path").unwrap_or(DEFAULT_PATH);
        if !path.starts_with('/') {
            return Err(ProviderError::settings(
                name,
                format!("redirect_path '{path}' must start with /"),
            ));
        }
        let host = match account.setting("redirect_host") {
            None | Some("127.0.0.1") => LoopbackHost::Ipv4,
            Some("::1" | "[::1]") => LoopbackHost::Ipv6,
            Some("localhost") => LoopbackHost::Localhost,
            Some(other) => {
                return Err(ProviderError::settings(
                    name,
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
            scopes = profile
                .default_scopes
                .split(' ')
                .map(str::to_string)
                .collect();
        }
        if !scopes.iter().any(|scope| scope == "openid") {
            return Err(ProviderError::settings(name, "scopes must include openid"));
        }
        let optional = |key: &str| account.setting(key).map(str::to_string);
        let landing = account
            .setting("landing_url")
            .map(|text| parse_url("landing_url", text))
            .transpose()?;
        Ok(Self {
            profile,
            issuer,
            client_id,
            grant,
            audience: optional("audience").or(profile.default_audience.map(str::to_string)),
            landing,
            listener,
            scopes,
            acr_values: optional("acr_values"),
            prompt: optional("prompt"),
            ui_locales: optional("ui_locales"),
        })
    }
}

fn parse_url(name: &'static str, key: &str, text: &str) -> Result<Url, ProviderError> {
    let url = super::parse_address(key, text)
        .map_err(|message| ProviderError::settings(name, message))?;
    ensure_url_allowed(&url).map_err(|_| {
        ProviderError::settings(
            name,
            format!("{key} '{text}' must use https (plain http only for loopback)"),
        )
    })?;
    Ok(url)
}

/// Every reader of an OpenID provider's answers, on any answer (the property tests' entry
/// point): the token answer as `openidconnect` reads it, then the app's own reading of its
/// lifetime.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn read_any(profile: &OidcProfile, response: &crate::core::http::HttpResponse) {
    let _ = super::json::body_as_json(profile.name(), response);
    if let Ok(answer) =
        serde_json::from_slice::<openidconnect::core::CoreTokenResponse>(&response.body)
    {
        use openidconnect::OAuth2TokenResponse;
        let lifetime = answer.expires_in().unwrap_or(profile.token_lifetime);
        let _ = SessionToken::new(
            crate::core::secret::AccessToken::new("x"),
            "Bearer",
            time::OffsetDateTime::now_utc(),
            lifetime,
        );
    }
}
