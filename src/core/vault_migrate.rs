//! Moving every secret from one vault to another (`sso-launcher vault migrate`).
//!
//! In two steps, so an interruption anywhere loses nothing: [`copy_secrets`] writes them all to
//! the new vault and reads them back; only then does the caller switch settings.toml and call
//! [`remove_copied`] on the old one. Running it again after an interruption finishes the job:
//! it copies what the old vault still holds and never removes from the new one.

use crate::core::account::Account;
use crate::core::provider::require_provider;
use crate::core::secret::SecretString;
use crate::core::store::vault::{SecretKey, SecretVault, VaultError};
use crate::core::tokens::SESSION_SLOT;

/// Every vault entry the accounts may have: each provider's secrets and the cached session.
pub fn secret_keys(accounts: &[Account]) -> Vec<SecretKey> {
    accounts
        .iter()
        .flat_map(|account| {
            let provider = require_provider(account.provider);
            provider
                .spec()
                .secrets()
                .map(|spec| spec.key)
                .chain([SESSION_SLOT])
                .map(|name| SecretKey::new(account.id, name))
        })
        .collect()
}

/// Copies every entry of `keys` that `from` holds into `to`, then checks that `to` gives each
/// back unchanged. Returns the keys copied; nothing is removed from `from`.
pub fn copy_secrets(
    keys: &[SecretKey],
    from: &dyn SecretVault,
    to: &dyn SecretVault,
) -> Result<Vec<SecretKey>, VaultError> {
    let mut entries: Vec<(SecretKey, SecretString)> = Vec::new();
    for key in keys {
        if let Some(value) = from.get(key)? {
            entries.push((key.clone(), value));
        }
    }
    to.set_many(&entries)?;
    for (key, value) in &entries {
        let stored = to.get(key)?;
        if stored.as_ref().map(SecretString::expose_secret) != Some(value.expose_secret()) {
            return Err(VaultError::Failed {
                detail: format!(
                    "the new vault did not keep '{}'; the old one still has every secret",
                    key.name
                ),
            });
        }
    }
    Ok(entries.into_iter().map(|(key, _)| key).collect())
}

/// Removes the copied entries from the old vault.
pub fn remove_copied(copied: &[SecretKey], from: &dyn SecretVault) -> Result<(), VaultError> {
    from.delete_many(copied)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::core::account::AccountId;
    use crate::core::store::vault::{MemoryVault, VaultBackend};

    /// A memory vault that fails its `fail_at`-th change (counting from 0), as a crash would
    /// stop a migration there.
    struct Interrupted {
        inner: MemoryVault,
        changes: AtomicUsize,
        fail_at: usize,
    }

    impl Interrupted {
        fn new(fail_at: usize) -> Self {
            Self {
                inner: MemoryVault::new(),
                changes: AtomicUsize::new(0),
                fail_at,
            }
        }

        fn tick(&self) -> Result<(), VaultError> {
            if self.changes.fetch_add(1, Ordering::SeqCst) == self.fail_at {
                return Err(VaultError::Failed {
                    detail: "interrupted".into(),
                });
            }
            Ok(())
        }
    }

    impl SecretVault for Interrupted {
        fn backend(&self) -> VaultBackend {
            VaultBackend::Memory
        }
        fn get(&self, key: &SecretKey) -> Result<Option<SecretString>, VaultError> {
            self.inner.get(key)
        }
        fn set(&self, key: &SecretKey, value: &SecretString) -> Result<(), VaultError> {
            self.tick()?;
            self.inner.set(key, value)
        }
        fn delete(&self, key: &SecretKey) -> Result<(), VaultError> {
            self.tick()?;
            self.inner.delete(key)
        }
    }

    fn fill(vault: &dyn SecretVault, keys: &[SecretKey]) {
        for (index, key) in keys.iter().enumerate() {
            vault
                .set(key, &SecretString::new(format!("value-{index}")))
                .unwrap();
        }
    }

    fn value_in(vault: &dyn SecretVault, key: &SecretKey) -> Option<String> {
        vault
            .get(key)
            .unwrap()
            .map(|value| value.expose_secret().to_owned())
    }

    fn migrate(
        keys: &[SecretKey],
        from: &dyn SecretVault,
        to: &dyn SecretVault,
    ) -> Result<(), VaultError> {
        let copied = copy_secrets(keys, from, to)?;
        remove_copied(&copied, from)
    }

    /// Stops the migration at every change it makes, in either vault, then runs it again:
    /// at every stop each secret is in one vault or the other, and the second run ends with
    /// all of them in the new vault only.
    #[test]
    fn an_interruption_at_any_step_loses_nothing_and_a_second_run_finishes() {
        let keys: Vec<SecretKey> = (0..4)
            .flat_map(|_| {
                let account = AccountId::new_random();
                [
                    SecretKey::new(account, "api_key"),
                    SecretKey::new(account, SESSION_SLOT),
                ]
            })
            .collect();
        let held = &keys[..6];
        // Each vault makes one change per secret: the new one a write, the old one a removal.
        for fail_at in 0..held.len() {
            for interrupt_old in [false, true] {
                let (from, to) = if interrupt_old {
                    (Interrupted::new(fail_at), Interrupted::new(usize::MAX))
                } else {
                    (Interrupted::new(usize::MAX), Interrupted::new(fail_at))
                };
                fill(&from.inner, held);
                let first = migrate(&keys, &from, &to);
                assert!(
                    first.is_err(),
                    "step {fail_at}: the interruption did not happen"
                );
                for (index, key) in held.iter().enumerate() {
                    let wanted = Some(format!("value-{index}"));
                    assert!(
                        value_in(&from, key) == wanted || value_in(&to, key) == wanted,
                        "step {fail_at}: secret {index} is in neither vault"
                    );
                }
                let (from, to) = (from.inner, to.inner);
                migrate(&keys, &from, &to).unwrap();
                for (index, key) in held.iter().enumerate() {
                    assert_eq!(value_in(&to, key), Some(format!("value-{index}")));
                    assert_eq!(value_in(&from, key), None);
                }
                assert!(value_in(&to, &keys[7]).is_none());
            }
        }
    }
}
