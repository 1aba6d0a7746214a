//! The worker's clipboard tasks: a one-time link held on the clipboard until it expires.

use std::time::Duration;

use super::context::Tasks;
use crate::core::account::AccountId;
use crate::core::protocol::{Event, ShownLink};

impl Tasks {
    pub(crate) fn copy_shown_link(&self, account: AccountId, link: &ShownLink) {
        let Ok(url) = url::Url::parse(link.reveal()) else {
            return;
        };
        let lifetime = self.engine.settings().clipboard_hold(None);
        self.emitter.emit(Event::LinkOnClipboard {
            account,
            until: self.engine.now() + lifetime,
        });
        self.hold_on_clipboard(account, crate::core::secret::OneTimeUrl::new(url), lifetime);
    }

    pub(crate) fn hold_on_clipboard(
        &self,
        account: AccountId,
        url: crate::core::secret::OneTimeUrl,
        lifetime: Duration,
    ) {
        let emitter = self.emitter.clone();
        tokio::task::spawn_blocking(move || {
            match crate::core::clipboard::copy_until_expiry(&url, lifetime) {
                Ok(outcome) => emitter.emit(Event::ClipboardCleared {
                    account,
                    at_expiry: outcome == crate::core::clipboard::ClipboardOutcome::ClearedAtExpiry,
                }),
                Err(err) => emitter.emit(Event::Notice(format!(
                    "Could not copy the link: {err}. Launch it in the browser instead."
                ))),
            }
        });
    }
}
