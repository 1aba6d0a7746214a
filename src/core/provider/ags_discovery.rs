//! AGS service discovery: the services a gateway offers and what each sign-on needs.

use reqwest::Method;
use serde_json::Value;
use url::Url;

use super::ags_wire::{Call, NAME, error};
use super::discovery::{DiscoveredCall, DiscoveredChoice, DiscoveredParameter};
use super::json::{body_as_json, string_at};
use super::{ProviderContext, ProviderError, parse_origin};
use crate::core::account::Account;

/// `GET /ags/servicediscovery`: the services and the parameters each sign-on needs.
pub async fn discover(
    ctx: ProviderContext<'_>,
    origin: &Url,
    tenant_id: Option<&str>,
) -> Result<Vec<DiscoveredChoice>, ProviderError> {
    let call = Call {
        origin,
        tenant_id,
        auth_service_id: None,
    };
    let answer = call
        .send(ctx, Method::GET, "/servicediscovery", &[], None)
        .await?;
    if !answer.response.status.is_success() {
        return Err(error(&answer, "servicediscovery"));
    }
    let body = body_as_json(NAME, &answer.response)?;
    let services = body
        .get("availableServices")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            ProviderError::malformed(NAME, "the discovery answer has no availableServices")
        })?;
    services.iter().map(read_service).collect()
}

fn read_service(service: &Value) -> Result<DiscoveredChoice, ProviderError> {
    let id = string_at(service, &["authServiceName"]).ok_or_else(|| {
        ProviderError::malformed(NAME, "a discovered service has no authServiceName")
    })?;
    let endpoints = service
        .get("endpoints")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|endpoint| {
            Some(DiscoveredCall {
                name: string_at(endpoint, &["name"])?.to_string(),
                path: string_at(endpoint, &["path"])?.to_string(),
                parameters: endpoint
                    .get("parameterProperties")
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|spec| {
                        Some(DiscoveredParameter {
                            name: string_at(spec, &["name"])?.to_string(),
                            mandatory: spec.get("mandatory").and_then(Value::as_bool) == Some(true),
                            is_password: spec.get("isPassword").and_then(Value::as_bool)
                                == Some(true),
                        })
                    })
                    .collect(),
            })
        })
        .filter(|endpoint| endpoint.path.starts_with('/'))
        .collect();
    Ok(DiscoveredChoice {
        id: id.to_string(),
        display_name: string_at(service, &["displayAttributes", "name"]).map(str::to_string),
        endpoints,
    })
}

/// The origin and tenant of an AGS account, for discovery before its service is chosen.
pub fn discovery_target(account: &Account) -> Result<(Url, Option<String>), ProviderError> {
    let origin = parse_origin(NAME, "base_url", account.setting("base_url").unwrap_or(""))?;
    Ok((origin, account.setting("tenant_id").map(str::to_string)))
}
