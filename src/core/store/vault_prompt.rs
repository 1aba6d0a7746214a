//! Asking a front end for the vault file's passphrase: the vault asks from a worker thread
//! (never the UI's) and waits for the answer, so a launch that needs a secret goes on once the
//! user has typed it. The window installs its asker when its worker starts.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::vault::VaultError;
use super::vault_file::PassphraseSource;
use crate::core::secret::SecretString;

/// What the vault asks a person for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassphraseQuestion {
    pub vault: PathBuf,
    /// No file yet: a new passphrase (the dialog asks for it twice).
    pub creating: bool,
    /// The passphrase given before did not open the file.
    pub retry: bool,
}

/// Blocks until the person answers; `None`: they declined.
pub type PassphraseAsker = Arc<dyn Fn(PassphraseQuestion) -> Option<SecretString> + Send + Sync>;

/// Where a vault made before its front end was ready sends its questions.
#[derive(Default)]
pub struct PassphraseRelay {
    asker: Mutex<Option<PassphraseAsker>>,
    on_opened: Mutex<Option<Arc<dyn Fn() + Send + Sync>>>,
}

impl PassphraseRelay {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn set_asker(&self, asker: PassphraseAsker) {
        *self.asker.lock().expect("passphrase asker") = Some(asker);
    }

    /// Called when a passphrase given through the relay opened the vault.
    pub fn set_on_opened(&self, on_opened: Arc<dyn Fn() + Send + Sync>) {
        *self.on_opened.lock().expect("vault opened hook") = Some(on_opened);
    }

    /// A passphrase source that asks through this relay.
    pub fn source(self: &Arc<Self>) -> Box<dyn PassphraseSource> {
        Box::new(Relayed(self.clone()))
    }
}

struct Relayed(Arc<PassphraseRelay>);

impl PassphraseSource for Relayed {
    fn passphrase(
        &self,
        path: &Path,
        creating: bool,
        retry: bool,
    ) -> Result<SecretString, VaultError> {
        let asker = self.0.asker.lock().expect("passphrase asker").clone();
        let declined = || VaultError::NeedsPassphrase {
            path: path.to_path_buf(),
            creating,
        };
        let asker = asker.ok_or_else(declined)?;
        asker(PassphraseQuestion {
            vault: path.to_path_buf(),
            creating,
            retry,
        })
        .ok_or_else(declined)
    }

    fn attempts(&self) -> u32 {
        3
    }

    fn opened(&self) {
        let on_opened = self.0.on_opened.lock().expect("vault opened hook").clone();
        if let Some(on_opened) = on_opened {
            on_opened();
        }
    }
}
