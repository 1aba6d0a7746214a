//! The sandbox's Sovos browser sign-in, driven over HTTP as a browser and a client would.
//! PKCE comes from `oauth2` and the ID token is checked by `openidconnect`, so the sandbox is
//! held to the standard, not to itself.

use std::collections::HashMap;

use crate::support::*;
use openidconnect::core::{CoreIdToken, CoreIdTokenVerifier, CoreProviderMetadata};
use openidconnect::{AccessTokenHash, ClientId, IssuerUrl, Nonce, PkceCodeChallenge};
use serde_json::Value;
use sso_launcher::sandbox::fixtures::sovos as fx;

struct Browser<'a> {
    env: &'a TestEnv,
    client: reqwest::Client,
    issuer: String,
}

const REDIRECT: &str = "http://127.0.0.1:5555/callback";

impl<'a> Browser<'a> {
    fn new(env: &'a TestEnv) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            env,
            client,
            issuer: env.sandbox.sandbox().sovos_issuer().to_string(),
        }
    }

    /// GET the authorize URL: (status, login transaction or redirect location, body).
    fn authorize(&self, params: &[(&str, &str)]) -> (u16, String, String) {
        let url =
            url::Url::parse_with_params(&format!("{}/oauth2/auth", self.issuer), params).unwrap();
        self.env.runtime.block_on(async {
            let response = self.client.get(url).send().await.unwrap();
            let status = response.status().as_u16();
            let location = response
                .headers()
                .get("location")
                .map(|v| v.to_str().unwrap().to_string());
            let body = response.text().await.unwrap();
            let transaction = body
                .split("name=\"transaction\" value=\"")
                .nth(1)
                .map(|rest| rest.split('"').next().unwrap().to_string());
            (status, location.or(transaction).unwrap_or_default(), body)
        })
    }

    fn post_form(&self, path: &str, form: &[(&str, &str)]) -> (u16, Option<String>, String) {
        self.env.runtime.block_on(async {
            let response = self
                .client
                .post(format!("{}{path}", self.issuer))
                .form(form)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let location = response
                .headers()
                .get("location")
                .map(|v| v.to_str().unwrap().to_string());
            (status, location, response.text().await.unwrap())
        })
    }

    fn token(&self, form: &[(&str, &str)]) -> (u16, Value) {
        let (status, _, body) = self.post_form("/oauth2/token", form);
        (status, serde_json::from_str(&body).unwrap())
    }
}

fn query(location: &str) -> HashMap<String, String> {
    url::Url::parse(location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

fn auth_params<'a>(challenge: &'a str, scope: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("response_type", "code"),
        ("client_id", fx::PUBLIC_CLIENT_ID),
        ("redirect_uri", REDIRECT),
        ("scope", scope),
        ("state", "st-1"),
        ("nonce", "nonce-1"),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ]
}

/// Signs in on the login page and returns the code from the redirect.
fn sign_in(browser: &Browser, challenge: &str, scope: &str) -> String {
    let (status, transaction, _) = browser.authorize(&auth_params(challenge, scope));
    assert_eq!(status, 200);
    let (status, location, _) = browser.post_form(
        "/oauth2/login",
        &[
            ("transaction", &transaction),
            ("username", fx::USER_EMAIL),
            ("password", fx::USER_PASSWORD),
            ("decision", "allow"),
        ],
    );
    assert_eq!(status, 302);
    let location = location.unwrap();
    assert!(location.starts_with(REDIRECT), "{location}");
    let params = query(&location);
    assert_eq!(params["state"], "st-1");
    params["code"].clone()
}

#[test]
fn code_flow_with_pkce_gives_a_verifiable_id_token_and_rotating_refresh_tokens() {
    let env = TestEnv::new();
    let browser = Browser::new(&env);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let code = sign_in(&browser, challenge.as_str(), "openid email offline_access");
    let exchange = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", verifier.secret().as_str()),
        ("client_id", fx::PUBLIC_CLIENT_ID),
    ];
    let (status, tokens) = browser.token(&exchange);
    assert_eq!(status, 200, "{tokens}");

    let http = sso_launcher::core::http::HttpClient::new(Default::default()).unwrap();
    let metadata = env
        .runtime
        .block_on(CoreProviderMetadata::discover_async(
            IssuerUrl::new(browser.issuer.clone()).unwrap(),
            &http,
        ))
        .unwrap();
    let id_token: CoreIdToken = serde_json::from_value(tokens["id_token"].clone()).unwrap();
    let checker = CoreIdTokenVerifier::new_public_client(
        ClientId::new(fx::PUBLIC_CLIENT_ID.into()),
        metadata.issuer().clone(),
        metadata.jwks().clone(),
    );
    let claims = id_token
        .claims(&checker, &Nonce::new("nonce-1".into()))
        .unwrap();
    assert_eq!(claims.email().unwrap().as_str(), fx::USER_EMAIL);
    let access = openidconnect::AccessToken::new(tokens["access_token"].as_str().unwrap().into());
    let expected_hash = AccessTokenHash::from_token(
        &access,
        id_token.signing_alg().unwrap(),
        id_token.signing_key(&checker).unwrap(),
    )
    .unwrap();
    assert_eq!(claims.access_token_hash(), Some(&expected_hash));
    assert!(
        id_token
            .claims(&checker, &Nonce::new("other".into()))
            .is_err(),
        "a wrong nonce fails"
    );

    let (status, reused) = browser.token(&exchange);
    assert_eq!(
        (status, reused["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    let refresh = tokens["refresh_token"].as_str().unwrap().to_string();
    let (status, renewed) = browser.token(&[
        ("grant_type", "refresh_token"),
        ("refresh_token", &refresh),
        ("client_id", fx::PUBLIC_CLIENT_ID),
    ]);
    assert_eq!(status, 200, "{renewed}");
    assert_ne!(
        renewed["refresh_token"], tokens["refresh_token"],
        "refresh tokens rotate"
    );
    let (_, stale) = browser.token(&[
        ("grant_type", "refresh_token"),
        ("refresh_token", &refresh),
        ("client_id", fx::PUBLIC_CLIENT_ID),
    ]);
    assert_eq!(stale["error"], "invalid_grant");

    let code = sign_in(&browser, challenge.as_str(), "openid email");
    let (_, no_offline) = browser.token(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", verifier.secret()),
        ("client_id", fx::PUBLIC_CLIENT_ID),
    ]);
    assert!(
        no_offline.get("refresh_token").is_none(),
        "refresh tokens only with offline_access"
    );
}

#[test]
fn token_endpoint_refuses_wrong_verifier_redirect_client_and_late_codes() {
    let env = TestEnv::new();
    let browser = Browser::new(&env);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![(
                "code_verifier",
                "a-verifier-that-does-not-match-the-challenge-at-all",
            )],
            "PKCE",
        ),
        (
            vec![("redirect_uri", "http://127.0.0.1:5556/callback")],
            "redirect_uri",
        ),
        (vec![("client_id", fx::CLIENT_ID)], "client_secret_basic"),
    ];
    for (changes, expected) in cases {
        let code = sign_in(&browser, challenge.as_str(), "openid");
        let mut form: HashMap<&str, &str> = [
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier.secret().as_str()),
            ("client_id", fx::PUBLIC_CLIENT_ID),
        ]
        .into_iter()
        .collect();
        form.extend(changes);
        let form: Vec<(&str, &str)> = form.into_iter().collect();
        let (status, answer) = browser.token(&form);
        assert!(status >= 400, "{answer}");
        assert!(
            answer["error_description"]
                .as_str()
                .unwrap()
                .contains(expected),
            "{expected}: {answer}"
        );
    }
    let code = sign_in(&browser, challenge.as_str(), "openid");
    env.control(
        "POST",
        "clock",
        Some(serde_json::json!({"advance_seconds": 61})),
    );
    let (_, late) = browser.token(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", verifier.secret()),
        ("client_id", fx::PUBLIC_CLIENT_ID),
    ]);
    assert_eq!(late["error_description"], "the code has expired");
    let (_, public_cc) = browser.token(&[
        ("grant_type", "client_credentials"),
        ("audience", fx::AUDIENCE),
        ("client_id", fx::PUBLIC_CLIENT_ID),
    ]);
    assert_eq!(public_cc["error"], "unauthorized_client");
}

#[test]
fn authorize_refuses_bad_requests_and_reports_denial() {
    let env = TestEnv::new();
    let browser = Browser::new(&env);
    let (challenge, _) = PkceCodeChallenge::new_random_sha256();
    let redirect_errors: Vec<(&str, &str, &str)> = vec![
        ("code_challenge_method", "plain", "invalid_request"),
        ("code_challenge", "", "invalid_request"),
        ("scope", "email", "invalid_scope"),
        ("nonce", "", "invalid_request"),
        ("response_type", "token", "unsupported_response_type"),
    ];
    for (name, value, expected) in redirect_errors {
        let mut params = auth_params(challenge.as_str(), "openid");
        params.retain(|(key, _)| *key != name);
        params.push((name, value));
        let (status, location, _) = browser.authorize(&params);
        assert_eq!(status, 302, "{name}");
        assert_eq!(query(&location)["error"], expected, "{name}={value}");
    }
    for bad_redirect in [
        "https://127.0.0.1:5555/callback",
        "http://127.0.0.1:5555/other",
        "http://attacker.example/callback",
    ] {
        let mut params = auth_params(challenge.as_str(), "openid");
        params.retain(|(key, _)| *key != "redirect_uri");
        params.push(("redirect_uri", bad_redirect));
        let (status, _, body) = browser.authorize(&params);
        assert_eq!(status, 400, "{bad_redirect} is never redirected to");
        assert!(body.contains("not registered"), "{body}");
    }
    let (_, transaction, _) = browser.authorize(&auth_params(challenge.as_str(), "openid"));
    let (status, _, page) = browser.post_form(
        "/oauth2/login",
        &[
            ("transaction", &transaction),
            ("username", fx::USER_EMAIL),
            ("password", "wrong"),
            ("decision", "allow"),
        ],
    );
    assert_eq!(status, 200);
    assert!(page.contains("wrong"), "{page}");
    let (status, location, _) = browser.post_form(
        "/oauth2/login",
        &[("transaction", &transaction), ("decision", "deny")],
    );
    assert_eq!(status, 302);
    let params = query(&location.unwrap());
    assert_eq!(
        (params["error"].as_str(), params["state"].as_str()),
        ("access_denied", "st-1")
    );
}
