//! Sending events to the front end: the worker's leaf, which every task module uses.

use std::sync::{Arc, mpsc};

use crate::core::protocol::Event;

/// Wakes the front end after an event was sent (the window passes `request_repaint`).
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// Sends events, then wakes the front end (in that order, so the wake finds the event).
#[derive(Clone)]
pub(crate) struct Emitter {
    pub(super) events: mpsc::Sender<Event>,
    pub(super) wake: Wake,
}

impl Emitter {
    pub(crate) fn emit(&self, event: Event) {
        if self.events.send(event).is_ok() {
            (self.wake)();
        }
    }
}
