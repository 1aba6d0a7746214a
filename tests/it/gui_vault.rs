//! The vault file in the window (issue 13): its passphrase asked in a dialog (again after a
//! wrong one) while the launch that needed it waits; locking it; and the guided fix that
//! moves a window whose keyring does not answer to a new vault file.

use std::sync::Arc;

use sso_launcher::core::account::AccountId;
use sso_launcher::core::secret::SecretString;
use sso_launcher::core::store::vault::{
    LockState, SecretKey, SecretVault, VaultBackend, VaultError,
};
use sso_launcher::core::store::vault_choice::PassphraseFile;
use sso_launcher::core::store::vault_file::{DEFAULT_IDLE, FileVault};
use sso_launcher::gui::engine_factory;
use sso_launcher::gui::state::LaunchState;

use crate::gui_support::*;
use crate::support::*;

const PASSPHRASE: &str = "four words make one";

fn lock_state(harness: &AppHarness) -> Option<LockState> {
    harness
        .state()
        .state
        .vault
        .as_ref()
        .map(|status| status.lock)
}

fn passphrase_asked(harness: &AppHarness) -> bool {
    harness.state().state.passphrase.is_some()
}

#[test]
fn the_window_asks_for_the_vault_passphrase_and_the_launch_goes_on() {
    let env = TestEnv::new();
    let passphrase_file = env.passphrase_file(PASSPHRASE, 0o600);
    // Two accounts, their API keys put into the vault file from the command line: the start
    // reads two sessions, and a declined passphrase is asked once.
    for name in ["Acme", "Globex"] {
        let mut cli = env.cli();
        cli.env("SSO_LAUNCHER_VAULT", "file")
            .env("SSO_LAUNCHER_VAULT_PASSPHRASE_FILE", &passphrase_file);
        assert_ok(&env.add_assuresign_with(cli, name, &[]));
    }
    let (browser, opened) = env.recording_browser();

    let mut options = gui_options(
        &env,
        Arc::new(sso_launcher::core::store::vault::MemoryVault::new()),
    );
    let vault_file = env.config_dir().join("vault.age");
    options.vault = Arc::new(FileVault::new(
        vault_file,
        options.passphrase_relay.source(),
        DEFAULT_IDLE,
    ));
    options.browser_override = Some(browser);
    let mut harness = window_sized(engine_factory(options), [900.0, 640.0]);
    // Reading the sessions at start asks for the passphrase.
    wait_for(&mut harness, "the passphrase question", |app| {
        app.state.passphrase.is_some()
    });
    assert!(shows(&harness, "Unlock your secrets"));
    click(&mut harness, "Cancel");
    wait_for(&mut harness, "the locked vault", |app| {
        app.state
            .vault
            .as_ref()
            .is_some_and(|status| status.lock == LockState::Locked)
            && app.state.passphrase.is_none()
    });
    assert!(shows(&harness, "Secrets: vault file, locked"));
    // Declined once, it is not asked again for the other account; a launch asks again.
    for _ in 0..20 {
        std::thread::sleep(std::time::Duration::from_millis(25));
        harness.step();
    }
    assert!(!passphrase_asked(&harness));
    act(&mut harness, "Launch", "Acme");
    wait_for(&mut harness, "the question again", |app| {
        app.state.passphrase.is_some()
    });
    type_into(&mut harness, "Passphrase", "not the passphrase");
    click(&mut harness, "Unlock");
    wait_for(&mut harness, "the retry", |app| {
        app.state
            .passphrase
            .as_ref()
            .is_some_and(|dialog| dialog.question.retry)
    });
    assert!(shows(
        &harness,
        "That passphrase does not open the vault file"
    ));
    type_into(&mut harness, "Passphrase", PASSPHRASE);
    harness.key_press(egui::Key::Enter);
    wait_for(&mut harness, "the launch", |app| launch_done(app, "Acme"));
    let id = account_id(&harness, "Acme");
    assert!(
        matches!(
            harness.state().state.launches.get(&id),
            Some(LaunchState::Done(Ok(_)))
        ),
        "{:?}",
        harness.state().state.launches.get(&id)
    );
    assert!(wait_for_file(&opened).contains("ssoToken="));
    wait_for(&mut harness, "the unlocked status", |app| {
        app.state
            .vault
            .as_ref()
            .is_some_and(|status| status.lock == LockState::Open)
    });
    assert!(shows(&harness, "Secrets: vault file, unlocked"));
    click(&mut harness, "Lock");
    wait_for(&mut harness, "the locked status", |app| {
        app.state
            .vault
            .as_ref()
            .is_some_and(|status| status.lock == LockState::Locked)
    });
    assert_eq!(lock_state(&harness), Some(LockState::Locked));
}

/// A keyring that is not there, as on a desktop without a Secret Service.
struct AbsentKeyring;

impl SecretVault for AbsentKeyring {
    fn backend(&self) -> VaultBackend {
        VaultBackend::Keyring
    }
    fn get(&self, _: &SecretKey) -> Result<Option<SecretString>, VaultError> {
        Err(VaultError::Unavailable {
            detail: "org.freedesktop.secrets was not provided by any .service files".into(),
        })
    }
    fn set(&self, key: &SecretKey, _: &SecretString) -> Result<(), VaultError> {
        self.get(key).map(|_| ())
    }
    fn delete(&self, key: &SecretKey) -> Result<(), VaultError> {
        self.get(key).map(|_| ())
    }
}

#[test]
fn without_a_keyring_the_window_moves_secrets_to_a_new_vault_file() {
    let env = TestEnv::new();
    let options = gui_options(&env, Arc::new(AbsentKeyring));
    let mut harness = window_sized(engine_factory(options), [900.0, 640.0]);
    wait_for(&mut harness, "the keyring check", |app| {
        app.state
            .vault
            .as_ref()
            .is_some_and(|status| status.health.is_err())
    });
    click(&mut harness, "How to fix…");
    click(&mut harness, "Keep secrets in a file instead");
    wait_for(&mut harness, "the new passphrase", |app| {
        app.state
            .passphrase
            .as_ref()
            .is_some_and(|dialog| dialog.question.creating)
    });
    assert!(shows(&harness, "Choose a passphrase for your secrets"));
    type_into(&mut harness, "Passphrase", PASSPHRASE);
    type_into(
        &mut harness,
        "The same passphrase again",
        "four words make two",
    );
    click(&mut harness, "Create vault");
    assert!(shows(&harness, "The two passphrases differ."));
    assert!(passphrase_asked(&harness));
    harness.state_mut().state.passphrase.as_mut().unwrap().again = PASSPHRASE.into();
    click(&mut harness, "Create vault");
    wait_for(&mut harness, "the vault file in use", |app| {
        app.state.vault.as_ref().is_some_and(|status| {
            status.backend == VaultBackend::File && status.lock == LockState::Open
        })
    });
    let vault_file = env.config_dir().join("vault.age");
    assert!(vault_file.exists());
    let settings = std::fs::read_to_string(env.config_dir().join("settings.toml")).unwrap();
    assert!(settings.contains("vault = \"file\""), "{settings}");
    // What the window wrote opens with that passphrase, in another process's way.
    let passphrase_file = env.passphrase_file(PASSPHRASE, 0o600);
    let reopened = FileVault::new(
        vault_file,
        Box::new(PassphraseFile(passphrase_file)),
        DEFAULT_IDLE,
    );
    assert!(
        reopened
            .get(&SecretKey::new(AccountId::nil(), "x"))
            .unwrap()
            .is_none()
    );
    assert_eq!(reopened.lock_state(), LockState::Open);
}
