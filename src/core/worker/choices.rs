//! Asking the user to choose an account when a sign-in matches several, through events.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use super::emitter::Emitter;
use crate::core::account::Account;
use crate::core::protocol::Event;
use crate::core::provider::{AccountChooser, BoxFuture};

/// Choices asked through [`Event::ChoiceNeeded`], waiting for [`Command::Choose`].
#[derive(Default)]
pub(crate) struct PendingChoices {
    next: AtomicU64,
    waiting: Mutex<HashMap<u64, oneshot::Sender<Option<usize>>>>,
}

impl PendingChoices {
    pub(crate) fn answer(&self, request: u64, choice: Option<usize>) {
        let sender = self.waiting.lock().expect("choices lock").remove(&request);
        if let Some(sender) = sender {
            let _ = sender.send(choice);
        }
    }
}

pub(super) struct EventChooser {
    pub(super) emitter: Emitter,
    pub(super) pending: Arc<PendingChoices>,
}

impl AccountChooser for EventChooser {
    fn choose<'a>(
        &'a self,
        account: &'a Account,
        choices: &'a [String],
    ) -> BoxFuture<'a, Option<usize>> {
        Box::pin(async move {
            let request = self.pending.next.fetch_add(1, Ordering::Relaxed) + 1;
            let (sender, receiver) = oneshot::channel();
            self.pending
                .waiting
                .lock()
                .expect("choices lock")
                .insert(request, sender);
            self.emitter.emit(Event::ChoiceNeeded {
                request,
                account: account.name.clone(),
                choices: choices.to_vec(),
            });
            // A cancelled launch drops this future, and with it the question.
            receiver.await.ok().flatten()
        })
    }
}
