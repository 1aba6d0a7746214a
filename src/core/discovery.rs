//! Asking a provider's server which choices it offers, to set up an account (the editor's
//! Discover button, `sso-launcher discover`).

use crate::core::account::Account;
use crate::core::engine_error::EngineError;
use crate::core::provider::discovery::DiscoveredChoice;
use crate::core::provider::{ProviderContext, require_provider};

/// The choices the server named by the account's settings offers.
pub async fn discover_services(
    context: ProviderContext<'_>,
    account: &Account,
) -> Result<Vec<DiscoveredChoice>, EngineError> {
    let provider = require_provider(account.provider);
    let Some(found) = provider.discover(context, account) else {
        return Err(EngineError::Usage(format!(
            "'{}' is a {} account, which has no discovery",
            account.name,
            account.provider.display_name()
        )));
    };
    Ok(found.await?)
}
