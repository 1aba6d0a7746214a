//! Browser sign-ins: which browser an account's links open in, how long a sign-in waits, and
//! one waiting flow per account (a newer sign-in cancels the older one).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::core::account::{Account, AccountId};
use crate::core::browser::{self, BrowserChoice, BrowserMode};
use crate::core::loopback::CancelHandle;
use crate::core::provider::BrowserSignIn;
use crate::core::secret::OneTimeUrl;
use crate::core::store::settings::LiveSettings;

/// A front end's way of showing the user a message while a command runs.
pub type Notice = Arc<dyn Fn(&str) + Send + Sync>;
/// Told when a browser sign-in of an account starts waiting (`true`) and stops (`false`).
pub type BrowserWait = Arc<dyn Fn(AccountId, bool) + Send + Sync>;

/// The sign-ins waiting for a browser, and where each account's links open.
pub struct SignIns {
    waiting: Mutex<HashMap<AccountId, CancelHandle>>,
    settings: LiveSettings,
    /// `--browser`: overrides every account's and the settings' browser command.
    browser_override: Option<String>,
    notice: Notice,
    browser_wait: BrowserWait,
}

impl SignIns {
    pub fn new(
        settings: LiveSettings,
        browser_override: Option<String>,
        notice: Notice,
        browser_wait: BrowserWait,
    ) -> Self {
        Self {
            waiting: Mutex::default(),
            settings,
            browser_override,
            notice,
            browser_wait,
        }
    }

    /// The browser a provider drives for one sign-in of `account`.
    pub fn browser<'a>(&'a self, account: &'a Account) -> AccountBrowser<'a> {
        AccountBrowser {
            sign_ins: self,
            account,
            registered: Mutex::new(None),
            print_only: false,
        }
    }

    /// Cancels the account's waiting browser sign-in, if any. Returns whether one was waiting.
    pub fn cancel(&self, account: AccountId) -> bool {
        let waiting = self.registry().remove(&account);
        waiting.inspect(CancelHandle::cancel).is_some()
    }

    /// Where the account's links open: `--browser`, else the account's `browser` choice (see
    /// [`BrowserMode`]). `None`: the account only copies links.
    pub fn browser_for(&self, account: &Account) -> Option<BrowserChoice> {
        let command = |value: Option<String>| value.filter(|command| !command.trim().is_empty());
        if let Some(forced) = command(self.browser_override.clone()) {
            return Some(BrowserChoice::Command(forced));
        }
        let own_command = command(account.setting("browser_command").map(str::to_string));
        // An unreadable choice was refused before any launch; here it counts as the default.
        Some(
            match BrowserMode::of(account).unwrap_or(BrowserMode::Default) {
                BrowserMode::CopyOnly => return None,
                BrowserMode::System => BrowserChoice::System,
                BrowserMode::Private => BrowserChoice::Private,
                BrowserMode::Command | BrowserMode::Default => own_command
                    .or_else(|| command(self.settings.get().browser_command))
                    .map_or(BrowserChoice::System, BrowserChoice::Command),
            },
        )
    }

    fn registry(&self) -> std::sync::MutexGuard<'_, HashMap<AccountId, CancelHandle>> {
        self.waiting.lock().expect("sign-in registry lock")
    }
}

/// One account's browser, as a provider sees it during one sign-in.
pub struct AccountBrowser<'a> {
    sign_ins: &'a SignIns,
    account: &'a Account,
    registered: Mutex<Option<CancelHandle>>,
    /// Show the sign-in page's address instead of opening it (`launch --print-url`).
    print_only: bool,
}

impl AccountBrowser<'_> {
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
        let mut registry = self.sign_ins.registry();
        if registry
            .get(&self.account.id)
            .is_some_and(|current| current.same_flow(&mine))
        {
            registry.remove(&self.account.id);
            drop(registry);
            (self.sign_ins.browser_wait)(self.account.id, false);
        }
    }
}

impl BrowserSignIn for AccountBrowser<'_> {
    fn open(&self, url: &OneTimeUrl) {
        let show_address = |reason: &str| {
            (self.sign_ins.notice)(&format!(
                "{reason}Open this address in a browser to sign in to '{}' (waiting up to {} s):\n{}",
                self.account.name,
                self.timeout().as_secs(),
                url.reveal_for_browser()
            ));
        };
        // `--print-url`, or an account whose links are never opened for it (browser "copy").
        let choice = match self.sign_ins.browser_for(self.account) {
            Some(choice) if !self.print_only => choice,
            _ => return show_address(""),
        };
        if let Err(err) = browser::open(url, &choice) {
            show_address(&format!("{err}.\n"));
        }
    }

    fn timeout(&self) -> Duration {
        self.sign_ins.settings.get().loopback_timeout()
    }

    fn started(&self, cancel: CancelHandle) {
        *self.registered.lock().expect("registered lock") = Some(cancel.clone());
        let previous = self.sign_ins.registry().insert(self.account.id, cancel);
        if let Some(previous) = previous {
            previous.cancel();
        }
        (self.sign_ins.browser_wait)(self.account.id, true);
    }
}
