//! What providers ask to keep between sign-ins (AGS's `client_id`, a chosen account): one
//! small JSON file per account in the data dir. Nothing in it is secret; it survives logout
//! (the provider knows this machine by it) and goes with the account.

use std::path::PathBuf;

use crate::core::account::AccountId;
use crate::core::provider::Remembered;
use crate::core::store::atomic::write_atomically;

#[derive(Debug, Clone)]
pub struct RememberedStore {
    dir: PathBuf,
}

impl RememberedStore {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    fn file(&self, account: AccountId) -> PathBuf {
        self.dir.join(format!("{account}.json"))
    }

    /// The remembered values; a missing file is nothing remembered, and so is a damaged one
    /// (logged): the next sign-in then behaves like a first one and writes it anew.
    pub fn load(&self, account: AccountId) -> Remembered {
        let path = self.file(account);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|err| {
                tracing::warn!(path = %path.display(), "ignoring a damaged remembered-state file: {err}");
                Remembered::new()
            }),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Remembered::new(),
            Err(err) => {
                tracing::warn!(path = %path.display(), "could not read the remembered state: {err}");
                Remembered::new()
            }
        }
    }

    /// Keeps `state`, replacing what was kept (atomically).
    pub fn save(&self, account: AccountId, state: &Remembered) -> std::io::Result<()> {
        let text = serde_json::to_vec_pretty(state).expect("state serialises");
        write_atomically(&self.file(account), &text)
    }

    pub fn remove(&self, account: AccountId) {
        match std::fs::remove_file(self.file(account)) {
            Ok(()) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => tracing::warn!("could not remove the remembered state: {err}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_values_come_back_and_a_damaged_file_reads_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let store = RememberedStore::new(dir.path().join("remembered"));
        let account = AccountId::new_random();
        assert!(store.load(account).is_empty());
        let state = Remembered::from([("client_id".to_string(), "PUB_7".to_string())]);
        store.save(account, &state).unwrap();
        assert_eq!(store.load(account), state);
        std::fs::write(store.file(account), b"{not json").unwrap();
        assert!(store.load(account).is_empty());
        store.remove(account);
        assert!(!store.file(account).exists());
    }
}
