//! Times a server sends, made safe to compute with.

use time::OffsetDateTime;

/// The longest a token from a server is believed to live. A longer lifetime (an AGS
/// `"expires_in": "99999999999999"`) is taken as this, so arithmetic on times a server sends
/// never overflows, and a cached session is renewed at least once a year.
pub const MAX_SERVER_LIFETIME: std::time::Duration =
    std::time::Duration::from_secs(366 * 24 * 60 * 60);

/// `start` plus a lifetime a server gave, capped at [`MAX_SERVER_LIFETIME`] (with a warning
/// in the log saying so).
pub fn server_expiry(start: OffsetDateTime, lifetime: std::time::Duration) -> OffsetDateTime {
    let lifetime = if lifetime > MAX_SERVER_LIFETIME {
        tracing::warn!(
            "a server gave a token a lifetime of {} s; taken as {} s (the most this app believes)",
            lifetime.as_secs(),
            MAX_SERVER_LIFETIME.as_secs()
        );
        MAX_SERVER_LIFETIME
    } else {
        lifetime
    };
    start.saturating_add(time::Duration::try_from(lifetime).unwrap_or(time::Duration::MAX))
}
