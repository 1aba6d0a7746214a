use super::*;

#[test]
fn proxy_credentials_are_never_shown() {
    assert_eq!(
        without_credentials("http://alice:s3cret@proxy.example:8080"),
        "http://***@proxy.example:8080/"
    );
    assert_eq!(
        without_credentials("alice:s3cret@proxy.example:8080"),
        "***@proxy.example:8080"
    );
    assert_eq!(
        without_credentials("http://proxy.example:8080"),
        "http://proxy.example:8080"
    );
}

#[test]
fn plain_http_only_on_loopback() {
    for allowed in [
        "https://sb.assuresign.net/x",
        "http://127.0.0.1:8080/x",
        "http://127.3.4.5/x",
        "http://[::1]:9/x",
        "http://localhost:1/x",
    ] {
        assert!(
            ensure_url_allowed(&Url::parse(allowed).unwrap()).is_ok(),
            "{allowed}"
        );
    }
    for refused in [
        "http://sb.assuresign.net/x",
        "http://10.0.0.1/x",
        "ftp://127.0.0.1/x",
    ] {
        assert!(
            ensure_url_allowed(&Url::parse(refused).unwrap()).is_err(),
            "{refused}"
        );
    }
}

#[test]
fn unusable_ca_file_is_a_config_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let not_pem = dir.path().join("ca.txt");
    std::fs::write(&not_pem, "hello").unwrap();
    for path in [dir.path().join("missing.pem"), not_pem] {
        let options = HttpOptions {
            ca_file: Some(path.clone()),
            ..HttpOptions::default()
        };
        let err = HttpClient::new(options).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains(&*path.to_string_lossy()), "{err}");
    }
}

#[test]
fn html_bodies_are_recognised() {
    let page = HttpResponse {
        sent: SentValues::default(),
        status: StatusCode::OK,
        content_type: None,
        headers: Default::default(),
        body: b"  <!DOCTYPE html><html>".to_vec(),
    };
    assert!(page.is_html());
    let json = HttpResponse {
        sent: SentValues::default(),
        status: StatusCode::OK,
        content_type: Some("application/json".into()),
        headers: Default::default(),
        body: b"{}".to_vec(),
    };
    assert!(!json.is_html());
}
