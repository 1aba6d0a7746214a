//! The loopback redirect listener (RFC 8252): where a browser sign-in comes back to the app.
//!
//! It binds only a loopback address, accepts the redirect only on its path, with its Host and
//! with the expected `state`, answers the browser with a small page, and closes when the flow
//! ends. Waiting blocks: run [`LoopbackListener::wait_for_redirect`] on a worker thread.

mod error;
mod options;
pub mod pages;

pub use error::LoopbackError;
pub use options::{ListenerOptions, LoopbackHost, ResponseMode};

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex, Weak};
use std::time::{Duration, Instant};

use tiny_http::{Header, Method, Request, Response, Server};
use url::Url;

use crate::core::secret::{SecretString, constant_time_eq};

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5 * 60);
pub const DEFAULT_PATH: &str = "/callback";
/// How long a finished listener keeps answering "already finished" before it closes. The
/// browser often asks again at once (a favicon, on the kept-alive connection): leaving such a
/// request unanswered would hang that tab, and tiny_http cannot close kept-alive connections.
pub const DEFAULT_LINGER: Duration = Duration::from_secs(3);
/// How often a waiting listener looks at its cancel flag and deadline.
const POLL: Duration = Duration::from_millis(100);
const MAX_FORM_BODY: u64 = 64 * 1024;

/// The redirect's parameters (`code`, `state`, `id_token` ...), values redacted in `Debug`.
pub struct CallbackParams(BTreeMap<String, SecretString>);

impl CallbackParams {
    pub fn get(&self, name: &str) -> Option<&SecretString> {
        self.0.get(name)
    }

    fn text(&self, name: &str) -> Option<&str> {
        self.get(name).map(SecretString::expose_secret)
    }
}

impl fmt::Debug for CallbackParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

/// Cancels a waiting listener from another thread (a Cancel button, a newer flow). It does
/// not keep the listener's port open.
#[derive(Clone)]
pub struct CancelHandle {
    cancelled: Arc<AtomicBool>,
    server: Weak<Server>,
}

impl CancelHandle {
    /// Whether both handles belong to the same listener.
    pub fn same_flow(&self, other: &CancelHandle) -> bool {
        Arc::ptr_eq(&self.cancelled, &other.cancelled)
    }

    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        if let Some(server) = self.server.upgrade() {
            server.unblock();
        }
    }
}

/// Listeners of this process that have finished, by address, with the flag that stops one
/// still lingering. tiny_http closes its socket asynchronously after drop, so even a listener
/// that did not linger may hold its port for a moment.
static RELEASING: LazyLock<Mutex<HashMap<SocketAddr, Arc<AtomicBool>>>> =
    LazyLock::new(Default::default);

/// Binds, first asking a finished listener of ours on the same fixed port to let go of it and
/// waiting briefly for its socket to close. A port some other program holds fails at once.
/// Binds the loopback socket `options` ask for, with the reasons a user can act on.
fn bind_for(options: &ListenerOptions) -> Result<TcpListener, LoopbackError> {
    let wanted = options.host.authority(options.port);
    let planned_uri = format!("http://{wanted}{}", options.path);
    bind_socket(SocketAddr::new(options.host.bind_ip(), options.port)).map_err(|err| {
        match err.kind() {
            std::io::ErrorKind::AddrInUse => LoopbackError::PortBusy {
                port: options.port,
                redirect_uri: planned_uri,
            },
            std::io::ErrorKind::PermissionDenied => LoopbackError::PortNotPermitted {
                port: options.port,
                redirect_uri: planned_uri,
            },
            _ => LoopbackError::Bind {
                address: wanted,
                detail: err.to_string(),
            },
        }
    })
}

fn bind_socket(address: SocketAddr) -> std::io::Result<TcpListener> {
    let ours = address.port() != 0 && {
        let releasing = RELEASING.lock().expect("releasing lock");
        releasing
            .get(&address)
            .inspect(|stop| stop.store(true, Ordering::SeqCst))
            .is_some()
    };
    let mut attempts = if ours { 80 } else { 1 };
    loop {
        match TcpListener::bind(address) {
            Err(err) if err.kind() == std::io::ErrorKind::AddrInUse && attempts > 1 => {
                attempts -= 1;
                std::thread::sleep(Duration::from_millis(25));
            }
            Ok(listener) => {
                RELEASING.lock().expect("releasing lock").remove(&address);
                return Ok(listener);
            }
            Err(err) => return Err(err),
        }
    }
}

pub struct LoopbackListener {
    server: Arc<Server>,
    options: ListenerOptions,
    redirect_uri: Url,
    authority: String,
    cancelled: Arc<AtomicBool>,
    /// Answers refused for a wrong or missing `state` (any web page can send one).
    refused: std::sync::atomic::AtomicU32,
}

impl LoopbackListener {
    /// Binds the loopback address; the redirect URI is built from the port actually bound.
    pub fn bind(options: ListenerOptions) -> Result<Self, LoopbackError> {
        let wanted = options.host.authority(options.port);
        let listener = bind_for(&options)?;
        let port = listener
            .local_addr()
            .map_err(|err| LoopbackError::Bind {
                address: wanted.clone(),
                detail: err.to_string(),
            })?
            .port();
        let server = Server::from_listener(listener, None).map_err(|err| LoopbackError::Bind {
            address: wanted,
            detail: err.to_string(),
        })?;
        let authority = options.host.authority(port);
        let redirect_uri =
            Url::parse(&format!("http://{authority}{}", options.path)).map_err(|err| {
                LoopbackError::Bind {
                    address: authority.clone(),
                    detail: format!("bad redirect path '{}': {err}", options.path),
                }
            })?;
        Ok(Self {
            server: Arc::new(server),
            options,
            redirect_uri,
            authority,
            cancelled: Arc::new(AtomicBool::new(false)),
            refused: Default::default(),
        })
    }

    /// Whether a listener could bind where `options` say, without keeping the port (the
    /// socket is released at once, so a real sign-in right after finds it free).
    pub fn check_available(options: &ListenerOptions) -> Result<(), LoopbackError> {
        bind_for(options).map(drop)
    }

    /// The redirect URI to send to the provider.
    pub fn redirect_uri(&self) -> &Url {
        &self.redirect_uri
    }

    pub fn cancel_handle(&self) -> CancelHandle {
        CancelHandle {
            cancelled: self.cancelled.clone(),
            server: Arc::downgrade(&self.server),
        }
    }

    /// Waits for the one redirect of this flow, checks it and answers the browser, then
    /// closes: at once after a timeout or cancel, else after briefly refusing late requests
    /// (a second redirect gets "already finished").
    pub fn wait_for_redirect(self, expected_state: &str) -> Result<CallbackParams, LoopbackError> {
        let outcome = self.wait_inner(expected_state);
        // Once the browser has been answered it often asks again at once; after a timeout or
        // a cancel it is gone, and the port should be free for the next sign-in right away.
        let linger = !matches!(
            outcome,
            Err(LoopbackError::Cancelled | LoopbackError::TimedOut { .. })
        );
        self.close(linger);
        outcome
    }

    /// Closes, after answering late requests with "finished" for a moment on a background
    /// thread when `linger` is set.
    fn close(self, linger: bool) {
        let Self {
            server, options, ..
        } = self;
        let stop = Arc::new(AtomicBool::new(!linger));
        if let Some(address) = server.server_addr().to_ip() {
            RELEASING
                .lock()
                .expect("releasing lock")
                .insert(address, stop.clone());
        }
        if !linger {
            return;
        }
        std::thread::spawn(move || {
            let until = Instant::now() + options.linger;
            while !stop.load(Ordering::SeqCst) {
                let remaining = until.saturating_duration_since(Instant::now());
                if remaining.is_zero() {
                    break;
                }
                match server.recv_timeout(remaining.min(POLL)) {
                    Ok(Some(request)) => respond(
                        request,
                        410,
                        pages::failure(
                            "Sign-in already finished",
                            "This sign-in has ended; a second answer is refused. Start a new sign-in from sso-launcher if you need one.",
                        ),
                    ),
                    Ok(None) => {}
                    Err(_) => break,
                }
            }
        });
    }

    /// [`Self::wait_for_redirect`] on a blocking worker, for async callers.
    pub async fn wait_for_redirect_async(
        self,
        expected_state: String,
    ) -> Result<CallbackParams, LoopbackError> {
        tokio::task::spawn_blocking(move || self.wait_for_redirect(&expected_state))
            .await
            .unwrap_or_else(|join| panic!("loopback listener panicked: {join}"))
    }

    fn wait_inner(&self, expected_state: &str) -> Result<CallbackParams, LoopbackError> {
        let deadline = Instant::now() + self.options.timeout;
        loop {
            if self.cancelled.load(Ordering::SeqCst) {
                return Err(LoopbackError::Cancelled);
            }
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(LoopbackError::TimedOut {
                    after: self.options.timeout,
                    redirect_uri: self.redirect_uri.to_string(),
                    refused: self.refused.load(Ordering::SeqCst),
                });
            }
            let request = match self.server.recv_timeout(remaining.min(POLL)) {
                Ok(Some(request)) => request,
                Ok(None) => continue,
                Err(err) => {
                    return Err(LoopbackError::Bind {
                        address: self.authority.clone(),
                        detail: err.to_string(),
                    });
                }
            };
            if let Some(outcome) = self.handle(request, expected_state) {
                return outcome;
            }
        }
    }

    /// Answers one request; `Some` ends the flow.
    fn handle(
        &self,
        mut request: Request,
        expected_state: &str,
    ) -> Option<Result<CallbackParams, LoopbackError>> {
        // The path only: the query may carry a code or token.
        let path = request
            .url()
            .split(['?', '#'])
            .next()
            .unwrap_or("")
            .to_string();
        tracing::debug!(method = %request.method(), %path, "loopback listener request");
        let host_ok = request
            .headers()
            .iter()
            .find(|header| header.field.equiv("Host"))
            .is_some_and(|header| host_is_ours(header.value.as_str(), &self.authority));
        if !host_ok {
            // A page on another site reaching us through DNS rebinding: not our browser tab.
            respond(
                request,
                421,
                pages::failure(
                    "Wrong address",
                    "This listener answers only on its own loopback address.",
                ),
            );
            return None;
        }
        let target = Url::parse(&format!("http://{}{}", self.authority, request.url())).ok()?;
        if target.path() != self.options.path {
            respond(request, 404, pages::failure("Not found", "Nothing here."));
            return None;
        }
        let params: BTreeMap<String, SecretString> = match (request.method(), self.options.mode) {
            (Method::Get, mode) => {
                let params = to_params(target.query_pairs());
                if params.is_empty() && mode == ResponseMode::Fragment {
                    respond(request, 200, pages::fragment_relay());
                    return None;
                }
                params
            }
            (Method::Post, ResponseMode::Fragment) => {
                let mut body = Vec::new();
                if request
                    .as_reader()
                    .take(MAX_FORM_BODY)
                    .read_to_end(&mut body)
                    .is_err()
                {
                    respond(
                        request,
                        400,
                        pages::failure("Bad request", "The answer could not be read."),
                    );
                    return None;
                }
                to_params(url::form_urlencoded::parse(&body))
            }
            _ => {
                respond(
                    request,
                    405,
                    pages::failure(
                        "Not allowed",
                        "This listener takes the provider's redirect only.",
                    ),
                );
                return None;
            }
        };
        let params = CallbackParams(params);
        let state_matches = params
            .text("state")
            .is_some_and(|state| constant_time_eq(state.as_bytes(), expected_state.as_bytes()));
        if !state_matches {
            // Any page in the browser can send this (a fixed port is known): refuse it and keep
            // waiting, so it cannot end the sign-in the user is doing.
            self.refused.fetch_add(1, Ordering::SeqCst);
            respond(
                request,
                400,
                pages::failure(
                    "Sign-in refused",
                    "This answer does not belong to the sign-in sso-launcher started (the state does not match), so it was refused.",
                ),
            );
            return None;
        }
        if let Some(error) = params.text("error") {
            let error = error.to_string();
            let description = params.text("error_description").map(str::to_string);
            let detail = match &description {
                Some(description) => format!("The provider said: {error}: {description}"),
                None => format!("The provider said: {error}"),
            };
            respond(
                request,
                200,
                pages::failure("Sign-in did not complete", &detail),
            );
            return Some(Err(LoopbackError::Denied { error, description }));
        }
        respond(request, 200, pages::success(&self.options.account_name));
        Some(Ok(params))
    }
}

/// Whether a request's `Host` names this listener. On port 80, browsers leave the port out
/// (`Host: 127.0.0.1` for `http://127.0.0.1/callback`), so both spellings are ours.
fn host_is_ours(host: &str, authority: &str) -> bool {
    host.eq_ignore_ascii_case(authority)
        || authority
            .strip_suffix(":80")
            .is_some_and(|without_port| host.eq_ignore_ascii_case(without_port))
}

fn to_params<'a>(
    pairs: impl Iterator<Item = (std::borrow::Cow<'a, str>, std::borrow::Cow<'a, str>)>,
) -> BTreeMap<String, SecretString> {
    pairs
        .map(|(key, value)| (key.into_owned(), SecretString::new(value.into_owned())))
        .collect()
}

fn respond(request: Request, status: u16, html: String) {
    let response = Response::from_string(html)
        .with_status_code(status)
        .with_header(
            Header::from_bytes("Content-Type", "text/html; charset=utf-8").expect("static header"),
        )
        .with_header(Header::from_bytes("Cache-Control", "no-store").expect("static header"))
        .with_header(Header::from_bytes("Referrer-Policy", "no-referrer").expect("static header"));
    if let Err(err) = request.respond(response) {
        tracing::debug!("loopback listener could not answer the browser: {err}");
    }
}

#[cfg(test)]
mod tests {
    use super::host_is_ours;

    #[test]
    fn a_host_without_the_default_port_is_ours_on_port_80_only() {
        assert!(host_is_ours("127.0.0.1", "127.0.0.1:80"));
        assert!(host_is_ours("127.0.0.1:80", "127.0.0.1:80"));
        assert!(host_is_ours("LOCALHOST", "localhost:80"));
        assert!(host_is_ours("[::1]", "[::1]:80"));
        assert!(!host_is_ours("127.0.0.1", "127.0.0.1:8080"));
        assert!(!host_is_ours("127.0.0.1:8080", "127.0.0.1:80"));
        assert!(!host_is_ours("evil.example", "127.0.0.1:80"));
        assert!(!host_is_ours("127.0.0.1.evil.example", "127.0.0.1:80"));
    }
}
