//! The fake AGS gateway's discovery answer, and the parameter check of its sign-on endpoints.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::fixtures::ags as fx;

/// The parameters by name, checked against the endpoint's parameter properties.
pub(super) fn read_parameters(body: &Value, path: &str) -> Result<HashMap<String, String>, String> {
    let endpoint = fx::endpoints()
        .into_iter()
        .find(|(_, endpoint_path, _)| *endpoint_path == path)
        .expect("known endpoint");
    let list = body
        .get("parameters")
        .and_then(Value::as_array)
        .ok_or("the body must carry a parameters array")?;
    let mut parameters = HashMap::new();
    for entry in list {
        let (Some(name), Some(value)) = (
            entry.get("name").and_then(Value::as_str),
            entry.get("value").and_then(Value::as_str),
        ) else {
            return Err(
                "each parameter is {\"name\": .., \"value\": ..} with string values".into(),
            );
        };
        if !endpoint.2.iter().any(|(known, _, _)| *known == name) {
            return Err(format!("unknown parameter '{name}'"));
        }
        parameters.insert(name.to_string(), value.to_string());
    }
    if let Some((missing, _, _)) = endpoint
        .2
        .iter()
        .find(|(name, mandatory, _)| *mandatory && !parameters.contains_key(*name))
    {
        return Err(format!("the mandatory parameter '{missing}' is missing"));
    }
    Ok(parameters)
}

/// The discovery answer: the one service and its endpoints with their parameters.
pub(super) fn discovery() -> Value {
    let endpoints: Vec<Value> = fx::endpoints()
        .into_iter()
        .map(|(name, path, parameters)| {
            let properties: Vec<Value> = parameters
                .iter()
                .map(|(name, mandatory, secret)| json!({"name": name, "mandatory": mandatory, "isPassword": secret}))
                .collect();
            json!({"name": name, "path": path, "parameterProperties": properties})
        })
        .collect();
    json!({"availableServices": [{
        "authServiceName": fx::SERVICE_ID,
        "displayAttributes": {"logo": "", "name": fx::SERVICE_NAME},
        "endpoints": endpoints,
    }]})
}
