//! Times as people say them ("expires in 42 min", "today 14:05", "yesterday"), in the local
//! time zone; the exact timestamp goes in a tooltip or in `--json`.

use chrono::{DateTime, Datelike, Local, TimeZone};
use time::OffsetDateTime;

/// "42 s", "55 min", "3 h", "29 days".
pub fn span(seconds: u64) -> String {
    match seconds {
        0..=59 => format!("{seconds} s"),
        60..=5_999 => format!("{} min", seconds / 60),
        6_000..=172_799 => format!("{} h", seconds / 3_600),
        _ => format!("{} days", seconds / 86_400),
    }
}

/// "expires in 42 min" / "expired 3 min ago".
pub fn expiry(until: OffsetDateTime, now: OffsetDateTime) -> String {
    let seconds = |later: OffsetDateTime, earlier: OffsetDateTime| {
        (later - earlier).whole_seconds().max(0).unsigned_abs()
    };
    if until > now {
        format!("expires in {}", span(seconds(until, now)))
    } else {
        format!("expired {} ago", span(seconds(now, until)))
    }
}

/// "today 14:05", "yesterday 09:12", "tomorrow 08:00", "3 Nov 14:05", "3 Nov 2025": a moment, in the local
/// time zone, as short as it can be said relative to `now`.
pub fn moment(at: OffsetDateTime, now: OffsetDateTime) -> String {
    moment_in(&Local, at, now)
}

/// [`moment`] in the time zone `zone` (tests pin one).
pub fn moment_in<Z: TimeZone>(zone: &Z, at: OffsetDateTime, now: OffsetDateTime) -> String
where
    Z::Offset: std::fmt::Display,
{
    let (Some(at), Some(now)) = (local(zone, at), local(zone, now)) else {
        return exact(at);
    };
    let days = (now.date_naive() - at.date_naive()).num_days();
    match days {
        0 => format!("today {}", at.format("%H:%M")),
        1 => format!("yesterday {}", at.format("%H:%M")),
        -1 => format!("tomorrow {}", at.format("%H:%M")),
        _ if at.year() == now.year() => at.format("%-d %b %H:%M").to_string(),
        _ => at.format("%-d %b %Y").to_string(),
    }
}

/// The full local timestamp, for tooltips: "2026-11-30 14:05:09 +01:00".
pub fn exact(at: OffsetDateTime) -> String {
    match local(&Local, at) {
        Some(local) => local.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
        None => at.to_string(),
    }
}

fn local<Z: TimeZone>(zone: &Z, at: OffsetDateTime) -> Option<DateTime<Z>> {
    zone.timestamp_opt(at.unix_timestamp(), at.nanosecond())
        .single()
}

/// Parses an RFC 3339 timestamp (the audit log's) for [`moment`].
pub fn parse_rfc3339(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;
    use time::macros::datetime;

    #[test]
    fn spans_and_expiry_read_naturally() {
        let now = datetime!(2026-11-30 12:00 UTC);
        assert_eq!(
            expiry(now + time::Duration::seconds(42), now),
            "expires in 42 s"
        );
        assert_eq!(
            expiry(now + time::Duration::minutes(55), now),
            "expires in 55 min"
        );
        assert_eq!(
            expiry(now - time::Duration::hours(3), now),
            "expired 3 h ago"
        );
        assert_eq!(
            expiry(now + time::Duration::days(29), now),
            "expires in 29 days"
        );
    }

    #[test]
    fn moments_are_said_relative_to_today_in_the_local_zone() {
        let zone = FixedOffset::east_opt(3600).unwrap();
        let now = datetime!(2026-11-30 12:00 UTC);
        let say = |at| moment_in(&zone, at, now);
        assert_eq!(say(datetime!(2026-11-30 13:05 UTC)), "today 14:05");
        assert_eq!(say(datetime!(2026-11-29 08:12 UTC)), "yesterday 09:12");
        // 23:30 UTC on the 28th is already the 29th at +01:00: "yesterday".
        assert_eq!(say(datetime!(2026-11-28 23:30 UTC)), "yesterday 00:30");
        assert_eq!(say(datetime!(2026-12-01 07:00 UTC)), "tomorrow 08:00");
        assert_eq!(say(datetime!(2026-11-03 13:05 UTC)), "3 Nov 14:05");
        assert_eq!(say(datetime!(2025-11-03 13:05 UTC)), "3 Nov 2025");
    }
}
