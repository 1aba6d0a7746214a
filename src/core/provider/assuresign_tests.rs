use super::*;

fn account(settings: &[(&str, &str)]) -> Account {
    let mut account = Account::new("test", crate::core::provider::assuresign::ID);
    for (key, value) in settings {
        account.settings.insert(key.to_string(), value.to_string());
    }
    account
}

fn api_user(extra: &[(&str, &str)]) -> Account {
    let mut settings = vec![
        ("environment", "sb"),
        ("api_username", "api-user"),
        ("context_username", "jane@example.com"),
    ];
    settings.extend_from_slice(extra);
    account(&settings)
}

#[test]
fn environments_pick_documented_hosts() {
    let config = Config::parse(&api_user(&[])).unwrap();
    assert_eq!(config.api_origin.as_str(), "https://sb.assuresign.net/");
    assert_eq!(
        config.auth_origin.as_str(),
        "https://account.assuresign.net/"
    );
    assert_eq!(
        config.landing.as_str(),
        "https://sb.assuresign.net/ui/simpleSetup"
    );
    let au = Config::parse(&api_user(&[("environment", "au")])).unwrap();
    assert_eq!(
        au.auth_origin.as_str(),
        "https://au-account.assuresign.net/"
    );
    assert!(Config::parse(&api_user(&[("environment", "eu")])).is_err());
}

#[test]
fn overrides_must_be_origins() {
    let config = Config::parse(&api_user(&[
        ("api_base_url", "http://127.0.0.1:8080"),
        ("auth_base_url", "https://auth.example.com:8443"),
    ]))
    .unwrap();
    assert_eq!(
        join(&config.auth_origin, AUTH_API_USER_PATH).as_str(),
        "https://auth.example.com:8443/api/v3.5/authentication/apiUser"
    );
    assert_eq!(
        join(&config.api_origin, SSO_PATH).as_str(),
        "http://127.0.0.1:8080/api/documentnow/v3.5/authentication/sso"
    );
    for bad in [
        "https://x.example.com/api",
        "ftp://x.example.com",
        "http://x.example.com",
        "not a url",
        "https://x.example.com?a=b",
    ] {
        let err = Config::parse(&api_user(&[("api_base_url", bad)])).unwrap_err();
        assert!(err.to_string().contains("api_base_url"), "{bad}: {err}");
    }
}

#[test]
fn envelope_id_is_appended_as_one_path_segment() {
    let config = Config::parse(&api_user(&[("envelope_id", "a1b2/c3 d")])).unwrap();
    assert_eq!(
        config.landing.as_str(),
        "https://sb.assuresign.net/ui/simpleSetup/a1b2%2Fc3%20d"
    );
}

#[test]
fn sso_token_is_appended_with_question_mark_or_ampersand() {
    let plain = Url::parse("https://sb.assuresign.net/ui/simpleSetup").unwrap();
    assert_eq!(
        landing_url_with_token(&plain, "a+b/c=").reveal_for_browser(),
        "https://sb.assuresign.net/ui/simpleSetup?ssoToken=a%2Bb%2Fc%3D"
    );
    let with_query = Url::parse("https://sb.assuresign.net/ui/documents?view=all").unwrap();
    assert_eq!(
        landing_url_with_token(&with_query, "t").reveal_for_browser(),
        "https://sb.assuresign.net/ui/documents?view=all&ssoToken=t"
    );
}

#[test]
fn landing_url_on_another_origin_is_refused() {
    let same = Config::parse(&api_user(&[(
        "landing_url",
        "https://sb.assuresign.net/ui/documents",
    )]))
    .unwrap();
    assert_eq!(same.landing.path(), "/ui/documents");
    for elsewhere in [
        "https://evil.example.com/ui/simpleSetup",
        "http://sb.assuresign.net/ui/simpleSetup",
        "https://sb.assuresign.net:444/ui",
    ] {
        let err = Config::parse(&api_user(&[("landing_url", elsewhere)])).unwrap_err();
        assert!(err.to_string().contains("API origin"), "{elsewhere}: {err}");
    }
}

#[test]
fn modes_require_their_fields_and_secrets() {
    assert!(Config::parse(&account(&[("environment", "sb")])).is_err());
    let credentials = account(&[
        ("environment", "na1"),
        ("auth_mode", "credentials"),
        ("username", "jane"),
    ]);
    let config = Config::parse(&credentials).unwrap();
    assert_eq!(config.mode, AuthMode::Credentials);
    assert_eq!(AssureSign.required_secrets(&credentials), vec!["password"]);
    assert_eq!(AssureSign.required_secrets(&api_user(&[])), vec!["api_key"]);
    assert!(Config::parse(&api_user(&[("auth_mode", "oauth")])).is_err());
    assert!(Config::parse(&api_user(&[("context_username", "not-an-email")])).is_err());
}

#[test]
fn session_minutes_and_user_context_are_checked() {
    assert_eq!(Config::parse(&api_user(&[])).unwrap().session_minutes, 60);
    assert_eq!(
        Config::parse(&api_user(&[("session_minutes", "15")]))
            .unwrap()
            .session_minutes,
        15
    );
    for bad in ["0", "1441", "ten"] {
        assert!(
            Config::parse(&api_user(&[("session_minutes", bad)])).is_err(),
            "{bad}"
        );
    }
    assert!(Config::parse(&api_user(&[("user_context", "jane:42")])).is_ok());
    assert!(Config::parse(&api_user(&[("user_context", "jane")])).is_err());
}
