//! The sandbox's control API under `/__sandbox/`, for tests and the curious: loopback only.

use std::time::Duration;

use serde::Deserialize;
use serde_json::json;

use super::Sandbox;
use super::server::{Reply, Request};
use super::state::{Fault, FaultKind};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultRequest {
    endpoint: String,
    fault: FaultKind,
    #[serde(default = "one")]
    times: u32,
    #[serde(default)]
    delay_ms: u64,
}

pub(super) fn one() -> u32 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockRequest {
    advance_seconds: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VariantRequest {
    endpoint: String,
    variant: String,
}

pub fn handle(sandbox: &Sandbox, request: &Request) -> Reply {
    if !request.peer.ip().is_loopback() {
        return Reply::json(
            403,
            &json!({"error": "the control API answers loopback only"}),
        );
    }
    let route = request.path.trim_start_matches("/__sandbox/");
    match (request.method.as_str(), route) {
        ("GET", "counts") => Reply::json(200, &json!({ "counts": sandbox.state.counts() })),
        ("GET", "urls") => Reply::json(200, &sandbox.urls_json()),
        ("POST", "reset") => {
            sandbox.state.reset();
            Reply::json(200, &json!({"ok": true}))
        }
        ("POST", "faults") => with_body(request, |body: FaultRequest| {
            if !sandbox.knows_endpoint(&body.endpoint) {
                return Err(format!(
                    "unknown endpoint '{}'; known: {}",
                    body.endpoint,
                    sandbox.endpoints().join(", ")
                ));
            }
            let fault = Fault {
                kind: body.fault,
                delay: Duration::from_millis(body.delay_ms),
            };
            sandbox.state.queue_fault(&body.endpoint, fault, body.times);
            Ok(json!({"ok": true}))
        }),
        ("POST", "clock") => with_body(request, |body: ClockRequest| {
            if !(body.advance_seconds.is_finite() && body.advance_seconds >= 0.0) {
                return Err("advance_seconds must be zero or more".into());
            }
            sandbox
                .state
                .advance_clock(Duration::from_secs_f64(body.advance_seconds));
            Ok(json!({"ok": true, "now": crate::core::clock::rfc3339(sandbox.state.now())}))
        }),
        // `{"provider", "uris"}`: for the fake of a provider that registers exact URIs.
        ("POST", "redirect_uris") => {
            let provider = serde_json::from_slice::<serde_json::Value>(&request.body)
                .ok()
                .and_then(|body| Some(body.get("provider")?.as_str()?.to_string()))
                .unwrap_or_default();
            sandbox
                .control(&provider, "POST", "redirect_uris", request)
                .unwrap_or_else(|| {
                    Reply::json(
                        400,
                        &json!({"error": format!("'{provider}' registers no exact redirect URIs; its fake accepts any loopback port")}),
                    )
                })
        }
        ("POST", "variants") => with_body(request, |body: VariantRequest| {
            let allowed = sandbox.variants_of(&body.endpoint);
            if !allowed.contains(&body.variant.as_str()) {
                return Err(format!(
                    "endpoint '{}' has variants: {}",
                    body.endpoint,
                    allowed.join(", ")
                ));
            }
            sandbox.state.set_variant(&body.endpoint, &body.variant);
            Ok(json!({"ok": true}))
        }),
        // `PROVIDER/ROUTE`: a route of that provider's fake.
        (method, route) => route
            .split_once('/')
            .and_then(|(provider, route)| sandbox.control(provider, method, route, request))
            .unwrap_or_else(|| {
                Reply::json(
                    404,
                    &json!({"error": format!("no control route {} {}", request.method, request.path)}),
                )
            }),
    }
}

pub(super) fn with_body<T: for<'de> Deserialize<'de>>(
    request: &Request,
    act: impl FnOnce(T) -> Result<serde_json::Value, String>,
) -> Reply {
    match serde_json::from_slice::<T>(&request.body) {
        Ok(body) => match act(body) {
            Ok(answer) => Reply::json(200, &answer),
            Err(message) => Reply::json(400, &json!({ "error": message })),
        },
        Err(err) => Reply::json(400, &json!({ "error": format!("bad request body: {err}") })),
    }
}
