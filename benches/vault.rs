//! The vault file at its fixed work factor: unlocking (one scrypt, and the decryption of one or
//! of 1,000 accounts' secrets), a write (one scrypt, the encryption, an atomic replace), and a
//! read of an unlocked vault (a `stat` of the file and a lookup in memory: what a cached session
//! costs).

use std::path::Path;

use criterion::{BatchSize, Criterion};
use sso_launcher::core::account::AccountId;
use sso_launcher::core::secret::SecretString;
use sso_launcher::core::store::vault::{SecretKey, SecretVault};
use sso_launcher::core::store::vault_choice::PassphraseFile;
use sso_launcher::core::store::vault_file::{DEFAULT_IDLE, FileVault};

fn vault(path: &Path, passphrase: &Path) -> FileVault {
    FileVault::new(
        path.to_path_buf(),
        Box::new(PassphraseFile(passphrase.to_path_buf())),
        DEFAULT_IDLE,
    )
}

fn main() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let passphrase = dir.path().join("passphrase");
    std::fs::write(&passphrase, "bench passphrase").unwrap();
    std::fs::set_permissions(&passphrase, std::fs::Permissions::from_mode(0o600)).unwrap();
    let path = dir.path().join("vault.age");
    let keys: Vec<SecretKey> = (0..1000)
        .flat_map(|_| {
            let account = AccountId::new_random();
            [
                SecretKey::new(account, "api_key"),
                SecretKey::new(account, "cache.session"),
            ]
        })
        .collect();
    let entries: Vec<(SecretKey, SecretString)> = keys
        .iter()
        .map(|key| (key.clone(), SecretString::new("x".repeat(200))))
        .collect();
    let writer = vault(&path, &passphrase);
    writer.set_many(&entries).unwrap();
    println!(
        "vault file with 1,000 accounts (2,000 entries): {} bytes",
        std::fs::metadata(&path).unwrap().len()
    );

    // The same with one account: what the work factor alone costs.
    let small_path = dir.path().join("small.age");
    let small = vault(&small_path, &passphrase);
    small.set_many(&entries[..2]).unwrap();

    let mut criterion = Criterion::default().sample_size(10).configure_from_args();
    criterion.bench_function("vault_file/unlock_1_account", |bench| {
        bench.iter_batched(
            || vault(&small_path, &passphrase),
            |fresh| fresh.get(&keys[0]).unwrap(),
            BatchSize::PerIteration,
        )
    });
    criterion.bench_function("vault_file/unlock_1000_accounts", |bench| {
        bench.iter_batched(
            || vault(&path, &passphrase),
            |fresh| fresh.get(&keys[0]).unwrap(),
            BatchSize::PerIteration,
        )
    });
    criterion.bench_function("vault_file/write_one_secret_1000_accounts", |bench| {
        let value = SecretString::new("changed");
        bench.iter(|| writer.set(&keys[1], &value).unwrap())
    });
    criterion.bench_function("vault_file/read_unlocked", |bench| {
        bench.iter(|| writer.get(&keys[2]).unwrap())
    });
    criterion.final_summary();
}
