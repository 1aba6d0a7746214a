//! A launch held for the user's answer (its stage asks first, or it needs a ticket), and
//! the ticket the operator works on, which goes with the launches that follow.

use crate::core::account::AccountId;
use crate::core::launch::LaunchTarget;
use crate::core::protocol::Via;

/// A launch held until the user confirms it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingLaunch {
    pub account: AccountId,
    pub target: LaunchTarget,
    pub via: Via,
    /// Already confirmed (a link's question was answered): only a ticket may be asked.
    pub confirmed: bool,
}

/// How long a ticket typed in the window stays with the launches that follow.
pub const TICKET_MEMORY: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// The ticket reference typed in the window: it goes with each launch from the window, the
/// tray, quick launch or a link until it has been left alone for [`TICKET_MEMORY`].
#[derive(Debug, Default)]
pub struct TicketMemory {
    pub text: String,
    used: Option<std::time::Instant>,
}

impl TicketMemory {
    /// The ticket, while it is fresh.
    pub fn current(&self) -> Option<String> {
        let fresh = self.used.is_some_and(|used| used.elapsed() < TICKET_MEMORY);
        let text = self.text.trim();
        (fresh && !text.is_empty()).then(|| text.to_string())
    }

    /// Typed in, or used for a launch: fresh again.
    pub fn touch(&mut self) {
        self.used = Some(std::time::Instant::now());
    }

    /// Forgets a ticket left alone too long, so a stale one is never sent.
    pub fn expire(&mut self) {
        if !self.text.is_empty() && self.current().is_none() {
            self.text.clear();
            self.used = None;
        }
    }
}
