//! Passphrase questions for a vault file, put to the window through events and answered by
//! a command.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use super::emitter::Emitter;
use crate::core::protocol::{Event, PassphraseQuestion};
use crate::core::secret::SecretString;
use crate::core::store::vault_prompt::PassphraseAsker;

/// How long a passphrase question waits for the window before the vault stays locked.
const ANSWER_WAIT: Duration = Duration::from_secs(10 * 60);

/// Passphrase questions asked through [`Event::PassphraseNeeded`], waiting for their answer.
#[derive(Default)]
pub(crate) struct PendingPassphrases {
    next: AtomicU64,
    waiting: Mutex<HashMap<u64, mpsc::Sender<Option<SecretString>>>>,
}

impl PendingPassphrases {
    pub(crate) fn answer(&self, request: u64, passphrase: Option<SecretString>) {
        let sender = self
            .waiting
            .lock()
            .expect("passphrases lock")
            .remove(&request);
        if let Some(sender) = sender {
            let _ = sender.send(passphrase);
        }
    }

    /// An asker that puts each question to the window and blocks (on the vault's worker
    /// thread, never the window's) until it answers.
    pub(crate) fn asker(self: &Arc<Self>, emitter: Emitter) -> PassphraseAsker {
        let pending = self.clone();
        Arc::new(move |question: PassphraseQuestion| {
            let request = pending.next.fetch_add(1, Ordering::Relaxed) + 1;
            let (sender, receiver) = mpsc::channel();
            pending
                .waiting
                .lock()
                .expect("passphrases lock")
                .insert(request, sender);
            emitter.emit(Event::PassphraseNeeded { request, question });
            let answer = receiver.recv_timeout(ANSWER_WAIT).ok().flatten();
            pending
                .waiting
                .lock()
                .expect("passphrases lock")
                .remove(&request);
            answer
        })
    }
}
