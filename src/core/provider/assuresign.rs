//! AssureSign DocumentNOW v3.5: apiUser (or legacy credentials) login gives a session token;
//! `authentication/sso` turns it into a 30-second ssoToken for the Simple Setup page.

mod wire;

use std::time::Duration;

use reqwest::Method;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde_json::{Value, json};
use url::Url;

use super::form::FieldKind::{Choice, Email, Number, Text};
use super::form::{
    FieldKind, FormField, field, identifies, labelled, no_default, required, secret, shareable,
    when,
};
use super::json::string_at;
use super::{
    Badge, BoxFuture, Flow, Provider, ProviderContext, ProviderError, ProviderSpec, Secrets,
    SessionFlow, SessionToken, SignOn, parse_origin,
};
use crate::core::account::{Account, ProviderId};
use crate::core::secret::{AccessToken, OneTimeUrl};
use wire::{join, read_answer};

/// The provider in messages, as the registry names it.
pub(super) const NAME: &str = SPEC.display_name;
/// The seed documents the ssoToken's life as 30 seconds.
pub const SSO_TOKEN_LIFETIME: Duration = Duration::from_secs(30);
pub const ENVIRONMENTS: [&str; 5] = ["www", "na1", "sb", "ca1", "au"];
const DEFAULT_SESSION_MINUTES: u32 = 60;
const MAX_SESSION_MINUTES: u32 = 1440;

pub const AUTH_API_USER_PATH: &str = "/api/v3.5/authentication/apiUser";
pub const AUTH_CREDENTIALS_PATH: &str = "/api/documentnow/v3.0/authentication/credentials";
pub const SSO_PATH: &str = "/api/documentnow/v3.5/authentication/sso";
pub const SIMPLE_SETUP_PATH: &str = "/ui/simpleSetup";

/// The editor's fields, in order (their help is in `SETTINGS`).
const FORM: &[FormField] = &[
    labelled(
        // The data centre is the customer's: no region is assumed.
        no_default(field(
            "environment",
            "Environment",
            Choice(&["www", "na1", "sb", "ca1", "au"]),
            "www (US West), na1 (US East), sb (sandbox), ca1 (Canada) or au (Australia).",
        )),
        &[
            ("www", "US West (www)"),
            ("na1", "US East (na1)"),
            ("sb", "Sandbox (sb)"),
            ("ca1", "Canada (ca1)"),
            ("au", "Australia (au)"),
        ],
    ),
    labelled(
        field(
            "auth_mode",
            "Sign-in",
            Choice(&["api_user", "credentials"]),
            "api_user (default) or credentials (the deprecated username/password login).",
        ),
        &[
            ("api_user", "API user"),
            ("credentials", "Credentials (deprecated)"),
        ],
    ),
    when(
        required(shareable(field(
            "api_username",
            "API user name",
            Text,
            "The API user's name (api_user mode).",
        ))),
        "auth_mode",
        &["api_user"],
    ),
    when(
        required(identifies(field(
            "context_username",
            "Act as (e-mail)",
            Email,
            "E-mail of the AssureSign user to act as (api_user mode).",
        ))),
        "auth_mode",
        &["api_user"],
    ),
    when(
        required(field(
            "username",
            "User name",
            Text,
            "AssureSign user name (credentials mode).",
        )),
        "auth_mode",
        &["credentials"],
    ),
    field(
        "session_minutes",
        "Session length (minutes)",
        Number { min: 1, max: 1440 },
        "Session length requested, 1 to 1440 minutes (default 60).",
    ),
    identifies(field(
        "envelope_id",
        "Envelope id",
        Text,
        "A prepared envelope id to open in Simple Setup.",
    )),
    field(
        "user_context",
        "User context header",
        Text,
        "Optional X-AS-UserContext header, {username}:{contextId}.",
    ),
    field(
        "auth_base_url",
        "Authentication host",
        FieldKind::Url,
        "Origin of the authentication host (default https://account.assuresign.net, au-account for au).",
    ),
    field(
        "api_base_url",
        "DocumentNOW host",
        FieldKind::Url,
        "Origin of the DocumentNOW host (default https://{environment}.assuresign.net).",
    ),
    field(
        "landing_url",
        "Landing page",
        FieldKind::Url,
        "Another page to open, on the API origin; the ssoToken is appended.",
    ),
    // Secrets (kept in the vault, never in the account file).
    shareable(secret(
        "api_key",
        "API key",
        "The API user's key (api_user mode).",
    )),
    secret(
        "password",
        "Password",
        "The user's password (credentials mode).",
    ),
];

/// This provider in files and on the command line.
pub const ID: ProviderId = ProviderId::declare("assuresign");

const SPEC: ProviderSpec = ProviderSpec {
    discovery: None,
    form: FORM,
    id: ID,
    display_name: "AssureSign",
    badge: Badge {
        text: "AS",
        rgb: [0x2b, 0x6c, 0xb0],
    },
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AuthMode {
    ApiUser,
    Credentials,
}

/// An account's settings, parsed and checked.
#[derive(Debug)]
struct Config {
    auth_origin: Url,
    api_origin: Url,
    mode: AuthMode,
    api_username: String,
    context_username: String,
    username: String,
    session_minutes: u32,
    user_context: Option<String>,
    landing: Url,
}

pub struct AssureSign;

impl Provider for AssureSign {
    fn spec(&self) -> &'static ProviderSpec {
        &SPEC
    }

    fn validate(&self, account: &Account) -> Result<(), ProviderError> {
        Config::parse(account).map(|_| ())
    }

    fn required_secrets(&self, account: &Account) -> Vec<&'static str> {
        match account.setting("auth_mode") {
            Some("credentials") => vec!["password"],
            _ => vec!["api_key"],
        }
    }

    fn flow(&self) -> Flow<'_> {
        Flow::Session(self)
    }
}

impl SessionFlow for AssureSign {
    fn authenticate<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
        account: &'a Account,
        secrets: &'a Secrets,
    ) -> BoxFuture<'a, Result<SessionToken, ProviderError>> {
        Box::pin(async move {
            let config = Config::parse(account)?;
            let (url, body, token_paths, scheme): (Url, Value, &[&[&str]], &str) = match config.mode
            {
                AuthMode::ApiUser => (
                    join(&config.auth_origin, AUTH_API_USER_PATH),
                    json!({"request": {
                        "apiUsername": config.api_username,
                        "key": secrets.require("api_key")?.expose_secret(),
                        "contextUsername": config.context_username,
                        "sessionLengthInMinutes": config.session_minutes,
                    }}),
                    // The docs show `{"token":..}`; some clients read `{"result":{"token":..}}`.
                    &[&["token"], &["result", "token"]],
                    "bearer",
                ),
                AuthMode::Credentials => (
                    join(&config.api_origin, AUTH_CREDENTIALS_PATH),
                    json!({"request": {"authRequest": {
                        "username": config.username,
                        "password": secrets.require("password")?.expose_secret(),
                        "sessionLength": config.session_minutes,
                    }}}),
                    &[&["result", "sessionToken"]],
                    "X-AS-UserSessionToken",
                ),
            };
            let issued_at = ctx.clock.now();
            let request = ctx
                .http
                .request(Method::POST, &url)?
                .header(ACCEPT, "application/json")
                .json(&body);
            let response = ctx.http.send(request).await?;
            let answer = read_answer(&response, Stage::Authentication)?;
            let token = token_paths
                .iter()
                .find_map(|path| string_at(&answer, path))
                .ok_or_else(|| ProviderError::Malformed {
                    provider: NAME,
                    what: "the sign-in answer has no usable token (it is missing or not text)"
                        .into(),
                })?;
            let lifetime = Duration::from_secs(u64::from(config.session_minutes) * 60);
            Ok(SessionToken::new(
                AccessToken::new(token),
                scheme,
                issued_at,
                lifetime,
            ))
        })
    }

    fn sign_on<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
        account: &'a Account,
        session: &'a SessionToken,
    ) -> BoxFuture<'a, Result<Option<SignOn>, ProviderError>> {
        Box::pin(async move {
            let config = Config::parse(account)?;
            let mut request = ctx
                .http
                .request(Method::POST, &join(&config.api_origin, SSO_PATH))?
                .header(ACCEPT, "application/json")
                .header(CONTENT_TYPE, "application/json")
                .header(
                    AUTHORIZATION,
                    format!("{} {}", session.scheme, session.value.expose_secret()),
                );
            if let Some(context) = &config.user_context {
                request = request.header("X-AS-UserContext", context);
            }
            // The seed says no request body is required; none is sent.
            let response = ctx.http.send(request).await?;
            let answer = read_answer(&response, Stage::SsoToken)?;
            let sso_token = string_at(&answer, &["result", "ssoToken"]).ok_or_else(|| {
                ProviderError::Malformed {
                    provider: NAME,
                    what: "the authentication/sso answer has no usable result.ssoToken (it is missing or not text)".into(),
                }
            })?;
            Ok(Some(SignOn {
                url: landing_url_with_token(&config.landing, sso_token),
                lifetime: Some(SSO_TOKEN_LIFETIME),
            }))
        })
    }
}

/// Appends `ssoToken` with `?` or `&` as the URL needs, percent-encoded.
fn landing_url_with_token(landing: &Url, sso_token: &str) -> OneTimeUrl {
    let mut url = landing.clone();
    url.query_pairs_mut().append_pair("ssoToken", sso_token);
    OneTimeUrl::new(url)
}

#[derive(Clone, Copy)]
pub(super) enum Stage {
    Authentication,
    SsoToken,
}

impl Config {
    fn parse(account: &Account) -> Result<Self, ProviderError> {
        let environment = account.setting("environment");
        if let Some(env) = environment
            && !ENVIRONMENTS.contains(&env)
        {
            return Err(ProviderError::settings(
                NAME,
                format!(
                    "environment '{env}' is not one of {}",
                    ENVIRONMENTS.join(", ")
                ),
            ));
        }
        let api_origin = match (account.setting("api_base_url"), environment) {
            (Some(value), _) => parse_origin(NAME, "api_base_url", value)?,
            (None, Some(env)) => {
                Url::parse(&format!("https://{env}.assuresign.net")).expect("static URL")
            }
            (None, None) => {
                return Err(ProviderError::settings(
                    NAME,
                    "choose the environment (www, na1, sb, ca1, au) or set api_base_url",
                ));
            }
        };
        let auth_origin = match (account.setting("auth_base_url"), environment) {
            (Some(value), _) => parse_origin(NAME, "auth_base_url", value)?,
            // Seen in third-party code for the Australian region.
            (None, Some("au")) => {
                Url::parse("https://au-account.assuresign.net").expect("static URL")
            }
            (None, _) => Url::parse("https://account.assuresign.net").expect("static URL"),
        };
        let mode = match account.setting("auth_mode") {
            None | Some("api_user") => AuthMode::ApiUser,
            Some("credentials") => AuthMode::Credentials,
            Some(other) => {
                return Err(ProviderError::settings(
                    NAME,
                    format!("auth_mode '{other}' must be api_user or credentials"),
                ));
            }
        };
        let required = |key: &str| {
            account
                .setting(key)
                .map(str::to_string)
                .ok_or_else(|| ProviderError::settings(NAME, format!("{key} is required")))
        };
        let (api_username, context_username, username) = match mode {
            AuthMode::ApiUser => {
                let context = required("context_username")?;
                if !looks_like_email(&context) {
                    return Err(ProviderError::settings(
                        NAME,
                        format!("context_username '{context}' should be the user's e-mail address"),
                    ));
                }
                (required("api_username")?, context, String::new())
            }
            AuthMode::Credentials => (String::new(), String::new(), required("username")?),
        };
        let session_minutes = match account.setting("session_minutes") {
            None => DEFAULT_SESSION_MINUTES,
            Some(text) => text
                .parse::<u32>()
                .ok()
                .filter(|minutes| (1..=MAX_SESSION_MINUTES).contains(minutes))
                .ok_or_else(|| ProviderError::settings(NAME, format!("session_minutes '{text}' must be a whole number from 1 to {MAX_SESSION_MINUTES}")))?,
        };
        let user_context = account.setting("user_context").map(str::to_string);
        if let Some(context) = &user_context
            && !context
                .split_once(':')
                .is_some_and(|(user, id)| !user.is_empty() && !id.is_empty())
        {
            return Err(ProviderError::settings(
                NAME,
                format!("user_context '{context}' must look like username:contextId"),
            ));
        }
        let landing = landing_page(account, &api_origin)?;
        Ok(Self {
            auth_origin,
            api_origin,
            mode,
            api_username,
            context_username,
            username,
            session_minutes,
            user_context,
            landing,
        })
    }
}

/// The page the ssoToken is sent to. Only the account's API origin is allowed, so the token
/// can never be handed to another site.
fn landing_page(account: &Account, api_origin: &Url) -> Result<Url, ProviderError> {
    if let Some(text) = account.setting("landing_url") {
        let url = super::parse_address("landing_url", text)
            .map_err(|message| ProviderError::settings(NAME, message))?;
        if url.origin() != api_origin.origin() {
            return Err(ProviderError::settings(
                NAME,
                format!(
                    "landing_url must be on the account's API origin {} (it is on {}), so the ssoToken is never sent elsewhere",
                    api_origin.origin().ascii_serialization(),
                    url.origin().ascii_serialization()
                ),
            ));
        }
        if url.fragment().is_some() {
            return Err(ProviderError::settings(
                NAME,
                "landing_url must not have a #fragment",
            ));
        }
        return Ok(url);
    }
    let mut url = join(api_origin, SIMPLE_SETUP_PATH);
    if let Some(envelope) = account.setting("envelope_id") {
        url.path_segments_mut()
            .expect("http URL has a path")
            .push(envelope);
    }
    Ok(url)
}

fn looks_like_email(text: &str) -> bool {
    text.split_once('@').is_some_and(|(user, domain)| {
        !user.is_empty() && domain.contains('.') && !text.contains(char::is_whitespace)
    })
}

/// Every reader of AssureSign's answers, on any answer (the property tests' entry point).
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn read_any(response: &crate::core::http::HttpResponse) {
    let _ = read_answer(response, Stage::Authentication);
    let _ = read_answer(response, Stage::SsoToken);
}

#[cfg(test)]
#[path = "assuresign_tests.rs"]
mod tests;
