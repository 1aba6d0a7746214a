//! A strict fake of LicenseSpring's License API (see `shared/providers.md` §3), on its own
//! port: `GET /api/v4/sso_url` and `POST /api/v4/activate_license`, checking request signing
//! exactly as documented (the `Date` header in IMF-fixdate at most 15 minutes off, the
//! HMAC-SHA256 signature over it with the shared key, the API key; or the OAuth bearer
//! alternative), and the hosted sign-in page the SSO URL points at.

use super::control::with_body;
use super::fake::{DemoAccount, FakeService, Handled, demo_account};
use crate::core::account::ProviderId;
use std::time::Duration;

use serde_json::json;
use time::PrimitiveDateTime;
use time::macros::format_description;

use super::faults::{FaultKind, after_fault, fault_reply};
use super::fixtures::licensespring as fx;
pub use super::licensespring_sso::DEFAULT_REDIRECT_URI;
use super::licensespring_sso::{SsoSite, error};
use super::server::{Reply, Request};
use super::state::SandboxState;
use crate::core::provider::licensespring_auth::signature;
use crate::core::secret::{SecretString, constant_time_eq};

pub const SSO_URL: &str = "licensespring.sso_url";
pub const SIGN_IN: &str = "licensespring.sign_in";
pub const ACTIVATE: &str = "licensespring.activate_license";
pub const ENDPOINTS: [&str; 3] = [SSO_URL, SIGN_IN, ACTIVATE];
/// What the SSO URL answer may hold besides the documented URL: a `state` of the server's own
/// choosing, or a URL that is not a web page at all (a client must open neither as it is).
pub const SSO_URL_VARIANTS: [&str; 4] = ["plain", "with_state", "javascript", "file"];
/// "The server rejects a date more than 15 minutes off."
const MAX_SKEW: Duration = Duration::from_secs(15 * 60);

#[derive(Default)]
pub struct LicenseSpringFake {
    pub sso: SsoSite,
}

impl LicenseSpringFake {
    pub async fn handle(&self, state: &SandboxState, request: &Request, origin: &str) -> Reply {
        let endpoint = match request.path.as_str() {
            "/api/v4/sso_url" => SSO_URL,
            "/api/v4/activate_license" => ACTIVATE,
            "/sso/authorize" | "/sso/login" => SIGN_IN,
            _ => return error(404, "not_found", "no such endpoint"),
        };
        let fault = state.record_call(endpoint);
        if let Some(fault) = fault
            && let Some(reply) =
                fault_reply(fault, || error(500, "server_error", "internal error")).await
        {
            return reply;
        }
        if fault.is_some_and(|fault| fault.kind == FaultKind::ExpiredBearer) {
            // The signed request counts as too old: what a clock gone wrong gets.
            return error(
                400,
                "date_header_diff",
                "the Date header is more than 15 minutes off",
            );
        }
        after_fault(fault, self.answer(state, request, origin, endpoint))
    }

    fn answer(
        &self,
        state: &SandboxState,
        request: &Request,
        origin: &str,
        endpoint: &str,
    ) -> Reply {
        let expected = match endpoint {
            SSO_URL => "GET",
            ACTIVATE => "POST",
            _ if request.path == "/sso/login" => "POST",
            _ => "GET",
        };
        if request.method != expected {
            return error(405, "method_not_allowed", &format!("use {expected}"));
        }
        match endpoint {
            SIGN_IN if expected == "GET" => return self.sso.authorize(request),
            SIGN_IN => return self.sso.login(state.now(), request),
            _ => {}
        }
        if let Err(reply) = check_authorization(state, request) {
            return reply;
        }
        if endpoint == ACTIVATE {
            return self.sso.activate(state.now(), request);
        }
        let (Some(product), Some(customer)) = (
            request.query_param("product"),
            request.query_param("customer_account_code"),
        ) else {
            return error(
                400,
                "missing_params",
                "product and customer_account_code are required",
            );
        };
        if product != fx::PRODUCT {
            return error(400, "unknown_product", "Provided product was not found");
        }
        if customer != fx::CUSTOMER {
            return error(
                400,
                "unknown_customer_account",
                "Provided customer account was not found",
            );
        }
        let response_type = match request.query_param("response_type") {
            None | Some("code") => "code",
            Some("token") => "token",
            Some(_) => {
                return error(
                    400,
                    "invalid_response_type",
                    "response_type must be code or token",
                );
            }
        };
        let mut url =
            url::Url::parse(&format!("{origin}/sso/authorize")).expect("sandbox origin is a URL");
        url.query_pairs_mut()
            .append_pair("client_id", "sandbox-user-pool")
            .append_pair("response_type", response_type)
            .append_pair("scope", "openid")
            .append_pair("redirect_uri", &self.sso.redirect_uri());
        let url = match state.variant(SSO_URL).as_deref() {
            Some("with_state") => {
                url.query_pairs_mut().append_pair("state", "server-chosen");
                url.to_string()
            }
            Some("javascript") => "javascript:alert(document.cookie)".to_string(),
            Some("file") => "file:///etc/passwd".to_string(),
            _ => url.to_string(),
        };
        Reply::json(200, &json!({ "url": url }))
    }
}

/// The documented License API Authorization, or the error LicenseSpring answers with.
fn check_authorization(state: &SandboxState, request: &Request) -> Result<(), Reply> {
    let (Some(date), Some(authorization)) =
        (request.header("date"), request.header("authorization"))
    else {
        return Err(error(400, "missing_headers", "Some headers are missing"));
    };
    let format = format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let Ok(sent_at) = PrimitiveDateTime::parse(date, &format).map(PrimitiveDateTime::assume_utc)
    else {
        return Err(error(
            400,
            "authorization_invalid_headers",
            "the Date header is not an IMF-fixdate",
        ));
    };
    if (state.now() - sent_at).unsigned_abs() > MAX_SKEW {
        return Err(error(
            400,
            "date_header_diff",
            "the Date header is more than 15 minutes off",
        ));
    }
    if let Some(token) = authorization.strip_prefix("Bearer ") {
        return if constant_time_eq(token.as_bytes(), fx::OAUTH_TOKEN.as_bytes()) {
            Ok(())
        } else {
            Err(error(401, "invalid_token", "the OAuth token is not valid"))
        };
    }
    let params: Vec<(&str, &str)> = authorization
        .split(',')
        .filter_map(|part| part.trim().split_once('='))
        .map(|(key, value)| (key.trim(), value.trim().trim_matches('"')))
        .collect();
    let param = |name: &str| {
        params
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| *value)
    };
    let (Some(algorithm), Some(headers), Some(signed), Some(api_key)) = (
        param("algorithm"),
        param("headers"),
        param("signature"),
        param("apikey"),
    ) else {
        return Err(error(
            400,
            "authorization_missing_params",
            "Some parameters are missing in the authorization: algorithm, headers, signature, apikey",
        ));
    };
    if algorithm != "hmac-sha256" {
        return Err(error(
            400,
            "hmac_required",
            "the algorithm must be hmac-sha256",
        ));
    }
    if headers != "date" {
        return Err(error(
            400,
            "authorization_invalid_headers",
            "headers must be \"date\"",
        ));
    }
    if api_key != fx::API_KEY {
        return Err(error(401, "invalid_api_key", "the API key is not valid"));
    }
    let expected = signature(&SecretString::new(fx::SHARED_KEY), date);
    if !constant_time_eq(expected.as_bytes(), signed.as_bytes()) {
        return Err(error(
            401,
            "signature_mismatch",
            "the signature does not match",
        ));
    }
    Ok(())
}

impl FakeService for LicenseSpringFake {
    const PROVIDER: ProviderId = crate::core::provider::licensespring::ID;
    const ENDPOINTS: &'static [&'static str] = &ENDPOINTS;
    const VARIANTS: &'static [(&'static str, &'static [&'static str])] =
        &[(SSO_URL, &SSO_URL_VARIANTS)];

    fn new(_origin: &str) -> Self {
        Self::default()
    }

    async fn serve(&self, state: &SandboxState, request: &Request, origin: &str) -> Handled {
        self.handle(state, request, origin).await.into()
    }

    fn settings(&self, origin: &str) -> serde_json::Value {
        json!({
            "api_base_url": origin,
            "redirect_uri": self.sso.redirect_uri(),
            "vendor_public_key": self.sso.vendor_public_key(),
        })
    }

    fn demo_accounts(&self, origin: &str) -> Vec<DemoAccount> {
        let vendor_key = self.sso.vendor_public_key();
        let account = demo_account(
            super::fixtures::LICENSESPRING_DEMO,
            Self::PROVIDER,
            "Signs in on the sandbox's license page, then activates the license here.",
            &[
                ("api_base_url", origin),
                ("product", fx::PRODUCT),
                ("customer_account_code", fx::CUSTOMER),
                ("response_type", "code"),
                ("activate", "true"),
                ("vendor_public_key", &vendor_key),
            ],
        );
        let secrets = vec![
            ("api_key".into(), SecretString::new(fx::API_KEY)),
            ("shared_key".into(), SecretString::new(fx::SHARED_KEY)),
        ];
        vec![(account, secrets)]
    }

    fn control(&self, method: &str, route: &str, request: &Request) -> Option<Reply> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct RedirectUri {
            redirect_uri: String,
        }
        (method, route).eq(&("POST", "redirect_uri")).then(|| {
            with_body(request, |body: RedirectUri| {
                url::Url::parse(&body.redirect_uri)
                    .map_err(|_| format!("'{}' is not a URL", body.redirect_uri))?;
                self.sso.set_redirect_uri(body.redirect_uri);
                Ok(json!({"ok": true}))
            })
        })
    }
}
