//! One change to many accounts at once (the window's bulk actions): checked for every
//! account first and written in one go, or not at all.

use std::collections::HashSet;

use crate::core::account::{Account, AccountId};
use crate::core::account_changes::{AccountBook, check_account_using};
use crate::core::engine_error::EngineError;

/// What a bulk action does to each account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkChange {
    AddTag(String),
    RemoveTag(String),
    /// A stage, or none.
    SetStage(Option<String>),
    /// A credential set, or the accounts' own secrets.
    SetCredential(Option<String>),
}

impl BulkChange {
    fn apply(&self, account: &mut Account) {
        match self {
            Self::AddTag(tag) => {
                if !account
                    .tags
                    .iter()
                    .any(|have| have.eq_ignore_ascii_case(tag))
                {
                    account.tags.push(tag.trim().to_string());
                }
            }
            Self::RemoveTag(tag) => account.tags.retain(|have| !have.eq_ignore_ascii_case(tag)),
            Self::SetStage(stage) => account.stage = stage.as_deref().map(|s| s.trim().to_string()),
            Self::SetCredential(set) => {
                account.credential = set.as_deref().map(|s| s.trim().to_string());
            }
        }
    }

    /// What it does to `count` accounts, as the confirmation asks it.
    pub fn describe(&self, count: usize) -> String {
        let accounts = if count == 1 {
            "1 account".to_string()
        } else {
            format!("{count} accounts")
        };
        match self {
            Self::AddTag(tag) => format!("Add the tag '{tag}' to {accounts}?"),
            Self::RemoveTag(tag) => format!("Remove the tag '{tag}' from {accounts}?"),
            Self::SetStage(Some(stage)) => format!("Set the stage of {accounts} to '{stage}'?"),
            Self::SetStage(None) => format!("Remove the stage of {accounts}?"),
            Self::SetCredential(Some(set)) => {
                format!("Make {accounts} use the credential set '{set}'?")
            }
            Self::SetCredential(None) => format!("Make {accounts} use their own secrets?"),
        }
    }

    /// Whether the change alters what the accounts sign in with.
    fn touches_sign_in(&self) -> bool {
        matches!(self, Self::SetCredential(_))
    }
}

impl AccountBook {
    /// Applies `change` to the accounts with these ids (those removed meanwhile are skipped);
    /// any account it would make invalid refuses the whole change, naming it. Returns how
    /// many accounts changed.
    pub async fn change_many(
        &self,
        ids: &[AccountId],
        change: &BulkChange,
    ) -> Result<usize, EngineError> {
        let wanted: HashSet<AccountId> = ids.iter().copied().collect();
        let sets = self.credential_sets()?;
        let changed = self.update(|accounts| {
            let mut changed = Vec::new();
            for account in accounts.iter_mut().filter(|a| wanted.contains(&a.id)) {
                let before = account.clone();
                change.apply(account);
                check_account_using(account, &sets).map_err(|err| {
                    EngineError::Usage(format!("'{}': {err}; nothing was changed", before.name))
                })?;
                if *account != before {
                    changed.push(account.id);
                }
            }
            Ok::<_, EngineError>(changed)
        })?;
        if change.touches_sign_in() {
            for id in &changed {
                self.forget_session(*id).await?;
            }
        }
        Ok(changed.len())
    }

    /// Removes the accounts with these ids, their secrets and cached tokens, one by one;
    /// stops at the first that fails (those before it are gone). Returns the removed ones.
    pub async fn remove_many(&self, ids: &[AccountId]) -> Result<Vec<Account>, EngineError> {
        let mut removed = Vec::new();
        for id in ids {
            match self.remove_account(&id.to_string()).await {
                Ok(account) => removed.push(account),
                // Removed meanwhile elsewhere: the wish is met.
                Err(EngineError::Store(crate::core::store::StoreError::NotFound(_))) => {}
                Err(err) => return Err(err),
            }
        }
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::provider::assuresign;

    #[test]
    fn each_change_says_what_it_does_and_does_it() {
        let mut account = Account::new("Acme", assuresign::ID);
        account.tags = vec!["EU".into()];
        BulkChange::AddTag("eu".into()).apply(&mut account);
        assert_eq!(account.tags, ["EU"], "a tag once, ignoring case");
        BulkChange::AddTag("vip".into()).apply(&mut account);
        BulkChange::RemoveTag("Eu".into()).apply(&mut account);
        assert_eq!(account.tags, ["vip"]);
        BulkChange::SetStage(Some("production".into())).apply(&mut account);
        assert_eq!(account.stage(), Some("production"));
        assert_eq!(
            BulkChange::SetStage(Some("production".into())).describe(12),
            "Set the stage of 12 accounts to 'production'?"
        );
        assert_eq!(
            BulkChange::RemoveTag("vip".into()).describe(1),
            "Remove the tag 'vip' from 1 account?"
        );
    }
}
