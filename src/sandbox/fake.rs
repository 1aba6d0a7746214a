//! What each provider's fake declares ([`FakeService`]: its routes, endpoints and variants,
//! the settings that point an account at it, its demo accounts), and how the sandbox serves
//! it ([`Served`], one port each, bound in one loop over the list in `sandbox/mod.rs`).

use std::any::Any;
use std::future::Future;

use serde_json::Value;

use super::server::{Reply, Request};
use super::state::SandboxState;
use crate::core::account::{Account, ProviderId};
use crate::core::provider::BoxFuture;
use crate::core::secret::SecretString;

/// A demo account and the secrets it is added with.
pub type DemoAccount = (Account, Vec<(String, SecretString)>);

/// A fake's answer to one request.
pub struct Handled {
    pub reply: Reply,
    /// A browser was shown a signed-in page (a demo launch is done).
    pub signed_in_page: bool,
}

impl From<Reply> for Handled {
    fn from(reply: Reply) -> Self {
        Self {
            reply,
            signed_in_page: false,
        }
    }
}

/// A provider's fake, as its module writes it.
pub trait FakeService: Send + Sync + 'static {
    /// The provider it fakes.
    const PROVIDER: ProviderId;
    /// Its endpoints, by the names faults and counts use.
    const ENDPOINTS: &'static [&'static str];
    /// The answer variants an endpoint can be switched to.
    const VARIANTS: &'static [(&'static str, &'static [&'static str])] = &[];
    /// A fresh fake, served at `origin`.
    fn new(origin: &str) -> Self;
    /// Answers a request that came to its port.
    fn serve(
        &self,
        state: &SandboxState,
        request: &Request,
        origin: &str,
    ) -> impl Future<Output = Handled> + Send;
    /// The settings that point an account at it, as `sso-launcher sandbox` prints them.
    fn settings(&self, origin: &str) -> Value;
    /// Its accounts for `--demo`.
    fn demo_accounts(&self, origin: &str) -> Vec<DemoAccount>;
    /// The credentials `sso-launcher sandbox` prints for trying it by hand, if any.
    fn demo_credentials(&self) -> Option<Value> {
        None
    }
    /// Answers one of its own control routes (`POST /__sandbox/PROVIDER/ROUTE`); `None` for a
    /// route it does not have.
    fn control(&self, _method: &str, _route: &str, _request: &Request) -> Option<Reply> {
        None
    }
}

/// A fake on its port, as the sandbox holds every one.
pub trait Fake: Any + Send + Sync {
    fn provider(&self) -> ProviderId;
    fn origin(&self) -> &str;
    fn endpoints(&self) -> &'static [&'static str];
    fn variants(&self, endpoint: &str) -> &'static [&'static str];
    fn handle<'a>(
        &'a self,
        state: &'a SandboxState,
        request: &'a Request,
    ) -> BoxFuture<'a, Handled>;
    fn settings(&self) -> Value;
    fn demo_accounts(&self) -> Vec<DemoAccount>;
    fn demo_credentials(&self) -> Option<Value>;
    fn control(&self, method: &str, route: &str, request: &Request) -> Option<Reply>;
    fn as_any(&self) -> &dyn Any;
}

/// A provider's fake and the origin it is served at.
pub struct Served<F> {
    pub fake: F,
    origin: String,
}

impl<F: FakeService> Served<F> {
    pub fn new(origin: String) -> Self {
        Self {
            fake: F::new(&origin),
            origin,
        }
    }
}

impl<F: FakeService> Fake for Served<F> {
    fn provider(&self) -> ProviderId {
        F::PROVIDER
    }

    fn origin(&self) -> &str {
        &self.origin
    }

    fn endpoints(&self) -> &'static [&'static str] {
        F::ENDPOINTS
    }

    fn variants(&self, endpoint: &str) -> &'static [&'static str] {
        F::VARIANTS
            .iter()
            .find(|(name, _)| *name == endpoint)
            .map_or(&[], |(_, variants)| variants)
    }

    fn handle<'a>(
        &'a self,
        state: &'a SandboxState,
        request: &'a Request,
    ) -> BoxFuture<'a, Handled> {
        Box::pin(self.fake.serve(state, request, &self.origin))
    }

    fn settings(&self) -> Value {
        self.fake.settings(&self.origin)
    }

    fn demo_accounts(&self) -> Vec<DemoAccount> {
        self.fake.demo_accounts(&self.origin)
    }

    fn demo_credentials(&self) -> Option<Value> {
        self.fake.demo_credentials()
    }

    fn control(&self, method: &str, route: &str, request: &Request) -> Option<Reply> {
        self.fake.control(method, route, request)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A demo account with the demo tag, a note and settings.
pub fn demo_account(
    name: &str,
    provider: ProviderId,
    notes: &str,
    settings: &[(&str, &str)],
) -> Account {
    let mut account = Account::new(name, provider);
    account.tags = vec!["demo".into()];
    account.notes = notes.into();
    for (key, value) in settings {
        account.settings.insert((*key).into(), (*value).into());
    }
    account
}
