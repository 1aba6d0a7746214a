//! LicenseSpring's SSO URL (`shared/providers.md` §3): a signed `GET /api/v4/sso_url`, the
//! browser at the returned URL, the redirect caught on the loopback address it names, and
//! optionally the license activated with what came back.
//!
//! The user pool's redirect URI is fixed per customer account on the vendor's side and the
//! state is ours to add, so this is not an `oauth2` flow: the URL arrives ready-made.

mod license;
mod wire;

use oauth2::CsrfToken;
use reqwest::Method;
use reqwest::header::{ACCEPT, AUTHORIZATION, DATE};
use serde_json::Value;
use url::Url;

use super::form::FieldKind::{Choice, Flag, Text};
use super::form::{
    FieldKind, FormField, field, identifies, labelled, required, secret, shareable, when,
};
use super::json::string_at;
use super::licensespring_auth::{authorization, imf_fixdate};
use super::{
    Badge, BoxFuture, Flow, Provider, ProviderContext, ProviderError, ProviderSpec,
    RedirectOutcome, RoundTripFlow, Secrets, parse_origin,
};
use crate::core::account::{Account, ProviderId};
use crate::core::http::HttpResponse;
use crate::core::loopback::{ListenerOptions, LoopbackError, LoopbackListener, ResponseMode};
use crate::core::secret::{OneTimeUrl, SecretString};
use license::{activate, hardware_id, read_vendor_key};
use wire::read_answer;

/// The provider in messages, as the registry names it.
pub(super) const NAME: &str = SPEC.display_name;

/// The editor's fields, in order (their help is in `SETTINGS`).
const FORM: &[FormField] = &[
    field(
        "api_base_url",
        "License API",
        FieldKind::Url,
        "Origin of the License API (default https://api.licensespring.com; /api/v4/... is added).",
    ),
    required(field(
        "product",
        "Product code",
        Text,
        "The product short code.",
    )),
    required(identifies(field(
        "customer_account_code",
        "Customer account",
        Text,
        "The customer account whose SSO is used.",
    ))),
    labelled(
        field(
            "response_type",
            "Response",
            Choice(&["code", "token"]),
            "code (default: a code comes back in the query) or token (an id_token in the fragment).",
        ),
        &[("code", "Authorization code"), ("token", "ID token")],
    ),
    field(
        "activate",
        "Activate on this machine",
        Flag,
        "true: activate the license on this machine after sign-in (default false).",
    ),
    when(
        field(
            "hardware_id",
            "Hardware id",
            Text,
            "The hardware id to activate with (default: derived from this machine's id).",
        ),
        "activate",
        &["true"],
    ),
    when(
        field(
            "vendor_public_key",
            "Vendor public key",
            Text,
            "The vendor's RSA public key (PEM file path, PEM text or base64 DER) to verify the LicenseSignature.",
        ),
        "activate",
        &["true"],
    ),
    // Secrets (kept in the vault, never in the account file).
    shareable(secret(
        "api_key",
        "API key",
        "The License API key (sent with each request).",
    )),
    shareable(secret(
        "shared_key",
        "Shared key",
        "The shared key that signs requests (never sent).",
    )),
    shareable(secret(
        "oauth_token",
        "OAuth token",
        "An OAuth bearer token, instead of api_key and shared_key.",
    )),
];

/// This provider in files and on the command line.
pub const ID: ProviderId = ProviderId::declare("licensespring");

const SPEC: ProviderSpec = ProviderSpec {
    discovery: None,
    form: FORM,
    id: ID,
    display_name: "LicenseSpring",
    badge: Badge {
        text: "LS",
        rgb: [0x2f, 0x85, 0x5a],
    },
};

pub(super) struct Config {
    pub origin: Url,
    pub product: String,
    pub customer: String,
    pub token_mode: bool,
    pub activate: bool,
    pub hardware_id: Option<String>,
    pub vendor_key: Option<rsa::RsaPublicKey>,
}

impl Config {
    fn parse(account: &Account) -> Result<Self, ProviderError> {
        let origin = parse_origin(
            NAME,
            "api_base_url",
            account
                .setting("api_base_url")
                .unwrap_or("https://api.licensespring.com"),
        )?;
        let required = |key: &str| {
            account
                .setting(key)
                .filter(|value| !value.trim().is_empty())
                .map(str::to_string)
                .ok_or_else(|| ProviderError::settings(NAME, format!("{key} is required")))
        };
        let token_mode = match account.setting("response_type") {
            None | Some("code") => false,
            Some("token") => true,
            Some(other) => {
                return Err(ProviderError::settings(
                    NAME,
                    format!("response_type '{other}' must be code or token"),
                ));
            }
        };
        let activate = match account.setting("activate") {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(ProviderError::settings(
                    NAME,
                    format!("activate '{other}' must be true or false"),
                ));
            }
        };
        Ok(Self {
            origin,
            product: required("product")?,
            customer: required("customer_account_code")?,
            token_mode,
            activate,
            hardware_id: account.setting("hardware_id").map(str::to_string),
            vendor_key: account
                .setting("vendor_public_key")
                .map(read_vendor_key)
                .transpose()
                .map_err(|message| ProviderError::settings(NAME, message))?,
        })
    }
}

pub struct LicenseSpring;

impl Provider for LicenseSpring {
    fn spec(&self) -> &'static ProviderSpec {
        &SPEC
    }

    fn validate(&self, account: &Account) -> Result<(), ProviderError> {
        Config::parse(account).map(|_| ())
    }

    fn required_secrets(&self, _account: &Account) -> Vec<&'static str> {
        Vec::new()
    }

    /// Either pair works; which one is set decides (checked when signing).
    fn optional_secrets(&self, _account: &Account) -> Vec<&'static str> {
        vec!["api_key", "shared_key", "oauth_token"]
    }

    fn flow(&self) -> Flow<'_> {
        Flow::RoundTrip(self)
    }

    fn redirect_uri_to_register(&self, _account: &Account) -> Option<String> {
        // The customer account's redirect URI is set with the vendor; this port is free here.
        Some("http://127.0.0.1:53682/callback".into())
    }
}

impl RoundTripFlow for LicenseSpring {
    fn launch<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
        account: &'a Account,
        secrets: &'a Secrets,
        probe: bool,
    ) -> BoxFuture<'a, Result<RedirectOutcome, ProviderError>> {
        Box::pin(async move {
            let config = Config::parse(account)?;
            let (url, state) = fetch_sso_url(ctx, &config, secrets).await?;
            let redirect_uri = redirect_uri_of(&url)?;
            let mut outcome = RedirectOutcome {
                redirect_uri: redirect_uri.to_string(),
                ..RedirectOutcome::default()
            };
            // `None`: a redirect URI off this machine, which nothing here can receive.
            let listen =
                match ListenerOptions::for_redirect_uri(account.name.clone(), &redirect_uri) {
                    Ok(mut options) => {
                        options.mode = if config.token_mode {
                            ResponseMode::Fragment
                        } else {
                            ResponseMode::Query
                        };
                        if let Some(browser) = ctx.browser {
                            options.timeout = browser.timeout();
                        }
                        Some(options)
                    }
                    Err(LoopbackError::NotLoopback { .. }) => None,
                    Err(err) => return Err(err.into()),
                };
            if probe {
                outcome.facts.push((
                    "sign-in page".into(),
                    url.host_str().unwrap_or_default().to_string(),
                ));
                outcome.note = Some(match &listen {
                    Some(options) => {
                        LoopbackListener::check_available(options)?;
                        format!("the app can receive the redirect at {redirect_uri}")
                    }
                    None => not_loopback_note(&redirect_uri),
                });
                return Ok(outcome);
            }
            let listener = listen.map(LoopbackListener::bind).transpose()?;
            let browser = ctx
                .browser
                .ok_or(ProviderError::NeedsBrowser { provider: NAME })?;
            let Some(listener) = listener else {
                browser.open(&OneTimeUrl::new(url));
                outcome.note = Some(not_loopback_note(&redirect_uri));
                return Ok(outcome);
            };
            browser.started(listener.cancel_handle());
            browser.open(&OneTimeUrl::new(url));
            let answer = listener.wait_for_redirect_async(state).await?;
            outcome.came_back = true;
            let grant = if config.token_mode {
                let id_token = answer.get("id_token").ok_or_else(|| {
                    ProviderError::malformed(NAME, "the sign-in came back without an id_token")
                })?;
                if let Some(who) = id_token_subject(id_token) {
                    outcome.facts.push(("signed in as".into(), who));
                }
                Grant::IdToken(id_token.clone())
            } else {
                Grant::Code(answer.get("code").cloned().ok_or_else(|| {
                    ProviderError::malformed(NAME, "the sign-in came back without a code")
                })?)
            };
            if config.activate {
                let hardware = match &config.hardware_id {
                    Some(id) => id.clone(),
                    None => {
                        hardware_id().map_err(|message| ProviderError::settings(NAME, message))?
                    }
                };
                let license =
                    activate(ctx, &config, secrets, &grant, &hardware, &redirect_uri).await?;
                outcome.facts.extend(license);
            } else {
                outcome
                    .facts
                    .push(("received".into(), grant.describe().to_string()));
            }
            Ok(outcome)
        })
    }
}

/// What came back to the redirect URI.
pub(super) enum Grant {
    Code(SecretString),
    IdToken(SecretString),
}

impl Grant {
    fn describe(&self) -> &'static str {
        match self {
            Self::Code(_) => "an authorization code (not activated: set activate=true to use it)",
            Self::IdToken(_) => "an id_token (not activated: set activate=true to use it)",
        }
    }
}

/// `GET /api/v4/sso_url`, signed; the URL to open with our `state` in it, and that state.
async fn fetch_sso_url(
    ctx: ProviderContext<'_>,
    config: &Config,
    secrets: &Secrets,
) -> Result<(Url, SecretString), ProviderError> {
    let mut url = config.origin.join("/api/v4/sso_url").expect("path joins");
    url.query_pairs_mut()
        .append_pair("product", &config.product)
        .append_pair("customer_account_code", &config.customer)
        // The docs disagree on the default, so it is always sent.
        .append_pair(
            "response_type",
            if config.token_mode { "token" } else { "code" },
        );
    let response = signed(ctx, Method::GET, &url, secrets, None).await?;
    let body = read_answer(&response)?;
    let text = string_at(&body, &["url"]).ok_or_else(|| {
        ProviderError::malformed(
            NAME,
            "the answer has no usable url (it is missing or not text)",
        )
    })?;
    let mut sso_url = Url::parse(text)
        .map_err(|_| ProviderError::malformed(NAME, "the answer's url is not a URL"))?;
    // Only a web page is opened: never javascript:, file: or an app's own scheme, and plain
    // http only on this machine (a sandbox, a test server).
    let loopback = matches!(
        sso_url.host_str(),
        Some("127.0.0.1" | "localhost" | "[::1]")
    );
    match sso_url.scheme() {
        "https" => {}
        "http" if loopback => {}
        scheme => {
            return Err(ProviderError::malformed(
                NAME,
                format!(
                    "the SSO URL is a {scheme}: address, not an https web page, so it was not opened"
                ),
            ));
        }
    }
    // The state is ours, whatever the server put there: a state it chose would let whoever
    // knows it answer the sign-in.
    let kept: Vec<(String, String)> = sso_url
        .query_pairs()
        .filter(|(key, _)| key != "state")
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    let state = CsrfToken::new_random();
    sso_url
        .query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair("state", state.secret());
    Ok((sso_url, SecretString::new(state.secret().clone())))
}

/// A License API request with the documented `Date` and `Authorization` headers.
pub(super) async fn signed(
    ctx: ProviderContext<'_>,
    method: Method,
    url: &Url,
    secrets: &Secrets,
    body: Option<&Value>,
) -> Result<HttpResponse, ProviderError> {
    let date = imf_fixdate(ctx.clock.now());
    let authorization = match (
        secrets.get("api_key"),
        secrets.get("shared_key"),
        secrets.get("oauth_token"),
    ) {
        (Some(api_key), Some(shared_key), _) => authorization(api_key, shared_key, &date),
        (_, _, Some(token)) => SecretString::new(format!("Bearer {}", token.expose_secret())),
        _ => {
            return Err(ProviderError::MissingSecret {
                name: "api_key and shared_key (or oauth_token)".into(),
            });
        }
    };
    let mut request = ctx
        .http
        .request(method, url)?
        .header(ACCEPT, "application/json")
        .header(DATE, &date)
        .header(AUTHORIZATION, authorization.expose_secret());
    if let Some(body) = body {
        request = request.json(body);
    }
    Ok(ctx.http.send(request).await?)
}

fn redirect_uri_of(url: &Url) -> Result<Url, ProviderError> {
    let text = url
        .query_pairs()
        .find(|(key, _)| key == "redirect_uri")
        .map(|(_, value)| value.into_owned())
        .ok_or_else(|| ProviderError::malformed(NAME, "the SSO URL names no redirect_uri"))?;
    Url::parse(&text)
        .map_err(|_| ProviderError::malformed(NAME, "the SSO URL's redirect_uri is not a URL"))
}

fn not_loopback_note(redirect_uri: &Url) -> String {
    format!(
        "the redirect URI {redirect_uri} is not on this machine, so the sign-in finishes in the browser and nothing comes back here; to finish it here, ask the vendor to register a loopback redirect URI such as http://127.0.0.1:53682/callback"
    )
}

/// The signed-in user named in an id_token (read, not trusted: LicenseSpring checks it at
/// activation; shown only as a courtesy).
fn id_token_subject(id_token: &SecretString) -> Option<String> {
    use base64::Engine as _;
    let payload = id_token.expose_secret().split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    string_at(&claims, &["email"])
        .or_else(|| string_at(&claims, &["sub"]))
        .map(str::to_string)
}

/// Every reader of LicenseSpring's answers, on any answer (the property tests' entry point).
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn read_any(response: &crate::core::http::HttpResponse) {
    let _ = read_answer(response);
}
