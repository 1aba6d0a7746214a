use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;
use crate::core::account::AccountId;

/// Gives one passphrase, counting how often it was asked for.
struct Fixed {
    passphrase: &'static str,
    asked: Arc<AtomicUsize>,
}

impl PassphraseSource for Fixed {
    fn passphrase(
        &self,
        _path: &Path,
        _creating: bool,
        _retry: bool,
    ) -> Result<SecretString, VaultError> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        Ok(SecretString::new(self.passphrase))
    }
}

fn vault_at(path: &Path, passphrase: &'static str) -> (FileVault, Arc<AtomicUsize>) {
    let asked = Arc::new(AtomicUsize::new(0));
    let source = Fixed {
        passphrase,
        asked: asked.clone(),
    };
    (
        FileVault::new(path.to_path_buf(), Box::new(source), DEFAULT_IDLE),
        asked,
    )
}

fn key(name: &str) -> SecretKey {
    SecretKey::new(AccountId::new_random(), name)
}

#[test]
fn secrets_round_trip_through_the_file_and_the_passphrase_is_asked_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.age");
    let (vault, asked) = vault_at(&path, "correct horse");
    let (api_key, session) = (key("api_key"), key("session"));
    vault.set(&api_key, &SecretString::new("k-1")).unwrap();
    vault.set(&session, &SecretString::new("s-1")).unwrap();
    vault.delete(&session).unwrap();
    assert_eq!(vault.get(&api_key).unwrap().unwrap().expose_secret(), "k-1");
    assert!(vault.get(&session).unwrap().is_none());
    assert_eq!(asked.load(Ordering::SeqCst), 1);

    let on_disk = std::fs::read(&path).unwrap();
    assert!(on_disk.starts_with(b"age-encryption.org/v1\n-> scrypt "));
    let shown = String::from_utf8_lossy(&on_disk);
    assert!(!shown.contains("k-1") && !shown.contains(&api_key.account.to_string()));

    let (reopened, _) = vault_at(&path, "correct horse");
    assert_eq!(
        reopened.get(&api_key).unwrap().unwrap().expose_secret(),
        "k-1"
    );
}

#[test]
fn a_wrong_passphrase_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.age");
    let (vault, _) = vault_at(&path, "right");
    let api_key = key("api_key");
    vault.set(&api_key, &SecretString::new("k-1")).unwrap();
    let before = std::fs::read(&path).unwrap();

    let (intruder, _) = vault_at(&path, "wrong");
    let err = intruder
        .set(&key("api_key"), &SecretString::new("x"))
        .unwrap_err();
    assert!(matches!(err, VaultError::WrongPassphrase { .. }), "{err:?}");
    assert!(err.to_string().contains("nothing was changed"), "{err}");
    assert!(matches!(
        intruder.unlock(SecretString::new("wrong")),
        Err(VaultError::WrongPassphrase { .. })
    ));
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(intruder.lock_state(), LockState::Locked);
    intruder.unlock(SecretString::new("right")).unwrap();
    assert_eq!(
        intruder.get(&api_key).unwrap().unwrap().expose_secret(),
        "k-1"
    );
}

#[test]
fn two_vaults_on_one_file_keep_each_others_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.age");
    let (first, _) = vault_at(&path, "shared");
    let (second, _) = vault_at(&path, "shared");
    let (a, b) = (key("a"), key("b"));
    first.set(&a, &SecretString::new("from first")).unwrap();
    second.set(&b, &SecretString::new("from second")).unwrap();
    assert_eq!(
        first.get(&b).unwrap().unwrap().expose_secret(),
        "from second"
    );
    first.delete(&b).unwrap();
    assert!(second.get(&b).unwrap().is_none());
    assert_eq!(
        second.get(&a).unwrap().unwrap().expose_secret(),
        "from first"
    );
}

#[test]
fn an_idle_vault_forgets_its_contents_and_asks_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.age");
    let asked = Arc::new(AtomicUsize::new(0));
    let source = Fixed {
        passphrase: "pass",
        asked: asked.clone(),
    };
    let vault = FileVault::new(path, Box::new(source), Duration::from_millis(200));
    let api_key = key("api_key");
    vault.set(&api_key, &SecretString::new("k")).unwrap();
    assert_eq!(vault.lock_state(), LockState::Open);
    let deadline = Instant::now() + Duration::from_secs(10);
    while vault.lock_state() == LockState::Open {
        assert!(
            Instant::now() < deadline,
            "the idle vault was never forgotten"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(vault.lock_state(), LockState::Locked);
    assert_eq!(vault.get(&api_key).unwrap().unwrap().expose_secret(), "k");
    assert_eq!(asked.load(Ordering::SeqCst), 2);
}

#[test]
fn a_damaged_or_foreign_file_is_named_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.age");
    std::fs::write(&path, b"not an age file").unwrap();
    let (vault, _) = vault_at(&path, "pass");
    assert!(matches!(
        vault.check_health(),
        Err(VaultError::FileDamaged { .. })
    ));
    let err = vault.set(&key("a"), &SecretString::new("v")).unwrap_err();
    assert!(matches!(err, VaultError::FileDamaged { .. }), "{err:?}");
    assert_eq!(std::fs::read(&path).unwrap(), b"not an age file");
}

#[test]
fn a_file_asking_for_more_work_than_allowed_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.age");
    // Writing a stanza of that work factor would cost the work itself: a cheap file's header
    // is edited instead.
    let mut small = age::scrypt::Recipient::new("pass".to_owned().into());
    small.set_work_factor(10);
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&small as _)).unwrap();
    let mut out = Vec::new();
    let mut writer = encryptor.wrap_output(&mut out).unwrap();
    writer.write_all(b"{}").unwrap();
    writer.finish().unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let edited = text.replacen(" 10\n", &format!(" {}\n", MAX_WORK_FACTOR + 4), 1);
    std::fs::write(&path, edited.as_bytes()).unwrap();
    let (vault, _) = vault_at(&path, "pass");
    let err = vault.get(&key("a")).unwrap_err();
    assert!(err.to_string().contains("work factor"), "{err}");
}

#[test]
fn the_vault_is_written_at_the_fixed_work_factor() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.age");
    let (vault, _) = vault_at(&path, "pass");
    vault.set(&key("a"), &SecretString::new("v")).unwrap();
    let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
    let stanza = text.lines().nth(1).unwrap();
    assert!(
        stanza.starts_with("-> scrypt ") && stanza.ends_with(&format!(" {VAULT_WORK_FACTOR}")),
        "{stanza}"
    );
}
