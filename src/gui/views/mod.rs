//! The views: each draws from the state and pushes [`Action`](crate::gui::commands::Action)s;
//! they change nothing but their own input buffers.

pub mod accounts;
pub mod activity;
pub mod dialogs;
pub mod editor;
pub mod link;
pub mod settings;
pub mod status;
pub mod tokens;

use time::OffsetDateTime;

use crate::core::protocol::{Failure, remaining};

/// "valid for 42 min" / "expired 3 min ago".
pub fn describe_until(until: OffsetDateTime, now: OffsetDateTime) -> String {
    if until > now {
        format!(
            "valid for {}",
            describe_span(remaining(until, now).as_secs())
        )
    } else {
        format!(
            "expired {} ago",
            describe_span(remaining(now, until).as_secs())
        )
    }
}

fn describe_span(seconds: u64) -> String {
    match seconds {
        0..=59 => format!("{seconds} s"),
        60..=5_999 => format!("{} min", seconds / 60),
        6_000..=172_799 => format!("{} h", seconds / 3_600),
        _ => format!("{} days", seconds / 86_400),
    }
}

/// A failure as one paragraph: the message, then what to do.
pub fn failure_text(failure: &Failure) -> String {
    failure.to_string()
}

/// A text field named by the label before it.
pub fn labelled_text(ui: &mut egui::Ui, label: &str, text: &mut String) -> egui::Response {
    ui.horizontal(|ui| {
        let label = ui.label(label);
        ui.text_edit_singleline(text).labelled_by(label.id)
    })
    .inner
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_naturally() {
        let now = OffsetDateTime::UNIX_EPOCH + time::Duration::days(100);
        assert_eq!(
            describe_until(now + time::Duration::seconds(42), now),
            "valid for 42 s"
        );
        assert_eq!(
            describe_until(now + time::Duration::minutes(55), now),
            "valid for 55 min"
        );
        assert_eq!(
            describe_until(now - time::Duration::hours(3), now),
            "expired 3 h ago"
        );
        assert_eq!(
            describe_until(now + time::Duration::days(29), now),
            "valid for 29 days"
        );
    }
}
