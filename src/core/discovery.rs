//! Asking a provider's server which choices it offers, to set up an account (the editor's
//! Discover button, `sso-launcher discover`).

use crate::core::account::Account;
use crate::core::engine::{Engine, EngineError};
use crate::core::provider::discovery::DiscoveredChoice;
use crate::core::provider::require_provider;

impl Engine {
    /// The choices the server named by the account's settings offers (the account need not
    /// be saved, nor have its choice made yet).
    pub async fn discover_services(
        &self,
        account: &Account,
    ) -> Result<Vec<DiscoveredChoice>, EngineError> {
        let provider = require_provider(account.provider);
        let Some(found) = provider.discover(self.context(account.provider), account) else {
            return Err(EngineError::Usage(format!(
                "'{}' is a {} account, which has no discovery",
                account.name,
                account.provider.display_name()
            )));
        };
        Ok(found.await?)
    }
}
