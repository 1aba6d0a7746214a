//! Where and how a loopback listener listens.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use url::Url;

use super::{DEFAULT_LINGER, DEFAULT_PATH, DEFAULT_TIMEOUT, LoopbackError};

/// Which loopback name the redirect URI uses. `Localhost` binds 127.0.0.1; the IP literals
/// are preferred (RFC 8252 §8.3) and used unless a provider registered `localhost`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopbackHost {
    Ipv4,
    Ipv6,
    Localhost,
}

impl LoopbackHost {
    /// The loopback host named in a URL, or `None` for any other host.
    pub fn from_url(url: &Url) -> Option<Self> {
        match url.host()? {
            url::Host::Ipv4(ip) if ip == Ipv4Addr::LOCALHOST => Some(Self::Ipv4),
            url::Host::Ipv6(ip) if ip == Ipv6Addr::LOCALHOST => Some(Self::Ipv6),
            url::Host::Domain(name) if name.eq_ignore_ascii_case("localhost") => {
                Some(Self::Localhost)
            }
            _ => None,
        }
    }

    pub(super) fn bind_ip(self) -> IpAddr {
        match self {
            Self::Ipv4 | Self::Localhost => IpAddr::V4(Ipv4Addr::LOCALHOST),
            Self::Ipv6 => IpAddr::V6(Ipv6Addr::LOCALHOST),
        }
    }

    pub(super) fn authority(self, port: u16) -> String {
        match self {
            Self::Ipv4 => format!("127.0.0.1:{port}"),
            Self::Ipv6 => format!("[::1]:{port}"),
            Self::Localhost => format!("localhost:{port}"),
        }
    }
}

/// Where the provider puts its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseMode {
    /// In the query string (authorization code flows).
    Query,
    /// In the URL fragment (implicit grant): relayed back by a small script.
    Fragment,
}

#[derive(Debug, Clone)]
pub struct ListenerOptions {
    pub host: LoopbackHost,
    /// 0 lets the OS choose a free port.
    pub port: u16,
    pub path: String,
    pub timeout: Duration,
    pub mode: ResponseMode,
    /// Shown on the success page.
    pub account_name: String,
    /// How long to keep refusing late requests after the flow ended, before closing.
    pub linger: Duration,
}

impl ListenerOptions {
    pub fn new(account_name: impl Into<String>) -> Self {
        Self {
            host: LoopbackHost::Ipv4,
            port: 0,
            path: DEFAULT_PATH.into(),
            timeout: DEFAULT_TIMEOUT,
            mode: ResponseMode::Query,
            account_name: account_name.into(),
            linger: DEFAULT_LINGER,
        }
    }

    /// Listens exactly where a registered redirect URI points (a port-less URI means 80).
    pub fn for_redirect_uri(
        account_name: impl Into<String>,
        uri: &Url,
    ) -> Result<Self, LoopbackError> {
        let host = LoopbackHost::from_url(uri)
            .filter(|_| uri.scheme() == "http")
            .ok_or_else(|| LoopbackError::NotLoopback {
                redirect_uri: uri.to_string(),
            })?;
        Ok(Self {
            host,
            port: uri.port_or_known_default().unwrap_or(80),
            path: uri.path().to_string(),
            ..Self::new(account_name)
        })
    }
}
