//! Writes the vault file over and over, for the tests that kill a writer at a random moment
//! and run two writers at once (tests/it/vault_file.rs). The passphrase comes from
//! `SSO_LAUNCHER_VAULT_PASSPHRASE_FILE`, as a script's would.
//!
//! `vault_writer FILE count`: forever, reads the counter and writes counter+1 to two entries in
//! one write (a reader must see both equal), printing each counter once it is written.
//! `vault_writer FILE add PREFIX N`: sets N entries named PREFIX-0 .. PREFIX-(N-1), one write
//! each.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use sso_launcher::core::account::AccountId;
use sso_launcher::core::secret::SecretString;
use sso_launcher::core::store::vault::{SecretKey, SecretVault};
use sso_launcher::core::store::vault_choice::{PASSPHRASE_FILE_ENV, PassphraseFile};
use sso_launcher::core::store::vault_file::{DEFAULT_IDLE, FileVault};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let passphrase_file = std::env::var_os(PASSPHRASE_FILE_ENV).expect("a passphrase file");
    let vault = FileVault::new(
        PathBuf::from(&args[0]),
        Box::new(PassphraseFile(passphrase_file.into())),
        DEFAULT_IDLE,
    );
    let account = AccountId::nil();
    match args[1].as_str() {
        "count" => loop {
            let key = |name: &str| SecretKey::new(account, name);
            let counter: u64 = vault
                .get(&key("counter"))
                .expect("vault opens")
                .map_or(0, |value| value.expose_secret().parse().expect("a number"));
            let next = SecretString::new((counter + 1).to_string());
            vault
                .set_many(&[(key("counter"), next.clone()), (key("copy"), next)])
                .expect("vault writes");
            // The test reads the first line only; a closed pipe must not end the writer.
            let mut out = std::io::stdout();
            let _ = writeln!(out, "{}", counter + 1).and_then(|()| out.flush());
        },
        "add" => {
            let count: usize = args[3].parse().expect("a count");
            for index in 0..count {
                let name = format!("{}-{index}", args[2]);
                vault
                    .set(
                        &SecretKey::new(account, name),
                        &SecretString::new("written"),
                    )
                    .expect("vault writes");
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        other => panic!("unknown mode {other}"),
    }
}
