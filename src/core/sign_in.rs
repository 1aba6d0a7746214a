//! The engine's side of a browser sign-in: which browser, how long to wait, and one waiting
//! flow per account (a newer sign-in cancels the older one).

use std::sync::Mutex;
use std::time::Duration;

use crate::core::account::{Account, AccountId};
use crate::core::browser;
use crate::core::engine::Engine;
use crate::core::loopback::CancelHandle;
use crate::core::provider::BrowserSignIn;
use crate::core::secret::OneTimeUrl;

/// One account's browser, as a provider sees it during one sign-in.
pub struct AccountBrowser<'a> {
    engine: &'a Engine,
    account: &'a Account,
    registered: Mutex<Option<CancelHandle>>,
    /// Show the sign-in page's address instead of opening it (`launch --print-url`).
    print_only: bool,
}

impl<'a> AccountBrowser<'a> {
    pub fn new(engine: &'a Engine, account: &'a Account) -> Self {
        Self {
            engine,
            account,
            registered: Mutex::new(None),
            print_only: false,
        }
    }

    pub fn print_only(mut self, print_only: bool) -> Self {
        self.print_only = print_only;
        self
    }
}

impl Drop for AccountBrowser<'_> {
    /// Unregisters this sign-in, unless a newer one has taken its place.
    fn drop(&mut self) {
        let Some(mine) = self.registered.lock().expect("registered lock").take() else {
            return;
        };
        let mut registry = self.engine.sign_ins.lock().expect("sign-in registry lock");
        if registry
            .get(&self.account.id)
            .is_some_and(|current| current.same_flow(&mine))
        {
            registry.remove(&self.account.id);
            drop(registry);
            (self.engine.browser_wait)(self.account.id, false);
        }
    }
}

impl BrowserSignIn for AccountBrowser<'_> {
    fn open(&self, url: &OneTimeUrl) {
        let show_address = |reason: &str| {
            (self.engine.notice)(&format!(
                "{reason}Open this address in a browser to sign in to '{}' (waiting up to {} s):\n{}",
                self.account.name,
                self.timeout().as_secs(),
                url.reveal_for_browser()
            ));
        };
        // `--print-url`, or an account whose links are never opened for it (browser "copy").
        let choice = match self.engine.browser_for(self.account) {
            Some(choice) if !self.print_only => choice,
            _ => return show_address(""),
        };
        if let Err(err) = browser::open(url, &choice) {
            show_address(&format!("{err}.\n"));
        }
    }

    fn timeout(&self) -> Duration {
        self.engine.settings().loopback_timeout()
    }

    fn started(&self, cancel: CancelHandle) {
        *self.registered.lock().expect("registered lock") = Some(cancel.clone());
        let previous = self
            .engine
            .sign_ins
            .lock()
            .expect("sign-in registry lock")
            .insert(self.account.id, cancel);
        if let Some(previous) = previous {
            previous.cancel();
        }
        (self.engine.browser_wait)(self.account.id, true);
    }
}

impl Engine {
    /// Cancels the account's waiting browser sign-in, if any. Returns whether one was waiting.
    pub fn cancel_sign_in(&self, account: AccountId) -> bool {
        let waiting = self
            .sign_ins
            .lock()
            .expect("sign-in registry lock")
            .remove(&account);
        waiting.inspect(CancelHandle::cancel).is_some()
    }
}
