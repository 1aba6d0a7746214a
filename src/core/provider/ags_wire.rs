//! AGS on the wire: the calls with their headers, the token answer, service discovery and
//! the error answers (403 platform codes). See `shared/providers.md` §2.

use std::time::Duration;

use crate::core::account::Account;
use reqwest::Method;
use reqwest::header::{ACCEPT, AUTHORIZATION};
use serde_json::{Value, json};
use time::OffsetDateTime;
use url::Url;

use super::json::{body_as_json, string_at};
use super::{ProviderContext, ProviderError, Remembered, SessionToken, server_expiry};
use crate::core::http::HttpResponse;
use crate::core::secret::{AccessToken, SecretString};
use crate::core::server_text::{EXCERPT_CHARS, excerpt};

/// The provider in messages, as the registry names it.
pub const NAME: &str = super::ags::SPEC.display_name;

/// Keys of the state kept between sign-ins.
pub const CLIENT_ID: &str = "client_id";
pub const FIXED_CAP_AT: &str = "fixed_refresh_expires_at";
pub const ACCOUNT_CHOICE: &str = "account_choice";

/// One AGS call: where it goes and the headers every call carries.
pub struct Call<'a> {
    pub origin: &'a Url,
    pub tenant_id: Option<&'a str>,
    pub auth_service_id: Option<&'a str>,
}

/// An answer with the correlation id it was sent under, for messages a support desk can use.
pub struct Answer {
    pub response: HttpResponse,
    pub correlation_id: String,
}

impl Call<'_> {
    /// Sends `body` (or nothing) to `/ags{path}` with a fresh `x-correlation-id`, the tenant
    /// and service headers, and extra headers (`Authorization`, `User-Token`).
    pub async fn send(
        &self,
        ctx: ProviderContext<'_>,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> Result<Answer, ProviderError> {
        let url = self.origin.join(&format!("/ags{path}")).map_err(|err| {
            ProviderError::malformed(
                NAME,
                format!("the endpoint path '{path}' is unusable: {err}"),
            )
        })?;
        let correlation_id = uuid::Uuid::new_v4().to_string();
        let mut request = ctx
            .http
            .request(method, &url)?
            .header(ACCEPT, "application/json")
            .header("x-correlation-id", &correlation_id);
        if let Some(tenant) = self.tenant_id {
            request = request.header("nv-tenant-id", tenant);
        }
        if let Some(service) = self.auth_service_id {
            request = request.header("x-auth-service-id", service);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        tracing::info!(%correlation_id, path, "AGS call");
        let response = ctx.http.send(request).await?;
        tracing::info!(%correlation_id, path, status = response.status.as_u16(), "AGS answer");
        Ok(Answer {
            response,
            correlation_id,
        })
    }
}

/// A sign-on, subsequent sign-on or refresh answer turned into a session. `previous` is the
/// state kept so far (client id, fixed cap); the answer's values replace it where given.
pub fn read_tokens(
    answer: &Answer,
    issued_at: OffsetDateTime,
    previous: &Remembered,
) -> Result<SessionToken, ProviderError> {
    let body = body_as_json(NAME, &answer.response)?;
    let missing = |field: &str| {
        ProviderError::malformed(
            NAME,
            format!("the token answer has no usable {field} (it is missing or not text)"),
        )
    };
    let access = string_at(&body, &["access_token"]).ok_or_else(|| missing("access_token"))?;
    let refresh = string_at(&body, &["refresh_token"]).ok_or_else(|| missing("refresh_token"))?;
    let seconds = |field: &str| {
        body.get(field).and_then(|value| {
            value
                .as_u64()
                .or_else(|| value.as_str().and_then(|text| text.trim().parse().ok()))
        })
    };
    let expires_in = seconds("expires_in").ok_or_else(|| missing("usable expires_in"))?;
    let mut session = SessionToken::new(
        AccessToken::new(access),
        "bearer",
        issued_at,
        Duration::from_secs(expires_in),
    );
    session.refresh_token = Some(SecretString::new(refresh));
    session.state = previous.clone();
    if let Some(client_id) = string_at(&body, &["client_id"]) {
        session
            .state
            .insert(CLIENT_ID.to_string(), client_id.to_string());
    }
    // The fixed cap counts from the first sign-on; a refresh never moves it later.
    let kept_cap = previous
        .get(FIXED_CAP_AT)
        .and_then(|text| text.parse::<i64>().ok())
        .and_then(|seconds| OffsetDateTime::from_unix_timestamp(seconds).ok());
    let answered_cap = seconds("fixed_refresh_expires_in")
        .map(|seconds| server_expiry(issued_at, Duration::from_secs(seconds)));
    let cap = match (kept_cap, answered_cap) {
        (Some(kept), Some(answered)) => Some(kept.min(answered)),
        (kept, answered) => kept.or(answered),
    };
    if let Some(cap) = cap {
        session
            .state
            .insert(FIXED_CAP_AT.to_string(), cap.unix_timestamp().to_string());
    }
    let window = seconds("refresh_expires_in")
        .map(|seconds| server_expiry(issued_at, Duration::from_secs(seconds)));
    session.refresh_expires_at = match (window, cap) {
        (Some(window), Some(cap)) => Some(window.min(cap)),
        (window, cap) => window.or(cap),
    };
    Ok(session)
}

/// A matching account from a 300 answer.
pub struct AccountMatch {
    pub label: String,
    pub user_token: SecretString,
}

/// The accounts of a 300 answer. `accountInformation` is not described further in the docs:
/// a string is shown as it is, an object by its name-like fields (or all of its fields).
pub fn read_account_matches(answer: &Answer) -> Result<Vec<AccountMatch>, ProviderError> {
    let body = body_as_json(NAME, &answer.response)?;
    let accounts = body
        .get("accounts")
        .and_then(Value::as_array)
        .filter(|accounts| !accounts.is_empty())
        .ok_or_else(|| ProviderError::malformed(NAME, "the 300 answer lists no accounts"))?;
    accounts
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let user_token = string_at(entry, &["userAccountToken"]).ok_or_else(|| {
                ProviderError::malformed(
                    NAME,
                    format!("account {} has no userAccountToken", index + 1),
                )
            })?;
            Ok(AccountMatch {
                label: describe_account(entry.get("accountInformation"), index),
                user_token: SecretString::new(user_token),
            })
        })
        .collect()
}

fn describe_account(information: Option<&Value>, index: usize) -> String {
    let text = |value: &Value| match value {
        Value::String(text) => Some(text.trim().to_string()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    };
    let label = match information {
        Some(Value::Object(fields)) => {
            let name = ["displayName", "name", "accountName", "description"]
                .iter()
                .find_map(|key| fields.get(*key).and_then(text));
            let id = ["accountId", "id"]
                .iter()
                .find_map(|key| fields.get(*key).and_then(text));
            match (name, id) {
                (Some(name), Some(id)) => format!("{name} ({id})"),
                (Some(name), None) => name,
                (None, Some(id)) => format!("account {id}"),
                (None, None) => fields
                    .iter()
                    .filter_map(|(key, value)| text(value).map(|value| format!("{key}: {value}")))
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        }
        Some(value) => text(value).unwrap_or_default(),
        None => String::new(),
    };
    if label.is_empty() {
        format!("account {}", index + 1)
    } else {
        label
    }
}

/// What a failed call means, with its correlation id for the support desk.
pub fn error(answer: &Answer, call: &str) -> ProviderError {
    let status = answer.response.status.as_u16();
    let id = &answer.correlation_id;
    if answer.response.status.is_server_error() || answer.response.is_html() {
        return match body_as_json(NAME, &answer.response) {
            Err(err) if !answer.response.status.is_server_error() => err,
            _ => ProviderError::ServerFailure {
                provider: NAME,
                message: if answer.response.is_html() {
                    format!(
                        "{call} answered with an HTML page (HTTP {status}, correlation id {id})"
                    )
                } else {
                    format!("{call} answered HTTP {status} (correlation id {id})")
                },
            },
        };
    }
    let text = String::from_utf8_lossy(&answer.response.body);
    let code = platform_code(&text);
    let (code_name, message, hint) = match (status, code) {
        (403, Some(code)) => {
            let (message, hint) = explain_platform_code(code);
            (code.to_string(), message.to_string(), hint.to_string())
        }
        (400, _) => ("bad_request".into(), "the request was refused as malformed".into(), "Check the account's parameters against the service's discovery entry (their names, and which are mandatory).".into()),
        (401, _) => ("unauthorized".into(), "the credentials were not accepted".into(), "Store a fresh session token or password for the account.".into()),
        (403, None) => ("forbidden".into(), "access was refused".into(), "The operator refused this sign-in; ask its support, quoting the correlation id.".into()),
        (404, _) => ("not_found".into(), "the service or account was not found".into(), "Check base_url and auth_service_id (discovery lists the services).".into()),
        _ => (format!("http_{status}"), "the answer was unexpected".into(), "Try again; if it persists, ask the operator's support, quoting the correlation id.".into()),
    };
    let detail = if code.is_none() && !text.trim().is_empty() {
        format!(": {}", excerpt(&text, EXCERPT_CHARS, &answer.response.sent))
    } else {
        String::new()
    };
    ProviderError::Rejected {
        provider: NAME,
        code: code_name,
        message: format!("{call}: HTTP {status}, {message}{detail} (correlation id {id})"),
        hint,
    }
}

/// A platform code (200xx) in an error body: in a JSON field of any name or depth, else in
/// the text. The body's shape is not documented.
pub fn platform_code(text: &str) -> Option<u32> {
    fn in_json(value: &Value) -> Option<u32> {
        match value {
            Value::Number(number) => number.as_u64().and_then(as_platform_code),
            Value::String(text) => text.trim().parse().ok().and_then(as_platform_code),
            Value::Array(items) => items.iter().find_map(in_json),
            Value::Object(fields) => fields.values().find_map(in_json),
            _ => None,
        }
    }
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        return in_json(&value);
    }
    text.split(|c: char| !c.is_ascii_digit())
        .find_map(|digits| digits.parse().ok().and_then(as_platform_code))
}

fn as_platform_code(number: u64) -> Option<u32> {
    (20000..=20099).contains(&number).then_some(number as u32)
}

/// A platform code in plain words, and what to do about it.
pub fn explain_platform_code(code: u32) -> (&'static str, &'static str) {
    match code {
        20001 => (
            "the account is cancelled",
            "Ask the operator's support to reactivate the account.",
        ),
        20002 => (
            "the account is suspended",
            "Ask the operator's support why the account was suspended.",
        ),
        20003 => (
            "this device was deleted from the account",
            "The app registers this machine again at the next sign-in; if that fails, ask the operator's support.",
        ),
        20004 => (
            "this device is disabled for the account",
            "Ask the operator's support to enable this device.",
        ),
        20007 => (
            "the account has too many devices",
            "Remove a device you no longer use from the account, then sign in again.",
        ),
        20018 | 20021 => (
            "a VPN or proxy was detected",
            "Turn off the VPN or proxy and sign in again.",
        ),
        20019 | 20022 => (
            "the service is not available in your location (geo-blocked)",
            "Sign in from a location where the service is offered.",
        ),
        20020 => (
            "the provider could not check the token",
            "Sign in again (launch the account).",
        ),
        _ => (
            "the platform refused access",
            "Ask the operator's support, quoting the code and correlation id.",
        ),
    }
}

/// The body of a sign-on call: the parameters and, once known, the client id; the first
/// sign-on describes the device instead.
pub fn sign_on_body(parameters: &[(String, String)], client_id: Option<&str>) -> Value {
    let parameters: Vec<Value> = parameters
        .iter()
        .map(|(name, value)| json!({"name": name, "value": value}))
        .collect();
    match client_id {
        Some(client_id) => json!({"parameters": parameters, "clientId": client_id}),
        None => json!({"parameters": parameters, "deviceInformation": device_information()}),
    }
}

/// Describes this machine on a first sign-on (the docs do not fix the fields).
fn device_information() -> Value {
    json!({
        "deviceName": gethostname::gethostname().to_string_lossy(),
        "deviceType": "desktop",
        "osName": std::env::consts::OS,
        "appName": "sso-launcher",
        "appVersion": env!("CARGO_PKG_VERSION"),
    })
}

/// `Authorization` as AGS takes it: the raw token (the docs show no scheme).
pub fn raw_authorization(token: &str) -> (&'static str, &str) {
    (AUTHORIZATION.as_str(), token)
}

/// Every reader of AGS's answers, on any answer (the property tests' entry point).
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn read_any(response: &HttpResponse) {
    let answer = Answer {
        response: response.clone(),
        correlation_id: "property".into(),
    };
    let _ = read_tokens(&answer, OffsetDateTime::now_utc(), &Remembered::new());
    let _ = error(&answer, "call");
    let _ = platform_code(&String::from_utf8_lossy(&response.body));
}

/// Picks one of several matching accounts: an explicit choice, else the one chosen last
/// time if it is still offered, else the user's answer.
pub(super) async fn choose(
    ctx: ProviderContext<'_>,
    account: &Account,
    matches: &[AccountMatch],
) -> Result<usize, ProviderError> {
    let labels: Vec<String> = matches.iter().map(|entry| entry.label.clone()).collect();
    let explicit = ctx.chooser.filter(|chooser| chooser.explicit());
    if explicit.is_none()
        && let Some(last) = ctx.remembered.get(ACCOUNT_CHOICE)
        && let [index] = labels
            .iter()
            .enumerate()
            .filter(|(_, label)| *label == last)
            .map(|(index, _)| index)
            .collect::<Vec<_>>()[..]
    {
        return Ok(index);
    }
    if let Some(chooser) = ctx.chooser
        && let Some(index) = chooser.choose(account, &labels).await
        && index < labels.len()
    {
        return Ok(index);
    }
    Err(ProviderError::ChoiceNeeded {
        provider: NAME,
        choices: labels
            .iter()
            .enumerate()
            .map(|(index, label)| format!("{}. {label}", index + 1))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_codes_are_found_in_any_documented_shape() {
        assert_eq!(
            platform_code(r#"{"code":20019,"message":"x"}"#),
            Some(20019)
        );
        assert_eq!(
            platform_code(r#"{"error":{"errorCode":"20007"}}"#),
            Some(20007)
        );
        assert_eq!(
            platform_code("Forbidden (20021): VPN detected"),
            Some(20021)
        );
        assert_eq!(platform_code(r#"{"status":403,"message":"nope"}"#), None);
        assert_eq!(platform_code("HTTP 403 at 2026"), None);
    }

    #[test]
    fn account_information_is_labelled_from_strings_and_objects() {
        let object = json!({"displayName": "Home", "accountId": 12});
        assert_eq!(describe_account(Some(&object), 0), "Home (12)");
        assert_eq!(describe_account(Some(&json!("Office")), 0), "Office");
        assert_eq!(
            describe_account(Some(&json!({"region": "EU"})), 1),
            "region: EU"
        );
        assert_eq!(describe_account(None, 1), "account 2");
    }
}
