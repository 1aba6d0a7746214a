//! signNow OAuth 2: the password and authorization-code grants, refresh, and verification.
//!
//! The token calls are made by hand rather than through `oauth2`, for two signNow quirks:
//! the dashboard's Basic token must be sent verbatim (`oauth2` re-encodes id and secret),
//! and `expires_in` may be a string or an absolute time, which `oauth2` rejects.

pub(super) mod wire;

use std::time::Duration;

use base64::Engine as _;
use oauth2::CsrfToken;
use reqwest::Method;
use reqwest::header::{ACCEPT, AUTHORIZATION};
use url::Url;

use super::form::FieldKind::{Choice, Email, Number, Text};
use super::form::{
    FieldKind, FormField, field, identifies, labelled, required, secret, shareable, when,
};
use super::json::string_at;
use super::{
    Badge, BoxFuture, Flow, Provider, ProviderContext, ProviderError, ProviderSpec, Secrets,
    SessionFlow, SessionToken, SignOn, landing_setting, landing_sign_on, parse_origin,
};
use crate::core::account::{Account, ProviderId};
use crate::core::loopback::{DEFAULT_PATH, ListenerOptions, LoopbackListener};
use crate::core::secret::{AccessToken, OneTimeUrl, SecretString};
use wire::{expires_at, read_answer};

/// The provider in messages, as the registry names it.
pub(super) const NAME: &str = SPEC.display_name;

/// The editor's fields, in order (their help is in `SETTINGS`).
const FORM: &[FormField] = &[
    labelled(
        field(
            "environment",
            "Environment",
            Choice(&["production", "eval"]),
            "production (default) or eval.",
        ),
        &[("production", "Production"), ("eval", "Evaluation")],
    ),
    labelled(
        field(
            "grant",
            "Sign-in",
            Choice(&["password", "authorization_code"]),
            "password (default) or authorization_code (sign in through the browser).",
        ),
        &[
            ("password", "E-mail and password"),
            ("authorization_code", "In the browser"),
        ],
    ),
    when(
        required(field(
            "username",
            "E-mail",
            Email,
            "The user's e-mail (password grant).",
        )),
        "grant",
        &["password"],
    ),
    identifies(shareable(field(
        "client_id",
        "Client id",
        Text,
        "The application's client id (read from basic_token when absent).",
    ))),
    when(
        required(field(
            "redirect_port",
            "Redirect port",
            Number { min: 1, max: 65535 },
            "Port of the registered redirect URI http://127.0.0.1:PORT/callback (authorization_code).",
        )),
        "grant",
        &["authorization_code"],
    ),
    when(
        field(
            "redirect_path",
            "Redirect path",
            Text,
            "Path of the registered redirect URI (default /callback).",
        ),
        "grant",
        &["authorization_code"],
    ),
    field(
        "api_base_url",
        "API host",
        FieldKind::Url,
        "Origin of the API (default https://api.signnow.com, eval https://api-eval.signnow.com).",
    ),
    field(
        "app_base_url",
        "Web app host",
        FieldKind::Url,
        "Origin of the web app with the authorize page (default https://app.signnow.com, eval https://app-eval.signnow.com).",
    ),
    field(
        "landing_url",
        "Landing page",
        FieldKind::Url,
        "A page to open once a token is held.",
    ),
    // Secrets (kept in the vault, never in the account file).
    shareable(secret(
        "basic_token",
        "Basic token",
        "The app's Basic token from the API dashboard (or give client_secret).",
    )),
    shareable(secret(
        "client_secret",
        "Client secret",
        "The app's client secret (or give basic_token).",
    )),
    secret(
        "password",
        "Password",
        "The user's password (password grant).",
    ),
];

/// This provider in files and on the command line.
pub const ID: ProviderId = ProviderId::declare("signnow");

const SPEC: ProviderSpec = ProviderSpec {
    discovery: None,
    form: FORM,
    id: ID,
    display_name: "signNow",
    badge: Badge {
        text: "SN",
        rgb: [0xc0, 0x56, 0x21],
    },
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grant {
    Password,
    AuthorizationCode,
}

struct Config {
    api_origin: Url,
    app_origin: Url,
    client_id: Option<String>,
    grant: Grant,
    username: String,
    listener: ListenerOptions,
    landing: Option<Url>,
}

pub struct SignNow;

impl Provider for SignNow {
    fn spec(&self) -> &'static ProviderSpec {
        &SPEC
    }

    fn validate(&self, account: &Account) -> Result<(), ProviderError> {
        Config::parse(account).map(|_| ())
    }

    fn required_secrets(&self, account: &Account) -> Vec<&'static str> {
        match account.setting("grant") {
            Some("authorization_code") => Vec::new(),
            _ => vec!["password"],
        }
    }

    fn optional_secrets(&self, _account: &Account) -> Vec<&'static str> {
        vec!["basic_token", "client_secret"]
    }

    fn flow(&self) -> Flow<'_> {
        Flow::Session(self)
    }

    fn redirect_uri_to_register(&self, account: &Account) -> Option<String> {
        // signNow matches registered redirect URIs exactly: the port is the account's own.
        (account.setting("grant") == Some("authorization_code")).then(|| {
            format!(
                "http://127.0.0.1:{}{}",
                account.setting("redirect_port").unwrap_or("PORT"),
                account.setting("redirect_path").unwrap_or("/callback")
            )
        })
    }
}

impl SessionFlow for SignNow {
    fn authenticate<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
        account: &'a Account,
        secrets: &'a Secrets,
    ) -> BoxFuture<'a, Result<SessionToken, ProviderError>> {
        Box::pin(async move {
            let config = Config::parse(account)?;
            let basic = basic_token(&config, secrets)?;
            let form: Vec<(&str, String)> = match config.grant {
                Grant::Password => vec![
                    ("grant_type", "password".into()),
                    ("username", config.username.clone()),
                    (
                        "password",
                        secrets.require("password")?.expose_secret().to_string(),
                    ),
                    ("scope", "*".into()),
                ],
                Grant::AuthorizationCode => {
                    let (code, redirect_uri) = browser_code(ctx, &config, &basic, account).await?;
                    vec![
                        ("grant_type", "authorization_code".into()),
                        ("code", code.expose_secret().to_string()),
                        ("redirect_uri", redirect_uri),
                    ]
                }
            };
            token_request(ctx, &config, &basic, &form).await
        })
    }

    fn probe_browser_sign_in<'a>(
        &'a self,
        _ctx: ProviderContext<'a>,
        account: &'a Account,
        secrets: &'a Secrets,
    ) -> Option<BoxFuture<'a, Result<Vec<String>, ProviderError>>> {
        if account.setting("grant") != Some("authorization_code") {
            return None;
        }
        Some(Box::pin(async move {
            let config = Config::parse(account)?;
            let basic = basic_token(&config, secrets)?;
            if config.client_id.is_none() {
                client_id_from_basic(&basic)?;
            }
            let listener = LoopbackListener::bind(config.listener.clone())?;
            let redirect_uri = listener.redirect_uri().to_string();
            drop(listener);
            Ok(vec![
                "the application's client id is known".to_string(),
                format!("the redirect address {redirect_uri} can be listened on"),
            ])
        }))
    }

    fn refresh<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
        account: &'a Account,
        secrets: &'a Secrets,
        session: &'a SessionToken,
    ) -> Option<BoxFuture<'a, Result<SessionToken, ProviderError>>> {
        let refresh_token = session.refresh_token.as_ref()?;
        Some(Box::pin(async move {
            let config = Config::parse(account)?;
            let basic = basic_token(&config, secrets)?;
            // Refresh tokens may be single-use; the token cache never refreshes one account twice at once.
            let form = [
                ("grant_type", "refresh_token".to_string()),
                ("refresh_token", refresh_token.expose_secret().to_string()),
            ];
            token_request(ctx, &config, &basic, &form).await
        }))
    }

    fn verify<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
        account: &'a Account,
        session: &'a SessionToken,
    ) -> Option<BoxFuture<'a, Result<Duration, ProviderError>>> {
        Some(Box::pin(async move {
            let config = Config::parse(account)?;
            let url = config.api_origin.join("/oauth2/token").expect("path joins");
            let request = ctx
                .http
                .request(Method::GET, &url)?
                .header(ACCEPT, "application/json")
                .header(
                    AUTHORIZATION,
                    format!("Bearer {}", session.value.expose_secret()),
                );
            let response = ctx.http.send(request).await?;
            let answer = read_answer(&response)?;
            let expires_at = expires_at(&answer, ctx.clock.now()).ok_or_else(|| {
                ProviderError::malformed(NAME, "the verify answer has no usable expires_in")
            })?;
            Ok((expires_at - ctx.clock.now())
                .try_into()
                .unwrap_or(Duration::ZERO))
        }))
    }

    fn sign_on<'a>(
        &'a self,
        _ctx: ProviderContext<'a>,
        account: &'a Account,
        _session: &'a SessionToken,
    ) -> BoxFuture<'a, Result<Option<SignOn>, ProviderError>> {
        Box::pin(async move { Ok(landing_sign_on(Config::parse(account)?.landing)) })
    }
}

/// The browser part of the authorization-code grant: the authorize page on the app host,
/// back to the registered loopback port. Returns the code and the redirect URI used.
async fn browser_code(
    ctx: ProviderContext<'_>,
    config: &Config,
    basic: &SecretString,
    account: &Account,
) -> Result<(SecretString, String), ProviderError> {
    let browser = ctx
        .browser
        .ok_or(ProviderError::NeedsBrowser { provider: NAME })?;
    let client_id = match &config.client_id {
        Some(id) => id.clone(),
        None => client_id_from_basic(basic)?,
    };
    let mut options = config.listener.clone();
    options.timeout = browser.timeout();
    options.account_name = account.name.clone();
    let listener = LoopbackListener::bind(options)?;
    let redirect_uri = listener.redirect_uri().to_string();
    let state = CsrfToken::new_random();
    let mut authorize = config.app_origin.join("/authorize").expect("path joins");
    authorize
        .query_pairs_mut()
        .append_pair("client_id", &client_id)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", &redirect_uri)
        .append_pair("state", state.secret());
    browser.started(listener.cancel_handle());
    browser.open(&OneTimeUrl::new(authorize));
    let answer = listener
        .wait_for_redirect_async(SecretString::new(state.secret().clone()))
        .await?;
    let code = answer
        .get("code")
        .cloned()
        .ok_or_else(|| ProviderError::malformed(NAME, "the sign-in came back without a code"))?;
    Ok((code, redirect_uri))
}

async fn token_request(
    ctx: ProviderContext<'_>,
    config: &Config,
    basic: &SecretString,
    form: &[(&str, String)],
) -> Result<SessionToken, ProviderError> {
    let url = config.api_origin.join("/oauth2/token").expect("path joins");
    let request = ctx
        .http
        .request(Method::POST, &url)?
        .header(ACCEPT, "application/json")
        .header(AUTHORIZATION, format!("Basic {}", basic.expose_secret()))
        .form(form);
    let issued_at = ctx.clock.now();
    let response = ctx.http.send(request).await?;
    let answer = read_answer(&response)?;
    let access = string_at(&answer, &["access_token"]).ok_or_else(|| {
        ProviderError::malformed(
            NAME,
            "the token answer has no usable access_token (it is missing or not text)",
        )
    })?;
    let expires_at = expires_at(&answer, issued_at).ok_or_else(|| {
        ProviderError::malformed(NAME, "the token answer has no usable expires_in")
    })?;
    let mut session = SessionToken::new(
        AccessToken::new(access),
        "Bearer",
        issued_at,
        Duration::ZERO,
    );
    session.expires_at = expires_at;
    session.refresh_token = string_at(&answer, &["refresh_token"]).map(SecretString::new);
    Ok(session)
}

fn basic_token(config: &Config, secrets: &Secrets) -> Result<SecretString, ProviderError> {
    if let Some(token) = secrets.get("basic_token") {
        return Ok(token.clone());
    }
    let secret = secrets
        .get("client_secret")
        .ok_or(ProviderError::MissingSecret {
            name: "basic_token (or client_secret)".into(),
        })?;
    let client_id = config
        .client_id
        .as_deref()
        .ok_or_else(|| ProviderError::settings(NAME, "client_id is required with client_secret"))?;
    Ok(SecretString::new(
        base64::engine::general_purpose::STANDARD
            .encode(format!("{client_id}:{}", secret.expose_secret())),
    ))
}

/// The client id inside a Basic token (base64 of `client_id:client_secret`).
fn client_id_from_basic(basic: &SecretString) -> Result<String, ProviderError> {
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(basic.expose_secret().trim())
        .ok();
    decoded
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.split_once(':').map(|(id, _)| id.to_string()))
        .filter(|id| !id.is_empty())
        .ok_or_else(|| {
            ProviderError::settings(
                NAME,
                "basic_token is not base64 of client_id:client_secret; set client_id",
            )
        })
}

impl Config {
    fn parse(account: &Account) -> Result<Self, ProviderError> {
        let (api_default, app_default) = match account.setting("environment") {
            None | Some("production") => ("https://api.signnow.com", "https://app.signnow.com"),
            Some("eval") => (
                "https://api-eval.signnow.com",
                "https://app-eval.signnow.com",
            ),
            Some(other) => {
                return Err(ProviderError::settings(
                    NAME,
                    format!("environment '{other}' must be production or eval"),
                ));
            }
        };
        let origin = |key: &str, default: &str| {
            parse_origin(NAME, key, account.setting(key).unwrap_or(default))
        };
        let grant = match account.setting("grant") {
            None | Some("password") => Grant::Password,
            Some("authorization_code") => Grant::AuthorizationCode,
            Some(other) => {
                return Err(ProviderError::settings(
                    NAME,
                    format!("grant '{other}' must be password or authorization_code"),
                ));
            }
        };
        let username = account.setting("username").unwrap_or("").to_string();
        if grant == Grant::Password && username.is_empty() {
            return Err(ProviderError::settings(
                NAME,
                "username is required for the password grant",
            ));
        }
        let mut listener = ListenerOptions::new(account.name.clone());
        listener.path = account
            .setting("redirect_path")
            .unwrap_or(DEFAULT_PATH)
            .to_string();
        if !listener.path.starts_with('/') {
            return Err(ProviderError::settings(
                NAME,
                format!("redirect_path '{}' must start with /", listener.path),
            ));
        }
        if grant == Grant::AuthorizationCode {
            // signNow registers exact redirect URIs, so the port is fixed.
            listener.port = account
                .setting("redirect_port")
                .and_then(|text| text.parse::<u16>().ok())
                .filter(|port| *port != 0)
                .ok_or_else(|| ProviderError::settings(NAME, "redirect_port (the port of the redirect URI registered with signNow) is required for authorization_code"))?;
        }
        let landing = landing_setting(NAME, account)?;
        Ok(Self {
            api_origin: origin("api_base_url", api_default)?,
            app_origin: origin("app_base_url", app_default)?,
            client_id: account.setting("client_id").map(str::to_string),
            grant,
            username,
            listener,
            landing,
        })
    }
}

#[cfg(test)]
#[path = "signnow_tests.rs"]
mod tests;
