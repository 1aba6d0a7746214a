//! The vault file (issue 13): secrets in one age file opened with a passphrase, chosen by flag,
//! environment or settings; Debian's `age` opens it; writers killed at any moment or running at
//! once lose nothing; migration to and from the real keyring.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use sso_launcher::core::account::AccountId;
use sso_launcher::core::store::vault::{KeyringVault, SecretKey, SecretVault};
use sso_launcher::core::store::vault_choice::PassphraseFile;
use sso_launcher::core::store::vault_file::{DEFAULT_IDLE, FileVault};

use crate::support::{
    TestEnv, assert_exit, assert_ok, kill_writer_after, next_random, stderr, stdout,
};
use sso_launcher::sandbox::fixtures::assuresign as fx;

const PASSPHRASE: &str = "correct horse battery staple";

/// A passphrase file for a test without a [`TestEnv`].
fn env_passphrase(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("passphrase");
    std::fs::write(&path, PASSPHRASE).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

/// The CLI with the vault file chosen by `SSO_LAUNCHER_VAULT` and the passphrase from a file.
fn file_cli(env: &TestEnv, passphrase: &Path) -> Command {
    let mut command = env.cli();
    command
        .env("SSO_LAUNCHER_VAULT", "file")
        .env("SSO_LAUNCHER_VAULT_PASSPHRASE_FILE", passphrase);
    command
}

fn vault_path(env: &TestEnv) -> PathBuf {
    env.config_dir().join("vault.age")
}

/// Opens the vault file in this process, as another app instance would.
fn open_vault(path: &Path, passphrase: &Path) -> FileVault {
    FileVault::new(
        path.to_path_buf(),
        Box::new(PassphraseFile(passphrase.to_path_buf())),
        DEFAULT_IDLE,
    )
}

/// Decrypts with Debian's `age` (in a pseudo-terminal, where it reads passphrases).
fn age_decrypt(vault: &Path, passphrase: &Path, out: &Path) -> Value {
    let tool = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/age_decrypt.py");
    let output = Command::new("python3")
        .arg(tool)
        .args([vault, passphrase, out])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "age -d failed: {}",
        stderr(&output)
    );
    serde_json::from_slice(&std::fs::read(out).unwrap()).unwrap()
}

fn account_id(env: &TestEnv, name: &str) -> AccountId {
    let shown = env.run(&["--json", "accounts", "show", name]);
    let shown: Value = serde_json::from_str(&stdout(&shown)).unwrap();
    shown["id"].as_str().unwrap().parse().unwrap()
}

fn run_in(mut command: Command, args: &[&str], stdin: &str) -> std::process::Output {
    command.args(args);
    crate::support::run_with_stdin(command, stdin)
}

#[test]
fn the_vault_file_round_trips_and_debians_age_opens_it() {
    let env = TestEnv::new();
    let passphrase = env.passphrase_file(PASSPHRASE, 0o600);
    let added = env.add_assuresign_with(file_cli(&env, &passphrase), "Filed", &[]);
    assert_ok(&added);
    // The secret is in the file, nowhere in the keyring.
    let id = account_id(&env, "Filed");
    assert!(
        KeyringVault::new()
            .get(&SecretKey::new(id, "api_key"))
            .unwrap()
            .is_none()
    );
    let launched = run_in(
        file_cli(&env, &passphrase),
        &["launch", "Filed", "--print-url"],
        "",
    );
    assert_ok(&launched);
    assert!(
        stdout(&launched).contains("ssoToken="),
        "{}",
        stdout(&launched)
    );

    let plain = age_decrypt(
        &vault_path(&env),
        &passphrase,
        &env.dir.path().join("plain.json"),
    );
    assert_eq!(plain["format"], "sso-launcher-vault");
    assert_eq!(plain["secrets"][id.to_string()]["api_key"], fx::API_KEY);
    assert!(plain["secrets"][id.to_string()]["cache.session"].is_string());
    let raw = std::fs::read(vault_path(&env)).unwrap();
    assert!(!String::from_utf8_lossy(&raw).contains(&id.to_string()));

    let doctor = run_in(file_cli(&env, &passphrase), &["doctor"], "");
    assert_ok(&doctor);
    let text = stdout(&doctor);
    assert!(
        text.contains("vault:        file - ") && text.contains("vault.age"),
        "{text}"
    );
    assert!(
        text.contains("vault chosen: by SSO_LAUNCHER_VAULT"),
        "{text}"
    );
}

#[test]
fn a_wrong_passphrase_or_a_readable_passphrase_file_is_refused_and_changes_nothing() {
    let env = TestEnv::new();
    let right = env.passphrase_file(PASSPHRASE, 0o600);
    assert_ok(&run_in(
        file_cli(&env, &right),
        &[
            "accounts",
            "add",
            "One",
            "--provider",
            "assuresign",
            "--set",
            "api_username=u",
            "--set",
            "context_username=a@b.example",
            "--set",
            "environment=sb",
            "--secrets-from-stdin",
        ],
        "api_key=k\n",
    ));
    let before = std::fs::read(vault_path(&env)).unwrap();

    let wrong = env.passphrase_file("not it", 0o600);
    let refused = run_in(
        file_cli(&env, &wrong),
        &["accounts", "edit", "One", "--secrets-from-stdin"],
        "api_key=changed\n",
    );
    let err = assert_exit(&refused, 4);
    assert!(
        err.contains("does not open the vault file") && err.contains("nothing was changed"),
        "{err}"
    );

    let open_to_all = env.passphrase_file(PASSPHRASE, 0o644);
    let refused = run_in(
        file_cli(&env, &open_to_all),
        &["accounts", "edit", "One", "--secrets-from-stdin"],
        "api_key=changed\n",
    );
    let err = assert_exit(&refused, 4);
    assert!(err.contains("644") && err.contains("chmod 600"), "{err}");
    assert_eq!(std::fs::read(vault_path(&env)).unwrap(), before);

    // Without a passphrase file or a terminal, the command says how to give it.
    let mut detached = Command::new("setsid");
    detached.arg(crate::support::BIN);
    detached.envs(
        env.cli()
            .get_envs()
            .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))),
    );
    detached
        .env("SSO_LAUNCHER_VAULT", "file")
        .env_remove("SSO_LAUNCHER_VAULT_PASSPHRASE_FILE");
    let asked = run_in(detached, &["token", "One"], "");
    let err = assert_exit(&asked, 4);
    assert!(err.contains("SSO_LAUNCHER_VAULT_PASSPHRASE_FILE"), "{err}");
}

#[test]
fn the_flag_then_the_environment_then_settings_choose_the_vault() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.config_dir()).unwrap();
    std::fs::write(
        env.config_dir().join("settings.toml"),
        "schema_version = 1\nvault = \"file\"\n",
    )
    .unwrap();
    let doctor = |vault_env: Option<&str>, flag: Option<&str>| {
        let mut command = env.cli();
        command.env_remove("SSO_LAUNCHER_VAULT");
        if let Some(value) = vault_env {
            command.env("SSO_LAUNCHER_VAULT", value);
        }
        if let Some(flag) = flag {
            command.args(["--vault", flag]);
        }
        let output = command.args(["--json", "doctor"]).output().unwrap();
        let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
        (
            report["vault"]["backend"].as_str().unwrap().to_string(),
            report["vault"]["chosen_by"].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(doctor(None, None), ("file".into(), "settings.toml".into()));
    assert_eq!(
        doctor(Some("memory"), None),
        ("memory".into(), "SSO_LAUNCHER_VAULT".into())
    );
    assert_eq!(
        doctor(Some("memory"), Some("keyring")),
        ("keyring".into(), "--vault".into())
    );
    std::fs::write(
        env.config_dir().join("settings.toml"),
        "schema_version = 1\n",
    )
    .unwrap();
    assert_eq!(doctor(None, None), ("keyring".into(), "the default".into()));
}

#[test]
fn migration_to_the_file_and_back_moves_every_secret_and_switches_settings() {
    let env = TestEnv::new();
    let passphrase = env.passphrase_file(PASSPHRASE, 0o600);
    env.add_assuresign("Moving", &[]);
    env.add_assuresign("Staying put", &[]);
    assert_ok(&env.run(&["token", "Moving"]));
    let ids = [account_id(&env, "Moving"), account_id(&env, "Staying put")];
    let keyring = KeyringVault::new();
    let held_in = |vault: &dyn SecretVault, id: AccountId, name: &str| {
        vault
            .get(&SecretKey::new(id, name))
            .unwrap()
            .map(|value| value.expose_secret().to_owned())
    };

    let migrate = |to: &str| {
        let mut command = env.cli();
        command
            .env_remove("SSO_LAUNCHER_VAULT")
            .env("SSO_LAUNCHER_VAULT_PASSPHRASE_FILE", &passphrase);
        let output = command
            .args(["vault", "migrate", "--to", to])
            .output()
            .unwrap();
        assert_ok(&output);
        stdout(&output)
    };
    let said = migrate("file");
    assert!(
        said.contains("Moved 3 secret(s) of 2 account(s)") && said.contains("vault = \"file\""),
        "{said}"
    );
    let file = open_vault(&vault_path(&env), &passphrase);
    for id in ids {
        assert_eq!(held_in(&file, id, "api_key").as_deref(), Some(fx::API_KEY));
        assert_eq!(held_in(&keyring, id, "api_key"), None);
    }
    assert!(held_in(&file, ids[0], "cache.session").is_some());
    let settings = std::fs::read_to_string(env.config_dir().join("settings.toml")).unwrap();
    assert!(settings.contains("vault = \"file\""), "{settings}");
    // Settings now choose the file: a launch without flags reads the secret from it.
    let mut plain = env.cli();
    plain
        .env_remove("SSO_LAUNCHER_VAULT")
        .env("SSO_LAUNCHER_VAULT_PASSPHRASE_FILE", &passphrase);
    assert_ok(&run_in(
        plain,
        &["launch", "Staying put", "--print-url"],
        "",
    ));

    let said = migrate("keyring");
    assert!(said.contains("vault = \"keyring\""), "{said}");
    let file = open_vault(&vault_path(&env), &passphrase);
    for id in ids {
        assert_eq!(
            held_in(&keyring, id, "api_key").as_deref(),
            Some(fx::API_KEY)
        );
        assert_eq!(held_in(&file, id, "api_key"), None);
    }
    let mut plain = env.cli();
    plain.env_remove("SSO_LAUNCHER_VAULT");
    assert_ok(&run_in(plain, &["launch", "Moving", "--print-url"], ""));
}

fn writer() -> PathBuf {
    let path = Path::new(crate::support::BIN)
        .parent()
        .unwrap()
        .join("examples/vault_writer");
    assert!(path.exists(), "{} is built by `cargo test`", path.display());
    path
}

/// 200 times: a writer that rewrites the vault file without pause is killed (SIGKILL) at a
/// random moment of a write, after it said it had written at least once; the file then opens,
/// with both entries of one write equal, and holds at least what the writer said it wrote.
#[test]
fn a_writer_killed_at_any_moment_leaves_a_vault_that_opens() {
    let dir = tempfile::tempdir().unwrap();
    let passphrase = env_passphrase(dir.path());
    let path = dir.path().join("vault.age");
    // Each kill's file is opened on a thread of its own while the next writer runs (an
    // opening costs as much as a write).
    let (snapshots, received) = std::sync::mpsc::channel::<(usize, u64, Vec<u8>)>();
    let checker = {
        let (passphrase, folder) = (passphrase.clone(), dir.path().join("checked"));
        std::thread::spawn(move || {
            std::fs::create_dir_all(&folder).unwrap();
            let mut kept_newer = 0;
            for (run, written, bytes) in received {
                let copy = folder.join(format!("run-{run}.age"));
                std::fs::write(&copy, bytes).unwrap();
                let vault = open_vault(&copy, &passphrase);
                let read = |name: &str| {
                    vault
                        .get(&SecretKey::new(AccountId::nil(), name))
                        .unwrap_or_else(|err| panic!("run {run}: the vault does not open: {err}"))
                        .map_or(0, |value| value.expose_secret().parse::<u64>().unwrap())
                };
                let (counter, copied) = (read("counter"), read("copy"));
                assert_eq!(counter, copied, "run {run}: half a write");
                assert!(
                    counter >= written,
                    "run {run}: wrote {written}, the file has {counter}"
                );
                kept_newer += usize::from(counter > written);
            }
            kept_newer
        })
    };
    let mut seed = u64::from(std::process::id()) | 1;
    for run in 0..200 {
        let mut writer = Command::new(writer());
        writer
            .args([path.to_str().unwrap(), "count"])
            .env("SSO_LAUNCHER_VAULT_PASSPHRASE_FILE", &passphrase);
        // About one write's time (half the first report's, which took an opening and a
        // write; 200 ms at least): the kill lands anywhere in the next write, however loaded
        // the machine is.
        let random = next_random(&mut seed);
        let after = |first: Duration| {
            let window = (first.as_millis() / 2).max(200) as u64;
            Duration::from_millis(random % window)
        };
        let written = kill_writer_after(writer, after, &format!("run {run}"));
        let snapshot = (run, written, std::fs::read(&path).unwrap());
        if snapshots.send(snapshot).is_err() {
            break; // The checker failed: its panic is reported below.
        }
    }
    drop(snapshots);
    let kept_newer = checker.join().expect("every kill left a vault that opens");
    // Kills also landed after a later write finished (not only before it).
    assert!(kept_newer > 0);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    // Each writer removes what a killed one left; only the last kill's may remain.
    assert!(
        leftovers.len() <= 1,
        "temp files pile up: {}",
        leftovers.len()
    );
}

#[test]
fn two_processes_writing_at_once_keep_both_changes() {
    let dir = tempfile::tempdir().unwrap();
    let passphrase = env_passphrase(dir.path());
    let path = dir.path().join("vault.age");
    let writers: Vec<_> = ["left", "right"]
        .into_iter()
        .map(|prefix| {
            Command::new(writer())
                .args([path.to_str().unwrap(), "add", prefix, "12"])
                .env("SSO_LAUNCHER_VAULT_PASSPHRASE_FILE", &passphrase)
                .spawn()
                .unwrap()
        })
        .collect();
    for mut writer in writers {
        assert!(writer.wait().unwrap().success());
    }
    let vault = open_vault(&path, &passphrase);
    for prefix in ["left", "right"] {
        for index in 0..12 {
            let key = SecretKey::new(AccountId::nil(), format!("{prefix}-{index}"));
            assert!(
                vault.get(&key).unwrap().is_some(),
                "{prefix}-{index} was lost"
            );
        }
    }
}
