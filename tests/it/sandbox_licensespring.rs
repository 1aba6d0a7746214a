//! The sandbox's LicenseSpring `sso_url` enforces request signing as documented; requests are
//! signed with the app's own signing module (itself pinned to the docs' test vector).

use crate::support::*;
use serde_json::Value;
use sso_launcher::core::provider::licensespring_auth::{authorization, imf_fixdate};
use sso_launcher::core::secret::SecretString;
use sso_launcher::sandbox::fixtures::licensespring as fx;

fn sso_url(env: &TestEnv, query: &str, headers: &[(&str, &str)]) -> (u16, Value) {
    let url = format!(
        "{}/api/v4/sso_url?{query}",
        env.sandbox.sandbox().licensespring_origin()
    );
    let (status, text) = env.http("GET", &url, None, headers);
    (status, serde_json::from_str(&text).unwrap())
}

fn signed(api_key: &str, shared_key: &str, date: &str) -> String {
    authorization(
        &SecretString::new(api_key),
        &SecretString::new(shared_key),
        date,
    )
    .expose_secret()
    .to_string()
}

/// Request headers as (name, value) pairs.
type Headers = Vec<(&'static str, String)>;

const QUERY: &str =
    "product=sandbox-product&customer_account_code=sandbox-customer&response_type=code";

#[test]
fn signed_request_gets_the_sso_url() {
    let env = TestEnv::new();
    let date = imf_fixdate(time::OffsetDateTime::now_utc());
    let auth = signed(fx::API_KEY, fx::SHARED_KEY, &date);
    let (status, answer) = sso_url(
        &env,
        QUERY,
        &[
            ("date", &date),
            ("authorization", &auth),
            ("accept", "application/json"),
        ],
    );
    assert_eq!(status, 200, "{answer}");
    let url = url::Url::parse(answer["url"].as_str().unwrap()).unwrap();
    let params: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(
        (
            params["response_type"].as_str(),
            params["redirect_uri"].as_str()
        ),
        ("code", "http://127.0.0.1:53682/callback")
    );
    let token_query = QUERY.replace("response_type=code", "response_type=token");
    let (_, answer) = sso_url(
        &env,
        &token_query,
        &[("date", &date), ("authorization", &auth)],
    );
    assert!(
        answer["url"]
            .as_str()
            .unwrap()
            .contains("response_type=token")
    );
    let bearer = format!("Bearer {}", fx::OAUTH_TOKEN);
    assert_eq!(
        sso_url(&env, QUERY, &[("date", &date), ("authorization", &bearer)]).0,
        200,
        "the OAuth alternative"
    );
}

#[test]
fn every_signing_mistake_gets_its_documented_code() {
    let env = TestEnv::new();
    let now = time::OffsetDateTime::now_utc();
    let date = imf_fixdate(now);
    let stale = imf_fixdate(now - std::time::Duration::from_secs(16 * 60));
    let good = signed(fx::API_KEY, fx::SHARED_KEY, &date);
    let cases: Vec<(Headers, &str, &str)> = vec![
        (
            vec![("authorization", good.clone())],
            QUERY,
            "missing_headers",
        ),
        (vec![("date", date.clone())], QUERY, "missing_headers"),
        (
            vec![
                ("date", date.clone()),
                (
                    "authorization",
                    signed(fx::API_KEY, "wrong-shared-key", &date),
                ),
            ],
            QUERY,
            "signature_mismatch",
        ),
        (
            vec![
                ("date", date.clone()),
                (
                    "authorization",
                    signed("unknown-key", fx::SHARED_KEY, &date),
                ),
            ],
            QUERY,
            "invalid_api_key",
        ),
        (
            vec![
                ("date", stale.clone()),
                ("authorization", signed(fx::API_KEY, fx::SHARED_KEY, &stale)),
            ],
            QUERY,
            "date_header_diff",
        ),
        (
            vec![
                ("date", date.clone()),
                ("authorization", good.replace("hmac-sha256", "hmac-sha1")),
            ],
            QUERY,
            "hmac_required",
        ),
        (
            vec![
                ("date", date.clone()),
                ("authorization", "signature=\"x\"".into()),
            ],
            QUERY,
            "authorization_missing_params",
        ),
        (
            vec![
                ("date", "yesterday".into()),
                ("authorization", good.clone()),
            ],
            QUERY,
            "authorization_invalid_headers",
        ),
        (
            vec![("date", date.clone()), ("authorization", good.clone())],
            "product=other&customer_account_code=sandbox-customer",
            "unknown_product",
        ),
    ];
    for (headers, query, expected) in cases {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, answer) = sso_url(&env, query, &headers);
        assert!(status >= 400, "{expected}: {answer}");
        assert_eq!(answer["code"], expected, "{answer}");
        assert_eq!(answer["status"], status, "the documented error body");
    }
}
