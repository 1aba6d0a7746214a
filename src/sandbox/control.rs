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

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockRequest {
    advance_seconds: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RedirectUrisRequest {
    provider: String,
    uris: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlatformErrorRequest {
    code: u32,
    #[serde(default = "one")]
    times: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RedirectUriRequest {
    redirect_uri: String,
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
        ("POST", "redirect_uris") => with_body(request, |body: RedirectUrisRequest| {
            if body.provider != "signnow" {
                return Err("only signnow registers exact redirect URIs; the others accept any loopback port".into());
            }
            if let Some(bad) = body.uris.iter().find(|uri| url::Url::parse(uri).is_err()) {
                return Err(format!("'{bad}' is not a URL"));
            }
            sandbox
                .fake::<super::signnow::SignNowFake>()
                .register_redirect_uris(body.uris);
            Ok(json!({"ok": true}))
        }),
        ("POST", "ags/platform_error") => with_body(request, |body: PlatformErrorRequest| {
            if !(20000..=20099).contains(&body.code) {
                return Err(
                    "platform codes run from 20000 to 20099 (20001 ... 20022 are documented)"
                        .into(),
                );
            }
            sandbox
                .fake::<super::ags::AgsFake>()
                .queue_platform_error(body.code, body.times);
            Ok(json!({"ok": true}))
        }),
        ("POST", "ags/delete_devices") => {
            sandbox.fake::<super::ags::AgsFake>().delete_devices();
            Reply::json(200, &json!({"ok": true}))
        }
        ("POST", "licensespring/redirect_uri") => with_body(request, |body: RedirectUriRequest| {
            url::Url::parse(&body.redirect_uri)
                .map_err(|_| format!("'{}' is not a URL", body.redirect_uri))?;
            sandbox
                .licensespring()
                .sso
                .set_redirect_uri(body.redirect_uri);
            Ok(json!({"ok": true}))
        }),
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
        _ => Reply::json(
            404,
            &json!({"error": format!("no control route {} {}", request.method, request.path)}),
        ),
    }
}

fn with_body<T: for<'de> Deserialize<'de>>(
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
