//! The loopback redirect listener (RFC 8252): where a browser sign-in comes back to the app.
//!
//! It binds only a loopback address, accepts the redirect only on its path, with its Host and
//! with the expected `state`, answers the browser with a small page, and closes when the flow
//! ends. Waiting blocks: run [`LoopbackListener::wait_for_redirect`] on a worker thread.

mod error;
mod options;
pub mod pages;
pub(crate) mod wire;

pub use error::LoopbackError;
pub use options::{ListenerOptions, LoopbackHost, ResponseMode};

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv6Addr, SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use url::Url;

use self::wire::{Incoming, Sockets};

use crate::core::secret::{SecretString, constant_time_eq};

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5 * 60);
pub const DEFAULT_PATH: &str = "/callback";
/// How long a finished listener keeps answering "already finished" before it closes. The
/// browser often asks again at once (a favicon): leaving such a request unanswered would hang
/// that tab.
pub const DEFAULT_LINGER: Duration = Duration::from_secs(3);
/// How often a waiting listener looks at its cancel flag and deadline.
const POLL: Duration = Duration::from_millis(100);

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
}

impl CancelHandle {
    /// Whether both handles belong to the same listener.
    pub fn same_flow(&self, other: &CancelHandle) -> bool {
        Arc::ptr_eq(&self.cancelled, &other.cancelled)
    }

    /// The waiting listener notices within [`POLL`].
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }
}

/// Listeners of this process that have finished, by address, with the flag that stops one
/// still lingering, so a new flow on the same fixed port takes it over at once.
static RELEASING: LazyLock<Mutex<HashMap<SocketAddr, Arc<AtomicBool>>>> =
    LazyLock::new(Default::default);

/// Binds the loopback sockets `options` ask for, with the reasons a user can act on: the one
/// address, or for `localhost` both 127.0.0.1 and [::1] on one port, so another local user
/// cannot take the family a browser may try first and catch the redirect (RFC 8252 §8.3).
fn bind_for(options: &ListenerOptions) -> Result<Vec<TcpListener>, LoopbackError> {
    let wanted = options.host.authority(options.port);
    let planned_uri = format!("http://{wanted}{}", options.path);
    let explain = |err: std::io::Error| match err.kind() {
        std::io::ErrorKind::AddrInUse => LoopbackError::PortBusy {
            port: options.port,
            redirect_uri: planned_uri.clone(),
        },
        std::io::ErrorKind::PermissionDenied => LoopbackError::PortNotPermitted {
            port: options.port,
            redirect_uri: planned_uri.clone(),
        },
        _ => LoopbackError::Bind {
            address: wanted.clone(),
            detail: err.to_string(),
        },
    };
    // A port the OS picks may be taken on the other family: pick again a few times.
    let mut attempts = if options.port == 0 { 5 } else { 1 };
    loop {
        let first =
            bind_socket(SocketAddr::new(options.host.bind_ip(), options.port)).map_err(explain)?;
        if options.host != LoopbackHost::Localhost {
            return Ok(vec![first]);
        }
        let port = first.local_addr().map_err(explain)?.port();
        match bind_socket(SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), port)) {
            Ok(second) => return Ok(vec![first, second]),
            // No IPv6 loopback on this machine: nobody can listen there either.
            Err(err)
                if matches!(
                    err.kind(),
                    std::io::ErrorKind::AddrNotAvailable | std::io::ErrorKind::Unsupported
                ) || err.raw_os_error() == Some(97) =>
            {
                return Ok(vec![first]);
            }
            Err(err) if err.kind() == std::io::ErrorKind::AddrInUse && attempts > 1 => {
                attempts -= 1;
            }
            Err(err) => return Err(explain(err)),
        }
    }
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
    sockets: Sockets,
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
        let sockets = bind_for(&options).and_then(|listeners| {
            Sockets::new(listeners).map_err(|err| LoopbackError::Bind {
                address: wanted.clone(),
                detail: err.to_string(),
            })
        })?;
        let port = sockets
            .addresses()
            .first()
            .map(SocketAddr::port)
            .ok_or_else(|| LoopbackError::Bind {
                address: wanted,
                detail: "no socket is bound".into(),
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
            sockets,
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
        }
    }

    /// Waits for the one redirect of this flow, checks it and answers the browser, then
    /// closes: at once after a timeout or cancel, else after briefly refusing late requests
    /// (a second redirect gets "already finished").
    pub fn wait_for_redirect(
        self,
        expected_state: &SecretString,
    ) -> Result<CallbackParams, LoopbackError> {
        let outcome = self.wait_inner(expected_state.expose_secret());
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
            sockets, options, ..
        } = self;
        let stop = Arc::new(AtomicBool::new(!linger));
        {
            let mut releasing = RELEASING.lock().expect("releasing lock");
            for address in sockets.addresses() {
                releasing.insert(address, stop.clone());
            }
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
                if let Some(request) = sockets.next(remaining.min(POLL)) {
                    request.respond(
                        410,
                        &pages::failure(
                            "Sign-in already finished",
                            "This sign-in has ended; a second answer is refused. Start a new sign-in from sso-launcher if you need one.",
                        ),
                    );
                }
            }
        });
    }

    /// [`Self::wait_for_redirect`] on a blocking worker, for async callers.
    pub async fn wait_for_redirect_async(
        self,
        expected_state: SecretString,
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
            let Some(request) = self.sockets.next(remaining.min(POLL)) else {
                continue;
            };
            if let Some(outcome) = self.handle(request, expected_state) {
                return outcome;
            }
        }
    }

    /// Answers one request; `Some` ends the flow.
    fn handle(
        &self,
        request: Incoming,
        expected_state: &str,
    ) -> Option<Result<CallbackParams, LoopbackError>> {
        // The path only: the query may carry a code or token.
        let path = request
            .target
            .split(['?', '#'])
            .next()
            .unwrap_or("")
            .to_string();
        tracing::debug!(method = %request.method, %path, "loopback listener request");
        let host_ok = request
            .host
            .as_deref()
            .is_some_and(|host| host_is_ours(host, &self.authority));
        if !host_ok {
            // A page on another site reaching us through DNS rebinding: not our browser tab.
            request.respond(
                421,
                &pages::failure(
                    "Wrong address",
                    "This listener answers only on its own loopback address.",
                ),
            );
            return None;
        }
        let Ok(target) = Url::parse(&format!("http://{}{}", self.authority, request.target)) else {
            request.respond(
                400,
                &pages::failure("Bad request", "The address could not be read."),
            );
            return None;
        };
        if target.path() != self.options.path {
            request.respond(404, &pages::failure("Not found", "Nothing here."));
            return None;
        }
        let params: BTreeMap<String, SecretString> =
            match (request.method.as_str(), self.options.mode) {
                ("GET", mode) => {
                    let params = to_params(target.query_pairs());
                    if params.is_empty() && mode == ResponseMode::Fragment {
                        request.respond(200, &pages::fragment_relay());
                        return None;
                    }
                    params
                }
                ("POST", ResponseMode::Fragment) => {
                    to_params(url::form_urlencoded::parse(&request.body))
                }
                _ => {
                    request.respond(
                        405,
                        &pages::failure(
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
            request.respond(
                400,
                &pages::failure(
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
            request.respond(200, &pages::failure("Sign-in did not complete", &detail));
            return Some(Err(LoopbackError::Denied { error, description }));
        }
        request.respond(200, &pages::success(&self.options.account_name));
        Some(Ok(params))
    }
}

/// Whether a request's `Host` names this listener. On port 80, browsers leave the port out
/// (`Host: 127.0.0.1` for `http://127.0.0.1/callback`), so both spellings are ours.
pub(crate) fn host_is_ours(host: &str, authority: &str) -> bool {
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

/// The request reader, for the property tests: the body's length, when a request was read.
#[cfg(test)]
pub(crate) fn read_request_for_tests(stream: std::net::TcpStream) -> Option<usize> {
    wire::read_request(stream).map(|request| request.body.len())
}

#[cfg(test)]
pub(crate) const MAX_BODY_FOR_TESTS: usize = wire::MAX_BODY;

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
