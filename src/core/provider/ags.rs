//! AGS, the Authentication Gateway Service (`shared/providers.md` §2): sign-on with a session
//! token or with the service's own parameters, the 300 account choice, refresh and sign-out.
//!
//! AGS is not OAuth (JSON bodies, raw tokens in `Authorization`, 201 answers), so the calls
//! are made by hand.

use reqwest::Method;
use serde_json::json;
use url::Url;

use super::ags_discovery::{discover, discovery_target};
use super::ags_wire::{
    ACCOUNT_CHOICE, Answer, CLIENT_ID, Call, NAME, choose, error, raw_authorization,
    read_account_matches, read_tokens, sign_on_body,
};
use super::discovery::{DiscoveredChoice, DiscoveredSetting, DiscoverySpec};
use super::form::FieldKind::{Choice, Text};
use super::form::{FieldKind, FormField, field, identifies, labelled, required, secret, unlisted};
use super::{
    Badge, BoxFuture, Flow, Provider, ProviderContext, ProviderError, ProviderSpec, Secrets,
    SessionFlow, SessionToken, SignOn, landing_setting, landing_sign_on, parse_origin,
};
use crate::core::account::{Account, ProviderId};

/// The account's settings, in the editor's order, with their help.
const FORM: &[FormField] = &[
    required(field(
        "base_url",
        "Gateway",
        FieldKind::Url,
        "Origin of the operator's gateway, https://host[:port] (/ags/... is added).",
    )),
    identifies(field(
        "tenant_id",
        "Tenant id",
        Text,
        "The tenant id, sent as nv-tenant-id.",
    )),
    required(field(
        "auth_service_id",
        "Service",
        Text,
        "The service to sign on with: an authServiceName from the gateway's service discovery.",
    )),
    labelled(
        field(
            "sign_on",
            "Sign on with",
            Choice(&["session_token", "password"]),
            "session_token (default: signOnWithSessionToken) or password (the service's signOn with its parameters).",
        ),
        &[
            ("session_token", "Session token"),
            ("password", "The service's sign-on parameters"),
        ],
    ),
    field(
        "client_id",
        "Client id",
        Text,
        "A client id to sign on as (default: the one AGS returned at the first sign-on).",
    ),
    field(
        "landing_url",
        "Landing page",
        FieldKind::Url,
        "A page to open once a token is held.",
    ),
    unlisted(field(
        "param.NAME",
        "param.NAME",
        Text,
        "A non-secret sign-on parameter, e.g. param.Username=alice.",
    )),
    // Secrets (kept in the vault, never in the account file).
    secret(
        "session_token",
        "Session token",
        "The session token (sign_on=session_token).",
    ),
    secret(
        "password",
        "Password",
        "The value of the service's password parameter (sign_on=password).",
    ),
];

/// This provider in files and on the command line.
pub const ID: ProviderId = ProviderId::declare("ags");

pub(super) const SPEC: ProviderSpec = ProviderSpec {
    discovery: Some(DiscoverySpec {
        needs: &["base_url"],
        fills: "auth_service_id",
        choices_are: "services",
        next_step: "Set auth_service_id to one of these. A sign-on's secret parameter is kept as the secret session_token or password; the others are settings named param.NAME.",
    }),
    form: FORM,
    id: ID,
    display_name: "AGS",
    badge: Badge {
        text: "AGS",
        rgb: [0x6b, 0x46, 0xc1],
    },
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SignOnWith {
    SessionToken,
    Password,
}

struct Config {
    origin: Url,
    tenant_id: Option<String>,
    auth_service_id: String,
    sign_on: SignOnWith,
    client_id: Option<String>,
    parameters: Vec<(String, String)>,
    landing: Option<Url>,
}

impl Config {
    fn parse(account: &Account) -> Result<Self, ProviderError> {
        let origin = parse_origin(NAME, "base_url", account.setting("base_url").unwrap_or(""))?;
        let auth_service_id = account
            .setting("auth_service_id")
            .filter(|id| !id.trim().is_empty())
            .ok_or_else(|| {
                ProviderError::settings(
                    NAME,
                    "auth_service_id is required; discovery lists the services",
                )
            })?
            .to_string();
        let sign_on = match account.setting("sign_on") {
            None | Some("session_token") => SignOnWith::SessionToken,
            Some("password") => SignOnWith::Password,
            Some(other) => {
                return Err(ProviderError::settings(
                    NAME,
                    format!("sign_on '{other}' must be session_token or password"),
                ));
            }
        };
        let landing = landing_setting(NAME, account)?;
        Ok(Self {
            origin,
            tenant_id: account.setting("tenant_id").map(str::to_string),
            auth_service_id,
            sign_on,
            client_id: account.setting("client_id").map(str::to_string),
            parameters: account
                .settings
                .iter()
                .filter_map(|(key, value)| {
                    key.strip_prefix("param.")
                        .map(|name| (name.to_string(), value.clone()))
                })
                .collect(),
            landing,
        })
    }

    fn call(&self) -> Call<'_> {
        Call {
            origin: &self.origin,
            tenant_id: self.tenant_id.as_deref(),
            auth_service_id: Some(&self.auth_service_id),
        }
    }
}

pub struct Ags;

impl Provider for Ags {
    fn spec(&self) -> &'static ProviderSpec {
        &SPEC
    }

    fn discover<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
        account: &'a Account,
    ) -> Option<BoxFuture<'a, Result<Vec<DiscoveredChoice>, ProviderError>>> {
        Some(Box::pin(async move {
            let (origin, tenant) = discovery_target(account)?;
            discover(ctx, &origin, tenant.as_deref()).await
        }))
    }

    fn discovered_settings(
        &self,
        account: &Account,
        choices: &[DiscoveredChoice],
    ) -> Vec<DiscoveredSetting> {
        // Only a sign-on with the service's own parameters sends them.
        if account.setting("sign_on") != Some("password") {
            return Vec::new();
        }
        let chosen = account.setting("auth_service_id").unwrap_or("");
        choices
            .iter()
            .filter(|service| service.id == chosen)
            .flat_map(|service| &service.endpoints)
            .filter(|endpoint| endpoint.name.eq_ignore_ascii_case("SIGNON"))
            .flat_map(|endpoint| &endpoint.parameters)
            .filter(|parameter| !parameter.is_password)
            .map(|parameter| DiscoveredSetting {
                key: format!("param.{}", parameter.name),
                label: parameter.name.clone(),
                required: parameter.mandatory,
            })
            .collect()
    }

    fn validate(&self, account: &Account) -> Result<(), ProviderError> {
        Config::parse(account).map(|_| ())
    }

    fn required_secrets(&self, account: &Account) -> Vec<&'static str> {
        match account.setting("sign_on") {
            Some("password") => vec!["password"],
            _ => vec!["session_token"],
        }
    }

    fn flow(&self) -> Flow<'_> {
        Flow::Session(self)
    }
}

impl SessionFlow for Ags {
    fn authenticate<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
        account: &'a Account,
        secrets: &'a Secrets,
    ) -> BoxFuture<'a, Result<SessionToken, ProviderError>> {
        Box::pin(async move {
            let config = Config::parse(account)?;
            let (path, parameters) = match config.sign_on {
                SignOnWith::SessionToken => {
                    let mut parameters = vec![(
                        "sessionToken".to_string(),
                        secrets
                            .require("session_token")?
                            .expose_secret()
                            .to_string(),
                    )];
                    parameters.extend(config.parameters.iter().cloned());
                    ("/signOnWithSessionToken".to_string(), parameters)
                }
                SignOnWith::Password => password_sign_on(ctx, &config, secrets).await?,
            };
            let mut client_id = config
                .client_id
                .clone()
                .or_else(|| ctx.remembered.get(CLIENT_ID).cloned());
            let answer = match sign_on(ctx, &config, &path, &parameters, client_id.as_deref())
                .await?
            {
                // A deleted device (20003): register this machine afresh, once.
                Err(err) if client_id.is_some() && rejected_with(&err, "20003") => {
                    tracing::info!(account = %account.name, "device deleted at AGS; registering again");
                    client_id = None;
                    sign_on(ctx, &config, &path, &parameters, None).await??
                }
                answer => answer?,
            };
            // What the next sign-in sends; the answer's client_id replaces it when given.
            let mut state = ctx.remembered.clone();
            match client_id {
                Some(id) => state.insert(CLIENT_ID.into(), id),
                None => state.remove(CLIENT_ID),
            };
            let issued_at = ctx.clock.now();
            if answer.response.status.as_u16() != 300 {
                return read_tokens(&answer, issued_at, &state);
            }
            let matches = read_account_matches(&answer)?;
            let chosen = choose(ctx, account, &matches).await?;
            state.insert(ACCOUNT_CHOICE.into(), matches[chosen].label.clone());
            let user_token = matches[chosen].user_token.expose_secret().to_string();
            let body = sign_on_body(&parameters, state.get(CLIENT_ID).map(String::as_str));
            let answer = config
                .call()
                .send(
                    ctx,
                    Method::POST,
                    "/subsequentSignOn",
                    &[("User-Token", &user_token)],
                    Some(body),
                )
                .await?;
            if !answer.response.status.is_success() {
                return Err(error(&answer, "subsequentSignOn"));
            }
            read_tokens(&answer, ctx.clock.now(), &state)
        })
    }

    fn refresh<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
        account: &'a Account,
        _secrets: &'a Secrets,
        session: &'a SessionToken,
    ) -> Option<BoxFuture<'a, Result<SessionToken, ProviderError>>> {
        let refresh_token = session.refresh_token.as_ref()?;
        Some(Box::pin(async move {
            let config = Config::parse(account)?;
            let issued_at = ctx.clock.now();
            let answer = config
                .call()
                .send(
                    ctx,
                    Method::POST,
                    "/refresh",
                    &[raw_authorization(refresh_token.expose_secret())],
                    Some(json!({"parameters": []})),
                )
                .await?;
            if !answer.response.status.is_success() {
                return Err(error(&answer, "refresh"));
            }
            read_tokens(&answer, issued_at, &session.state)
        }))
    }

    fn sign_out<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
        account: &'a Account,
        session: &'a SessionToken,
    ) -> Option<BoxFuture<'a, Result<(), ProviderError>>> {
        Some(Box::pin(async move {
            let config = Config::parse(account)?;
            let answer = config
                .call()
                .send(
                    ctx,
                    Method::POST,
                    "/signOut",
                    &[raw_authorization(session.value.expose_secret())],
                    None,
                )
                .await?;
            if answer.response.status.is_success() {
                Ok(())
            } else {
                Err(error(&answer, "signOut"))
            }
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

/// Sends a sign-on; `Ok(Err(..))` is AGS refusing it, so the caller can retry on 20003.
async fn sign_on(
    ctx: ProviderContext<'_>,
    config: &Config,
    path: &str,
    parameters: &[(String, String)],
    client_id: Option<&str>,
) -> Result<Result<Answer, ProviderError>, ProviderError> {
    let body = sign_on_body(parameters, client_id);
    let answer = config
        .call()
        .send(ctx, Method::POST, path, &[], Some(body))
        .await?;
    let status = answer.response.status.as_u16();
    Ok(if answer.response.status.is_success() || status == 300 {
        Ok(answer)
    } else {
        Err(error(&answer, &path[1..]))
    })
}

fn rejected_with(err: &ProviderError, wanted: &str) -> bool {
    matches!(err, ProviderError::Rejected { code, .. } if code == wanted)
}

/// The service's `signOn` path and parameters: the secret one from `password`, the others
/// from `param.NAME` settings, checked against discovery before anything is sent.
async fn password_sign_on(
    ctx: ProviderContext<'_>,
    config: &Config,
    secrets: &Secrets,
) -> Result<(String, Vec<(String, String)>), ProviderError> {
    let services = discover(ctx, &config.origin, config.tenant_id.as_deref()).await?;
    let service = services
        .iter()
        .find(|service| service.id == config.auth_service_id)
        .ok_or_else(|| {
            let known: Vec<_> = services.iter().map(|service| service.id.as_str()).collect();
            ProviderError::settings(
                NAME,
                format!(
                    "auth_service_id '{}' is not offered here; the services are: {}",
                    config.auth_service_id,
                    known.join(", ")
                ),
            )
        })?;
    let endpoint = service
        .endpoints
        .iter()
        .find(|endpoint| endpoint.name.eq_ignore_ascii_case("SIGNON"))
        .ok_or_else(|| {
            ProviderError::settings(
                NAME,
                format!(
                    "the service '{}' offers no SIGNON endpoint; use sign_on=session_token",
                    service.id
                ),
            )
        })?;
    let mut parameters = Vec::new();
    for (name, _) in &config.parameters {
        if !endpoint.parameters.iter().any(|spec| &spec.name == name) {
            let names: Vec<_> = endpoint
                .parameters
                .iter()
                .map(|spec| spec.name.as_str())
                .collect();
            return Err(ProviderError::settings(
                NAME,
                format!(
                    "the service '{}' has no sign-on parameter '{name}'; it takes: {}",
                    service.id,
                    names.join(", ")
                ),
            ));
        }
    }
    for spec in &endpoint.parameters {
        let value = if spec.is_password {
            secrets
                .get("password")
                .map(|value| value.expose_secret().to_string())
        } else {
            config
                .parameters
                .iter()
                .find(|(name, _)| name == &spec.name)
                .map(|(_, value)| value.clone())
        };
        match value {
            Some(value) => parameters.push((spec.name.clone(), value)),
            None if spec.mandatory && spec.is_password => {
                return Err(ProviderError::MissingSecret {
                    name: "password".into(),
                });
            }
            None if spec.mandatory => {
                return Err(ProviderError::settings(
                    NAME,
                    format!(
                        "the service '{}' needs the parameter '{}': set param.{}=VALUE",
                        service.id, spec.name, spec.name
                    ),
                ));
            }
            None => {}
        }
    }
    Ok((endpoint.path.clone(), parameters))
}
