//! Desktop notifications (`org.freedesktop.Notifications`) for launches started outside the
//! window: the tray, the quick-launch window, a link. Sent from a thread of their own, so the
//! window never waits on the bus; without a notification server they are dropped (the tray's
//! tooltip and icon still tell the outcome) and a launch never fails because of them.

use std::sync::mpsc::{Sender, channel};

/// One notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub summary: String,
    pub body: String,
    /// The launch failed: shown as critical, so it stays until read.
    pub failed: bool,
}

/// Sends notifications in the background.
pub struct Notifier {
    notes: Sender<Note>,
}

impl Notifier {
    pub fn start() -> Self {
        let (notes, received) = channel::<Note>();
        let started = std::thread::Builder::new()
            .name("sso-launcher-notify".into())
            .spawn(move || {
                for note in received {
                    if let Err(err) = show(&note) {
                        tracing::info!(
                            "no desktop notification ({err}); the tray tells the outcome"
                        );
                    }
                }
            });
        if let Err(err) = started {
            tracing::warn!("notifications are off: {err}");
        }
        Self { notes }
    }

    /// Queues a notification; never blocks.
    pub fn notify(&self, note: Note) {
        let _ = self.notes.send(note);
    }
}

fn show(note: &Note) -> Result<(), notify_rust::error::Error> {
    let mut notification = notify_rust::Notification::new();
    notification
        .appname("sso-launcher")
        .summary(&note.summary)
        .body(&note.body)
        .icon("sso-launcher");
    #[cfg(all(unix, not(target_os = "macos")))]
    notification.urgency(if note.failed {
        notify_rust::Urgency::Critical
    } else {
        notify_rust::Urgency::Normal
    });
    notification.show().map(|_| ())
}
