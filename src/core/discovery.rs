//! Asking an AGS gateway which services it offers, to set up an account.

use crate::core::account::Account;
use crate::core::engine::{Engine, EngineError};
use crate::core::provider::ags::{self, AuthService};

impl Engine {
    /// The services of the gateway named by an AGS account's `base_url` and `tenant_id`
    /// (the account need not be saved, nor have its service chosen yet).
    pub async fn discover_services(
        &self,
        account: &Account,
    ) -> Result<Vec<AuthService>, EngineError> {
        if account.provider != crate::core::provider::ags::ID {
            return Err(EngineError::Usage(format!(
                "'{}' is a {} account; service discovery is for AGS accounts",
                account.name,
                account.provider.display_name()
            )));
        }
        let (origin, tenant) = ags::discovery_target(account)?;
        Ok(ags::discover(
            &self.http[&crate::core::provider::ags::ID],
            &origin,
            tenant.as_deref(),
        )
        .await?)
    }
}
