//! The loopback redirect listener, driven with raw HTTP requests (and once by Chromium).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use sso_launcher::core::loopback::*;
use sso_launcher::core::secret::SecretString;
use url::Url;

type Waiting = JoinHandle<Result<CallbackParams, LoopbackError>>;

fn start(options: ListenerOptions, state: &'static str) -> (Url, CancelHandle, Waiting) {
    let listener = LoopbackListener::bind(options).unwrap();
    let uri = listener.redirect_uri().clone();
    let cancel = listener.cancel_handle();
    (
        uri,
        cancel,
        std::thread::spawn(move || listener.wait_for_redirect(&SecretString::new(state))),
    )
}

/// Sends one raw request with the given Host header; returns status and body.
fn raw(uri: &Url, method: &str, host: &str, target: &str, body: &str) -> (u16, String) {
    let address = format!(
        "{}:{}",
        uri.host_str().unwrap().trim_matches(['[', ']']),
        uri.port().unwrap()
    );
    let address = if address.starts_with("localhost") {
        address.replacen("localhost", "127.0.0.1", 1)
    } else {
        address
    };
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer.split(' ').nth(1).unwrap().parse().unwrap();
    (status, answer)
}

fn authority(uri: &Url) -> String {
    format!("{}:{}", uri.host_str().unwrap(), uri.port().unwrap())
}

fn get(uri: &Url, target: &str) -> (u16, String) {
    raw(uri, "GET", &authority(uri), target, "")
}

#[test]
fn accepts_only_the_right_path_host_and_state_then_closes() {
    let (uri, _, waiting) = start(ListenerOptions::new("Acme Sovos"), "state-1");
    assert_eq!(uri.path(), "/callback");
    assert_ne!(uri.port(), Some(0), "the URI names the port actually bound");

    assert_eq!(get(&uri, "/favicon.ico").0, 404);
    let rebinding = raw(
        &uri,
        "GET",
        &format!("evil.example:{}", uri.port().unwrap()),
        "/callback?code=c&state=state-1",
        "",
    );
    assert_eq!(rebinding.0, 421, "a foreign Host is refused");
    assert!(!waiting.is_finished(), "neither ends the flow");

    let (status, page) = get(&uri, "/callback?code=the-code&state=state-1");
    assert_eq!(status, 200);
    assert!(page.contains("Signed in to Acme Sovos"), "{page}");
    let params = waiting.join().unwrap().unwrap();
    assert_eq!(params.get("code").unwrap().expose_secret(), "the-code");
    assert!(
        !format!("{params:?}").contains("the-code"),
        "values are redacted"
    );

    let (status, page) = get(&uri, "/callback?code=again&state=state-1");
    assert_eq!(status, 410, "a second redirect after success is refused");
    assert!(page.contains("already finished"), "{page}");
}

#[test]
fn closes_once_the_linger_is_over() {
    let mut options = ListenerOptions::new("A");
    options.linger = Duration::from_millis(100);
    let (uri, _, waiting) = start(options, "s");
    assert_eq!(get(&uri, "/callback?code=c&state=s").0, 200);
    waiting.join().unwrap().unwrap();
    let port = uri.port().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while TcpStream::connect(format!("127.0.0.1:{port}")).is_ok() {
        assert!(Instant::now() < deadline, "the listener never closed");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Any page in the browser can reach the listener (signNow and LicenseSpring use fixed,
/// known ports): an answer with a wrong or missing state, or a provider error without the
/// right state, is refused and the sign-in keeps waiting for the real answer.
#[test]
fn a_wrong_or_missing_state_is_refused_and_the_sign_in_keeps_waiting() {
    let (uri, _, waiting) = start(ListenerOptions::new("A"), "expected");
    let hostile = [
        "/callback?code=c&state=forged",
        "/callback?code=c",
        "/callback?error=access_denied&state=forged",
        "/callback?error=access_denied",
    ];
    // As a page that loops fetch() at the port would.
    for round in 0..10 {
        for target in hostile {
            let (status, page) = get(&uri, target);
            assert_eq!(status, 400, "{target}");
            assert!(page.contains("does not belong"), "{page}");
            assert!(
                !waiting.is_finished(),
                "round {round}: {target} ended the sign-in"
            );
        }
    }
    assert_eq!(get(&uri, "/callback?code=real&state=expected").0, 200);
    let params = waiting.join().unwrap().unwrap();
    assert_eq!(params.get("code").unwrap().expose_secret(), "real");

    // A provider error carrying the right state does end it.
    let (uri, _, waiting) = start(ListenerOptions::new("A"), "expected");
    get(&uri, "/callback?code=c&state=forged");
    get(&uri, "/callback?error=access_denied&state=expected");
    assert!(matches!(
        waiting.join().unwrap(),
        Err(LoopbackError::Denied { .. })
    ));
}

/// A sign-in that only ever got refused answers times out, and says how many it refused.
#[test]
fn the_timeout_counts_the_refused_answers() {
    let mut options = ListenerOptions::new("A");
    options.timeout = Duration::from_millis(800);
    let (uri, _, waiting) = start(options, "expected");
    for _ in 0..3 {
        assert_eq!(get(&uri, "/callback?code=c&state=forged").0, 400);
    }
    let err = waiting.join().unwrap().unwrap_err();
    assert!(
        matches!(err, LoopbackError::TimedOut { refused: 3, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("3 answers with a wrong or missing state"),
        "{err}"
    );
}

#[test]
fn provider_error_is_shown_and_returned() {
    let (uri, _, waiting) = start(ListenerOptions::new("A"), "s");
    let (status, page) = get(
        &uri,
        "/callback?error=access_denied&error_description=User%20said%20%3Cno%3E&state=s",
    );
    assert_eq!(status, 200);
    assert!(
        page.contains("access_denied: User said &lt;no&gt;"),
        "{page}"
    );
    match waiting.join().unwrap() {
        Err(err @ LoopbackError::Denied { .. }) => {
            assert!(
                err.to_string().contains("access_denied: User said <no>"),
                "{err}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn times_out_and_can_be_cancelled() {
    let mut options = ListenerOptions::new("A");
    options.timeout = Duration::from_millis(300);
    let started = Instant::now();
    let (_, _, waiting) = start(options, "s");
    let err = waiting.join().unwrap().unwrap_err();
    assert!(matches!(err, LoopbackError::TimedOut { .. }), "{err}");
    assert!(started.elapsed() >= Duration::from_millis(300));

    let (_, cancel, waiting) = start(ListenerOptions::new("A"), "s");
    std::thread::sleep(Duration::from_millis(50));
    let cancelled_at = Instant::now();
    cancel.cancel();
    assert!(matches!(
        waiting.join().unwrap(),
        Err(LoopbackError::Cancelled)
    ));
    assert!(
        cancelled_at.elapsed() < Duration::from_secs(2),
        "cancel acts promptly"
    );
}

#[test]
fn busy_fixed_port_names_the_port_and_redirect_uri() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let uri = Url::parse(&format!("http://127.0.0.1:{port}/oauth/done")).unwrap();
    let options = ListenerOptions::for_redirect_uri("A", &uri).unwrap();
    let err = LoopbackListener::bind(options).err().unwrap();
    let message = err.to_string();
    assert!(matches!(err, LoopbackError::PortBusy { .. }), "{message}");
    assert!(
        message.contains(&format!("port {port}")) && message.contains(uri.as_str()),
        "{message}"
    );
}

#[test]
fn redirect_uris_must_be_plain_http_loopback() {
    let options =
        ListenerOptions::for_redirect_uri("A", &Url::parse("http://localhost:8765/cb").unwrap())
            .unwrap();
    assert_eq!(
        (options.host, options.port, options.path.as_str()),
        (LoopbackHost::Localhost, 8765, "/cb")
    );
    let options =
        ListenerOptions::for_redirect_uri("A", &Url::parse("http://127.0.0.1/cb").unwrap())
            .unwrap();
    assert_eq!(options.port, 80, "no port means 80");
    for refused in [
        "https://127.0.0.1:1/cb",
        "http://192.168.1.1:8080/cb",
        "http://example.com/cb",
        "http://127.0.0.2/cb",
    ] {
        let err =
            ListenerOptions::for_redirect_uri("A", &Url::parse(refused).unwrap()).unwrap_err();
        assert!(
            matches!(err, LoopbackError::NotLoopback { .. }),
            "{refused}"
        );
    }
}

#[test]
fn localhost_listener_expects_the_localhost_host_header() {
    let mut options =
        ListenerOptions::for_redirect_uri("A", &Url::parse("http://localhost:1/cb").unwrap())
            .unwrap();
    options.port = 0;
    let (uri, _, waiting) = start(options, "s");
    assert_eq!(uri.host_str(), Some("localhost"));
    let port = uri.port().unwrap();
    assert_eq!(
        raw(
            &uri,
            "GET",
            &format!("127.0.0.1:{port}"),
            "/cb?code=c&state=s",
            ""
        )
        .0,
        421
    );
    assert_eq!(
        raw(
            &uri,
            "GET",
            &format!("localhost:{port}"),
            "/cb?code=c&state=s",
            ""
        )
        .0,
        200
    );
    assert!(waiting.join().unwrap().is_ok());
}

#[test]
fn fragment_mode_relays_the_fragment_under_the_same_state_check() {
    let mut options = ListenerOptions::new("Licensed app");
    options.mode = ResponseMode::Fragment;
    let (uri, _, waiting) = start(options.clone(), "s");
    let (status, page) = get(&uri, "/callback");
    assert_eq!(status, 200);
    assert!(page.contains("location.hash"), "{page}");
    assert!(!waiting.is_finished());
    let (status, page) = raw(
        &uri,
        "POST",
        &authority(&uri),
        "/callback",
        "id_token=tok&access_token=at&state=s",
    );
    assert_eq!(status, 200);
    assert!(page.contains("Signed in to Licensed app"));
    let params = waiting.join().unwrap().unwrap();
    assert_eq!(params.get("id_token").unwrap().expose_secret(), "tok");

    let (uri, _, waiting) = start(options, "s");
    assert_eq!(
        raw(
            &uri,
            "POST",
            &authority(&uri),
            "/callback",
            "id_token=tok&state=other"
        )
        .0,
        400
    );
    assert!(
        !waiting.is_finished(),
        "a wrong state keeps the sign-in waiting"
    );
    assert_eq!(
        raw(
            &uri,
            "POST",
            &authority(&uri),
            "/callback",
            "id_token=tok&state=s"
        )
        .0,
        200
    );
    assert!(waiting.join().unwrap().is_ok());
}

#[test]
fn fragment_mode_works_in_a_real_browser() {
    let mut options = ListenerOptions::new("Licensed app");
    options.mode = ResponseMode::Fragment;
    let (uri, _, waiting) = start(options, "s-42");
    let profile = tempfile::tempdir().unwrap();
    let output = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--password-store=basic",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("{uri}#id_token=browser-token&state=s-42"))
        .output()
        .expect("chromium is installed by scripts/test");
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(dom.contains("Signed in to Licensed app"), "{dom}");
    let params = waiting.join().unwrap().unwrap();
    assert_eq!(
        params.get("id_token").unwrap().expose_secret(),
        "browser-token"
    );
}

#[test]
fn a_new_flow_on_the_same_fixed_port_takes_over_at_once() {
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let uri = Url::parse(&format!("http://127.0.0.1:{free}/callback")).unwrap();
    let options = ListenerOptions::for_redirect_uri("A", &uri).unwrap();
    let (_, cancel, waiting) = start(options.clone(), "s");
    assert_eq!(get(&uri, "/callback?code=c&state=s").0, 200);
    waiting.join().unwrap().unwrap();
    // The finished listener lingers, but a new sign-in on its port must not see "busy".
    let (_, _, waiting) = start(options.clone(), "t");
    assert_eq!(get(&uri, "/callback?code=d&state=t").0, 200);
    waiting.join().unwrap().unwrap();
    cancel.cancel(); // a stale handle is harmless

    // A cancelled flow frees its port at once.
    let (_, cancel, waiting) = start(options.clone(), "u");
    cancel.cancel();
    assert!(matches!(
        waiting.join().unwrap(),
        Err(LoopbackError::Cancelled)
    ));
    let (_, cancel, waiting) = start(options, "v");
    cancel.cancel();
    waiting.join().unwrap().unwrap_err();
}

/// A redirect URI on `localhost` is listened for on both loopback families, so another local
/// user cannot take [::1] on the same port and catch the redirect a browser sends there first
/// (RFC 8252 §8.3); an answer on either family completes the sign-in.
#[test]
fn localhost_holds_both_loopback_families() {
    let mut options = ListenerOptions::new("A");
    options.host = LoopbackHost::Localhost;
    let (uri, _, waiting) = start(options, "s");
    let port = uri.port().unwrap();
    let squatter = std::net::TcpListener::bind(("::1", port));
    assert!(
        squatter.is_err(),
        "another process could listen on [::1]:{port}"
    );
    let mut stream = TcpStream::connect(("::1", port)).unwrap();
    write!(
        stream,
        "GET /callback?code=c&state=s HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(waiting.join().unwrap().is_ok());
}

/// A local client that opens connections and sends nothing, sends its headers a byte at a
/// time, or sends endless headers, neither blocks nor ends the sign-in: the real redirect is
/// answered at once and completes it.
#[test]
fn slow_silent_and_huge_requests_do_not_hold_the_listener() {
    let (uri, _, waiting) = start(ListenerOptions::new("A"), "s");
    let address = format!("127.0.0.1:{}", uri.port().unwrap());
    // Endless headers: refused with 431 once past the limit.
    let mut huge = TcpStream::connect(&address).unwrap();
    let mut head = format!("GET /callback HTTP/1.1\r\nHost: {}\r\n", authority(&uri));
    while head.len() < 64 * 1024 {
        head.push_str("X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
    }
    let _ = huge.write_all(head.as_bytes());
    let mut answer = String::new();
    let _ = huge.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    // Silent connections, more than the listener reads at once.
    let silent: Vec<TcpStream> = (0..20)
        .map(|_| TcpStream::connect(&address).unwrap())
        .collect();
    // The silent ones time out and are closed.
    std::thread::sleep(Duration::from_millis(2500));
    let started = Instant::now();
    assert_eq!(get(&uri, "/callback?code=c&state=s").0, 200);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(waiting.join().unwrap().is_ok());
    for mut stream in silent {
        let mut byte = [0u8; 1];
        stream
            .set_read_timeout(Some(Duration::from_secs(1)))
            .unwrap();
        assert!(
            matches!(stream.read(&mut byte), Ok(0) | Err(_)),
            "still open"
        );
    }
}
