//! `openidconnect` speaks to identity providers through the app's one HTTP client, so OAuth
//! traffic obeys the same rules (https, answer cap, redirects refused).

use crate::support::*;
use openidconnect::core::CoreProviderMetadata;
use openidconnect::{IssuerUrl, JsonWebKey};
use sso_launcher::core::http::{HttpClient, HttpOptions};
use sso_launcher::sandbox::sovos::{DISCOVERY, JWKS, SIGNING_KEY_ID};

fn discover(env: &TestEnv, issuer: &str) -> Result<CoreProviderMetadata, String> {
    let http = HttpClient::new(HttpOptions::default()).unwrap();
    let issuer = IssuerUrl::new(issuer.to_string()).unwrap();
    env.runtime
        .block_on(CoreProviderMetadata::discover_async(issuer, &|request| {
            http.execute_oauth(request)
        }))
        .map_err(|err| error_chain(&err))
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        text.push_str(&format!(": {inner}"));
        source = inner.source();
    }
    text
}

#[test]
fn discovery_and_signing_keys_arrive_through_the_app_client() {
    let env = TestEnv::new();
    let issuer = env.sandbox.sandbox().sovos_issuer().to_string();
    let metadata = discover(&env, &issuer).unwrap();
    assert_eq!(metadata.issuer().as_str(), issuer);
    assert_eq!(
        metadata.token_endpoint().unwrap().as_str(),
        format!("{issuer}/oauth2/token")
    );
    let keys = metadata.jwks().keys();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].key_id().unwrap().as_str(), SIGNING_KEY_ID);
    assert_eq!((env.count(DISCOVERY), env.count(JWKS)), (1, 1));
}

#[test]
fn oauth_traffic_obeys_the_client_rules() {
    let env = TestEnv::new();
    let err = discover(&env, "http://accounts.sovos.example").unwrap_err();
    assert!(err.contains("plain http"), "{err}");
    assert_eq!(env.count(DISCOVERY), 0);

    env.fault(DISCOVERY, "redirect", 1, 0);
    let err = discover(&env, env.sandbox.sandbox().sovos_issuer()).unwrap_err();
    assert!(
        err.contains("redirect (302) to https://login.example.com/portal"),
        "{err}"
    );
    env.fault(JWKS, "html_body", 1, 0);
    let err = discover(&env, env.sandbox.sandbox().sovos_issuer()).unwrap_err();
    assert!(
        err.to_lowercase().contains("content-type") || err.contains("502"),
        "{err}"
    );
}
