//! Image snapshots of the window, drawn by wgpu (Mesa's software renderer on CI): the list
//! with a selection, the detail pane showing an error with its hint, the account form at
//! 800×600, and the empty states. A layout change shows as a failed comparison; after a
//! change meant to be seen, `UPDATE_SNAPSHOTS=1 ./scripts/test window_snapshots` rewrites
//! them (look at each under tests/snapshots/ before committing).

use std::sync::Arc;

use egui_kittest::Harness;
use sso_launcher::core::store::vault::MemoryVault;
use sso_launcher::gui::app::SsoApp;
use sso_launcher::gui::{demo_factory, engine_factory};
use sso_launcher::sandbox::fixtures;

use crate::gui_support::*;
use crate::support::*;

fn drawn(factory: sso_launcher::core::worker::EngineFactory, size: [f32; 2]) -> AppHarness {
    Harness::builder()
        .with_size(size)
        .with_max_steps(50)
        .with_render_cursor(false)
        .wgpu()
        .build_eframe(move |cc| SsoApp::new(&cc.egui_ctx, factory))
}

/// Frames until nothing moves (the spinner is gone, the panel sizes settled).
fn still(harness: &mut AppHarness) {
    for _ in 0..10 {
        harness.step();
    }
}

#[test]
fn the_list_with_a_selection() {
    let mut harness = drawn(demo_factory(|_| {}), [960.0, 560.0]);
    wait_for(&mut harness, "the demo accounts", |app| {
        app.state.accounts.len() == DEMO_ACCOUNTS && app.state.tokens.len() == DEMO_ACCOUNTS
    });
    select(&mut harness, fixtures::SIGNNOW_DEMO);
    still(&mut harness);
    harness.snapshot("list_with_selection");
}

#[test]
fn the_detail_pane_with_an_error_and_its_hint() {
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    let options = gui_options(&env, Arc::new(MemoryVault::new()));
    let mut harness = drawn(engine_factory(options), [960.0, 560.0]);
    wait_for(&mut harness, "the account", |app| {
        app.state.accounts.len() == 1 && app.state.tokens.len() == 1
    });
    // The memory vault holds no API key: the launch fails, saying what to do.
    act(&mut harness, "Launch", "Acme");
    wait_for(&mut harness, "the failure", |app| launch_done(app, "Acme"));
    still(&mut harness);
    harness.snapshot("detail_with_error");
}

#[test]
fn the_account_form_at_800_by_600() {
    let env = TestEnv::new();
    let options = gui_options(&env, Arc::new(MemoryVault::new()));
    let mut harness = drawn(engine_factory(options), [800.0, 600.0]);
    wait_for(&mut harness, "the empty list", |app| app.state.loaded);
    still(&mut harness);
    harness.snapshot("first_run_800x600");
    click(&mut harness, "New account");
    still(&mut harness);
    harness.snapshot("account_form_800x600");
}

#[test]
fn no_match() {
    let mut harness = drawn(demo_factory(|_| {}), [800.0, 600.0]);
    wait_for(&mut harness, "the demo accounts", |app| {
        app.state.accounts.len() == DEMO_ACCOUNTS && app.state.tokens.len() == DEMO_ACCOUNTS
    });
    type_into(&mut harness, "Search accounts", "acme");
    still(&mut harness);
    harness.snapshot("no_match_800x600");
}

/// At 800×600 with text at 1.5×: nothing overlaps, and the pane's controls stay inside the
/// window.
#[test]
fn large_text_at_800_by_600() {
    use egui_kittest::kittest::Queryable as _;
    let env = TestEnv::new();
    let name = "Acme with a rather long customer name";
    env.add_assuresign(name, &[]);
    assert_ok(&env.run(&["accounts", "edit", name, "--tag", "customer", "--tag", "eu"]));
    std::fs::create_dir_all(env.config_dir()).unwrap();
    std::fs::write(
        env.config_dir().join("settings.toml"),
        "schema_version = 1\ntext_scale = 1.5\n",
    )
    .unwrap();
    let options = gui_options(&env, Arc::new(MemoryVault::new()));
    let mut harness = drawn(engine_factory(options), [800.0, 600.0]);
    wait_for(&mut harness, "the account", |app| {
        app.state.accounts.len() == 1 && app.state.tokens.len() == 1
    });
    still(&mut harness);
    // The row shows the name, not just an ellipsis.
    let row = harness
        .get_by_role_and_label(egui::accesskit::Role::ListItem, name)
        .rect();
    let launch_in_row = harness
        .get_by_label(&format!("Launch {name} from the list"))
        .rect();
    assert!(
        launch_in_row.left() > row.center().x,
        "{row:?} {launch_in_row:?}"
    );
    // Rects are in points: at 1.5× the window is 533×400 of them.
    let screen = harness.ctx.content_rect();
    let controls: Vec<egui::Rect> = ["Launch", "Copy link", "Edit", "More for"]
        .iter()
        .map(|action| harness.get_by_label(&format!("{action} {name}")).rect())
        .collect();
    for (index, rect) in controls.iter().enumerate() {
        assert!(
            rect.right() <= screen.right() - 4.0 && rect.bottom() <= screen.bottom() - 20.0,
            "{rect:?} in {screen:?}"
        );
        for other in &controls[index + 1..] {
            assert!(!rect.intersects(*other), "{rect:?} overlaps {other:?}");
        }
    }
    harness.snapshot("large_text_800x600");
}

#[test]
fn the_vault_passphrase_dialog_at_800_by_600() {
    use sso_launcher::core::store::vault_file::{DEFAULT_IDLE, FileVault};
    let env = TestEnv::new();
    env.add_assuresign("Acme", &[]);
    let mut options = gui_options(&env, Arc::new(MemoryVault::new()));
    // A fixed path: the dialog shows it, and the image must not change from run to run (nor
    // with TMPDIR, which the test command points into target/). Nothing is written there.
    let folder = std::path::Path::new("/tmp/sso-launcher-snapshot-vault");
    let _ = std::fs::remove_dir_all(folder);
    let vault = FileVault::new(
        folder.join("vault.age"),
        options.passphrase_relay.source(),
        DEFAULT_IDLE,
    );
    options.vault = Arc::new(vault);
    let mut harness = drawn(engine_factory(options), [800.0, 600.0]);
    wait_for(&mut harness, "the account", |app| {
        app.state.accounts.len() == 1
    });
    click(&mut harness, "Set a passphrase…");
    wait_for(&mut harness, "the dialog", |app| {
        app.state.passphrase.is_some()
    });
    type_into(&mut harness, "Passphrase", "typed");
    still(&mut harness);
    harness.snapshot("vault_passphrase_800x600");
    let _ = std::fs::remove_dir_all(folder);
}

/// The account editor for two providers with many fields, drawn from a hand-written
/// `accounts.toml` (fixed addresses, so the images do not change from run to run). Taken
/// before the providers became self-describing units (issue 15): the editor must look the
/// same after.
#[test]
fn the_editor_for_sovos_and_licensespring_at_800_by_600() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.config_dir()).unwrap();
    std::fs::write(
        env.config_dir().join("accounts.toml"),
        r#"schema_version = 1

[[accounts]]
id = "00000000-0000-4000-8000-000000000001"
name = "Signer"
provider = "sovos"

[accounts.settings]
issuer = "https://auth.signer.example.com"
client_id = "sso-launcher"
grant = "authorization_code"
scopes = "openid offline_access"

[[accounts]]
id = "00000000-0000-4000-8000-000000000002"
name = "Licensed"
provider = "licensespring"

[accounts.settings]
api_base_url = "https://api.licensespring.example.com"
product = "acme-suite"
customer_account_code = "ACME-EU-1"
response_type = "code"
"#,
    )
    .unwrap();
    let options = gui_options(&env, Arc::new(MemoryVault::new()));
    let mut harness = drawn(engine_factory(options), [800.0, 600.0]);
    wait_for(&mut harness, "the accounts", |app| {
        app.state.accounts.len() == 2
    });
    for (name, image) in [
        ("Signer", "editor_sovos_800x600"),
        ("Licensed", "editor_licensespring_800x600"),
    ] {
        act(&mut harness, "Edit", name);
        wait_for(&mut harness, "the editor", |app| app.state.editor.is_some());
        still(&mut harness);
        harness.snapshot(image);
        click(&mut harness, "Cancel");
        wait_for(&mut harness, "the editor to close", |app| {
            app.state.editor.is_none()
        });
    }
}

/// Stages as the list, the detail pane and the question before a production launch show
/// them.
#[test]
fn stages_in_the_list_and_the_question_before_production() {
    let env = TestEnv::new();
    for (name, stage) in [
        ("Acme live", Some("production")),
        ("Acme test", Some("staging")),
        ("Beta", None),
    ] {
        env.add_assuresign(name, &[]);
        if let Some(stage) = stage {
            assert_ok(&env.run(&["accounts", "edit", name, "--stage", stage]));
        }
    }
    let options = gui_options(&env, Arc::new(MemoryVault::new()));
    let mut harness = drawn(engine_factory(options), [960.0, 560.0]);
    wait_for(&mut harness, "the accounts", |app| {
        app.state.accounts.len() == 3 && app.state.tokens.len() == 3
    });
    select(&mut harness, "Acme live");
    click(&mut harness, "Launch Acme live · production");
    still(&mut harness);
    harness.snapshot("stage_confirm");
}

/// The team list's accounts beside a personal one, marked "Team", and a search whose
/// matched letters are underlined (with a typo: "globx").
#[test]
fn the_team_list_and_the_letters_a_search_matched() {
    let env = TestEnv::new();
    let team = env.dir.path().join("team-accounts.json");
    let account = |id: &str, name: &str| {
        serde_json::json!({
            "id": id, "name": name, "provider": "assuresign", "credential": "team-api",
            "tags": ["emea"], "stage": "production",
            "settings": {"environment": "na1", "context_username": "desk@globex.example"},
        })
    };
    let list = serde_json::json!({
        "format": "sso-launcher-accounts", "version": 2,
        "accounts": [
            account("8d7f5c1e-0a6b-4e0e-9d1c-2b3a4c5d6e70", "Globex EMEA"),
            account("8d7f5c1e-0a6b-4e0e-9d1c-2b3a4c5d6e71", "Globex Americas"),
        ],
    });
    std::fs::write(&team, list.to_string()).unwrap();
    assert_ok(&env.run(&["settings", "set", "team_accounts", team.to_str().unwrap()]));
    assert_ok(&env.add_minimal("Initech", &["environment=na1"]));
    let mut harness = drawn(
        engine_factory(gui_options(&env, Arc::new(MemoryVault::new()))),
        [960.0, 560.0],
    );
    wait_for(&mut harness, "both lists", |app| {
        app.state.accounts.len() == 3
    });
    type_into(&mut harness, "Search accounts", "globx");
    still(&mut harness);
    harness.snapshot("team_list_and_search");
}

/// Marked rows, the bar of bulk actions over the list, and the one question with its count.
#[test]
fn many_accounts_at_once() {
    let env = TestEnv::new();
    for name in ["Acme EU", "Acme US", "Globex"] {
        assert_ok(&env.add_minimal(name, &["environment=na1"]));
    }
    let mut harness = drawn(
        engine_factory(gui_options(&env, Arc::new(MemoryVault::new()))),
        [960.0, 560.0],
    );
    wait_for(&mut harness, "the accounts", |app| {
        app.state.accounts.len() == 3
    });
    type_into(&mut harness, "Search accounts", "acme");
    harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::A,
    );
    still(&mut harness);
    click(&mut harness, "Stage…");
    type_into(&mut harness, "Stage", "production");
    still(&mut harness);
    harness.snapshot("bulk_question");
}

/// The import preview: new accounts, those here already and different (side by side), those
/// the same; nothing is written until Import, with the rule chosen for those here already.
#[test]
fn an_import_is_previewed_and_applied_only_when_asked() {
    let env = TestEnv::new();
    assert_ok(&env.add_minimal("Acme", &["environment=na1"]));
    assert_ok(&env.run(&["accounts", "edit", "Acme", "--notes", "ours"]));
    assert_ok(&env.add_minimal("Initech", &["environment=na1"]));
    let other = TestEnv::new();
    assert_ok(&other.add_minimal("Globex", &["environment=na1"]));
    // A fixed path: the snapshot shows it.
    let file = std::path::PathBuf::from("/tmp/sso-launcher-snapshot-team.json");
    let mut list: serde_json::Value =
        serde_json::from_str(&stdout(&env.run(&["accounts", "export"]))).unwrap();
    let theirs: serde_json::Value =
        serde_json::from_str(&stdout(&other.run(&["accounts", "export"]))).unwrap();
    list["accounts"][0]["notes"] = "from the team".into();
    list["accounts"][0]["stage"] = "production".into();
    list["version"] = 2.into();
    list["accounts"]
        .as_array_mut()
        .unwrap()
        .push(theirs["accounts"][0].clone());
    std::fs::write(&file, list.to_string()).unwrap();
    let before = std::fs::read_to_string(env.config_dir().join("accounts.toml")).unwrap();

    let mut harness = drawn(
        engine_factory(gui_options(&env, Arc::new(MemoryVault::new()))),
        [960.0, 640.0],
    );
    wait_for(&mut harness, "the accounts", |app| {
        app.state.accounts.len() == 2
    });
    click(&mut harness, "Import…");
    type_into(&mut harness, "File", file.to_str().unwrap());
    click(&mut harness, "Preview");
    wait_for(&mut harness, "the preview", |app| {
        app.state
            .import
            .as_ref()
            .is_some_and(|dialog| matches!(dialog.preview, Some(Ok(_))))
    });
    assert!(shows(&harness, "New (1): Globex"));
    assert!(shows(&harness, "from the team") && shows(&harness, "ours"));
    assert!(shows(&harness, "The same as here (1): Initech"));
    click(&mut harness, "For those here already:");
    click(&mut harness, "Take the file's");
    still(&mut harness);
    harness.snapshot("import_preview");
    assert_eq!(
        std::fs::read_to_string(env.config_dir().join("accounts.toml")).unwrap(),
        before,
        "nothing written before Import"
    );
    click(&mut harness, "Import");
    wait_for(&mut harness, "the import", |app| {
        app.state.accounts.len() == 3
    });
    let after = std::fs::read_to_string(env.config_dir().join("accounts.toml")).unwrap();
    assert!(
        after.contains("from the team") && after.contains("Globex"),
        "{after}"
    );
    let _ = std::fs::remove_file(&file);
}
