//! The one HTTP client: every request the app makes goes through here.
//!
//! rustls with the system's roots (plus an optional CA file), bounded time, bounded answers,
//! redirects reported rather than followed, https required except on loopback.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::{Method, RequestBuilder, StatusCode};
use url::Url;

use crate::core::server_text::{SentValues, url_excerpt};

use crate::core::error::{ErrorKind, Remedy, UserFacing};

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// No provider answer we read is anywhere near this; a larger one is a misrouted request.
pub const DEFAULT_BODY_CAP: usize = 1024 * 1024;

#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub timeout: Duration,
    pub ca_file: Option<PathBuf>,
    pub body_cap: usize,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            timeout: crate::core::store::settings::DEFAULT_HTTP_TIMEOUT,
            ca_file: None,
            body_cap: DEFAULT_BODY_CAP,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// A plain-http URL on a non-loopback host.
    #[error("refusing to send credentials over plain http to {0}")]
    InsecureUrl(String),
    /// The CA file in the settings could not be used.
    #[error("could not use the CA file {}: {detail}", path.display())]
    CaFile { path: PathBuf, detail: String },
    /// The client could not be built.
    #[error("could not set up HTTPS: {0}")]
    Setup(String),
    /// No answer in time.
    #[error("{host} did not answer within {seconds:.1} s")]
    Timeout { host: String, seconds: f64 },
    /// The connection could not be made or broke before an answer arrived.
    #[error("could not reach {host}: {detail}")]
    Connect { host: String, detail: String },
    /// The server answered with a redirect, which an API endpoint never should.
    #[error("{host} answered with a redirect ({status}) to {location}")]
    Redirect {
        host: String,
        status: u16,
        location: String,
    },
    /// The answer was larger than any legitimate answer.
    #[error("{host} sent an answer larger than {cap} bytes")]
    TooLarge { host: String, cap: usize },
    /// An OAuth endpoint answered with an HTML page (an error page, a proxy, a portal).
    #[error("{host} answered with an HTML page (HTTP {status}) instead of JSON")]
    HtmlPage { host: String, status: u16 },
}

impl UserFacing for HttpError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::InsecureUrl(_) | Self::CaFile { .. } => ErrorKind::Config,
            Self::Setup(_) => ErrorKind::Internal,
            Self::Timeout { .. } | Self::Connect { .. } => ErrorKind::Network,
            Self::Redirect { .. } | Self::TooLarge { .. } => ErrorKind::Malformed,
            // A 5xx page is the server (or what stands before it) failing: try again later.
            Self::HtmlPage { status, .. } if *status >= 500 => ErrorKind::Network,
            Self::HtmlPage { .. } => ErrorKind::Malformed,
        }
    }

    fn remedy(&self) -> Option<Remedy> {
        Some(Remedy::Advice(match self {
            Self::InsecureUrl(_) => "Use an https:// address (plain http is allowed only for 127.0.0.1, ::1 and localhost).".into(),
            Self::CaFile { .. } => "Point ca_file in settings.toml at a PEM file with your company's CA certificate.".into(),
            Self::Setup(_) => return None,
            Self::Timeout { .. } => "Check your network or proxy, or raise http_timeout_seconds in settings.toml.".into(),
            Self::Connect { .. } => "Check the address in the account settings, your network, and HTTPS_PROXY/NO_PROXY.".into(),
            Self::Redirect { .. } => "The base URL is probably wrong (a login portal or an old host); check the account settings.".into(),
            Self::TooLarge { .. } => "The base URL probably points at the wrong service; check the account settings.".into(),
            Self::HtmlPage { status, .. } if *status >= 500 => "Try again in a minute; if it persists, check the provider's status page.".into(),
            Self::HtmlPage { .. } => "Check that the addresses in the account settings point at the provider's API (not a web page or proxy).".into(),
        }))
    }
}

/// An answer read in full (up to the cap).
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: StatusCode,
    pub content_type: Option<String>,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
    /// What the request sent, kept out of anything quoted from this answer.
    pub sent: SentValues,
}

impl HttpResponse {
    /// Whether the body looks like an HTML page (an error page, a proxy or a login portal).
    pub fn is_html(&self) -> bool {
        let declared = self
            .content_type
            .as_deref()
            .is_some_and(|value| value.to_ascii_lowercase().contains("text/html"));
        let text =
            String::from_utf8_lossy(&self.body[..self.body.len().min(64)]).to_ascii_lowercase();
        declared
            || text.trim_start().starts_with("<!doctype html")
            || text.trim_start().starts_with("<html")
    }
}

#[derive(Debug, Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    options: HttpOptions,
    /// Whom the requests go to ("AssureSign"), named in every error beside the host.
    service: Option<&'static str>,
}

impl HttpClient {
    pub fn new(options: HttpOptions) -> Result<Self, HttpError> {
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .tls_built_in_native_certs(true)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(options.timeout)
            .user_agent(concat!("sso-launcher/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy();
        for proxy in proxies_from_env()? {
            builder = builder.proxy(proxy);
        }
        if let Some(path) = &options.ca_file {
            let ca_error = |detail: String| HttpError::CaFile {
                path: path.clone(),
                detail,
            };
            let pem = std::fs::read(path).map_err(|err| ca_error(err.to_string()))?;
            let certificates = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|err| ca_error(err.to_string()))?;
            if certificates.is_empty() {
                return Err(ca_error("no PEM certificate found in it".into()));
            }
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let client = builder
            .build()
            .map_err(|err| HttpError::Setup(err.to_string()))?;
        Ok(Self {
            client,
            options,
            service: None,
        })
    }

    /// The same client, naming `service` in its errors ("could not reach AssureSign at
    /// host:port"). Cheap: the connection pool is shared.
    pub fn for_service(&self, service: &'static str) -> Self {
        Self {
            client: self.client.clone(),
            options: self.options.clone(),
            service: Some(service),
        }
    }

    fn label(&self, url: &Url) -> String {
        match self.service {
            Some(service) => format!("{service} at {}", host_label(url)),
            None => host_label(url),
        }
    }

    pub fn timeout(&self) -> Duration {
        self.options.timeout
    }

    /// Starts a request after checking the URL may carry credentials.
    pub fn request(&self, method: Method, url: &Url) -> Result<RequestBuilder, HttpError> {
        ensure_url_allowed(url)?;
        Ok(self.client.request(method, url.clone()))
    }

    /// Sends the request and reads the whole answer, up to the body cap.
    pub async fn send(&self, request: RequestBuilder) -> Result<HttpResponse, HttpError> {
        let request = request
            .build()
            .map_err(|err| HttpError::Setup(err.to_string()))?;
        let host = self.label(request.url());
        let sent = SentValues::of(&request);
        let mut response = self
            .client
            .execute(request)
            .await
            .map_err(|err| self.transport_error(&host, err))?;
        let status = response.status();
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        // A 300 without a Location is an answer, not a redirect: AGS lists matching accounts so.
        let listing = status == StatusCode::MULTIPLE_CHOICES && location.is_none();
        if status.is_redirection() && !listing {
            let location = location.map_or_else(
                || "(no location)".to_string(),
                |location| url_excerpt(&location, &sent),
            );
            return Err(HttpError::Redirect {
                host,
                status: status.as_u16(),
                location,
            });
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        let cap = self.options.body_cap;
        if response
            .content_length()
            .is_some_and(|length| length as usize > cap)
        {
            return Err(HttpError::TooLarge { host, cap });
        }
        let headers = response.headers().clone();
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|err| self.transport_error(&host, err))?
        {
            if body.len() + chunk.len() > cap {
                return Err(HttpError::TooLarge { host, cap });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse {
            status,
            content_type,
            headers,
            body,
            sent,
        })
    }

    /// Sends a request built by `oauth2`/`openidconnect` under this client's rules (https,
    /// timeouts, answer cap, redirects refused). Those crates take `&HttpClient` directly
    /// through the [`oauth2::AsyncHttpClient`] impl below.
    pub async fn execute_oauth(
        &self,
        request: oauth2::HttpRequest,
    ) -> Result<oauth2::HttpResponse, HttpError> {
        let (parts, body) = request.into_parts();
        let url = Url::parse(&parts.uri.to_string())
            .map_err(|err| HttpError::Setup(format!("bad OAuth URL {}: {err}", parts.uri)))?;
        let request = self
            .request(parts.method, &url)?
            .headers(parts.headers)
            .body(body);
        let response = self.send(request).await?;
        if response.is_html() {
            return Err(HttpError::HtmlPage {
                host: self.label(&url),
                status: response.status.as_u16(),
            });
        }
        let mut answer = oauth2::http::Response::builder().status(response.status);
        if let Some(content_type) = response.content_type {
            answer = answer.header(reqwest::header::CONTENT_TYPE, content_type);
        }
        // An error answer is quoted (its error_description): what was sent (a client secret,
        // a code, a refresh token) is taken out of it before `oauth2` reads it.
        let body = if response.status.is_success() {
            response.body
        } else {
            response.sent.redact_bytes(&response.body)
        };
        answer
            .body(body)
            .map_err(|err| HttpError::Setup(err.to_string()))
    }

    fn transport_error(&self, host: &str, err: reqwest::Error) -> HttpError {
        if err.is_timeout() {
            return HttpError::Timeout {
                host: host.to_string(),
                seconds: self.options.timeout.as_secs_f64(),
            };
        }
        // The chain's innermost message says what actually went wrong (refused, reset, TLS ...).
        let mut detail = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(inner) = source {
            detail = inner.to_string();
            source = inner.source();
        }
        HttpError::Connect {
            host: host.to_string(),
            detail,
        }
    }
}

impl<'c> oauth2::AsyncHttpClient<'c> for HttpClient {
    type Error = HttpError;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<oauth2::HttpResponse, HttpError>> + Send + 'c>,
    >;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(self.execute_oauth(request))
    }
}

/// https anywhere; plain http only on loopback.
pub fn ensure_url_allowed(url: &Url) -> Result<(), HttpError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback_url(url) => Ok(()),
        _ => Err(HttpError::InsecureUrl(host_label(url))),
    }
}

pub fn is_loopback_url(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

fn host_label(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        (None, _) => url.as_str().to_string(),
    }
}

/// `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` and `NO_PROXY`, with loopback always direct.
fn proxies_from_env() -> Result<Vec<reqwest::Proxy>, HttpError> {
    let read = |names: &[&str]| {
        names.iter().find_map(|name| {
            std::env::var(name)
                .ok()
                .filter(|value| !value.trim().is_empty())
        })
    };
    let mut no_proxy = read(&["NO_PROXY", "no_proxy"]).unwrap_or_default();
    no_proxy.push_str(",127.0.0.0/8,::1,localhost");
    let bypass = || reqwest::NoProxy::from_string(&no_proxy);
    let setup = |err: reqwest::Error| HttpError::Setup(format!("bad proxy setting: {err}"));
    let mut proxies = Vec::new();
    if let Some(url) = read(&["HTTPS_PROXY", "https_proxy"]) {
        proxies.push(
            reqwest::Proxy::https(&url)
                .map_err(setup)?
                .no_proxy(bypass()),
        );
    }
    if let Some(url) = read(&["HTTP_PROXY", "http_proxy"]) {
        proxies.push(
            reqwest::Proxy::http(&url)
                .map_err(setup)?
                .no_proxy(bypass()),
        );
    }
    if let Some(url) = read(&["ALL_PROXY", "all_proxy"]) {
        proxies.push(reqwest::Proxy::all(&url).map_err(setup)?.no_proxy(bypass()));
    }
    Ok(proxies)
}

/// The proxy settings in effect, for `doctor`.
pub fn proxy_summary() -> Vec<(String, String)> {
    ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY"]
        .iter()
        .filter_map(|name| {
            std::env::var(name)
                .or_else(|_| std::env::var(name.to_lowercase()))
                .ok()
                .map(|value| (name.to_string(), without_credentials(&value)))
        })
        .collect()
}

/// A proxy address as it may be shown: a user name and password in it become `***`.
fn without_credentials(proxy: &str) -> String {
    match Url::parse(proxy) {
        Ok(mut url) if !url.username().is_empty() || url.password().is_some() => {
            let _ = url.set_username("***");
            let _ = url.set_password(None);
            url.to_string()
        }
        // Not a URL with a host (`user:pw@host:port` without a scheme parses as scheme
        // `user`): keep what follows the last '@'.
        _ => match proxy.rsplit_once('@') {
            Some((_, host)) => format!("***@{host}"),
            None => proxy.to_string(),
        },
    }
}

#[cfg(test)]
#[path = "http_tests.rs"]
mod tests;
