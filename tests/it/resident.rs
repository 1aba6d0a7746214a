//! The resident app as real processes on a private session bus: one instance per config
//! folder (a later start hands its request over and exits 0), `sso-launcher quick`, links
//! that ask before they launch, closing to the tray, and what happens with no tray host. The
//! windows are read and pressed through AT-SPI, as a screen reader does, and screenshotted.

use std::time::Duration;

use crate::desktop_support::*;
use crate::support::*;
use crate::tray::audit_vias;

const MAIN: &str = "sso-launcher";
const QUICK: &str = "sso-launcher quick launch";

fn account_id(bus: &PrivateBus, env: &TestEnv, name: &str) -> String {
    let mut command = bus.cli(env);
    command.args(["--json", "accounts", "show", name]);
    let output = run_within(command, Duration::from_secs(30));
    assert_ok(&output);
    let shown: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    shown["id"].as_str().unwrap().to_string()
}

/// Starts `sso-launcher ARGS` beside the running app: it must hand over and exit 0 at once.
fn hand_over(bus: &PrivateBus, env: &TestEnv, args: &[&str]) {
    let mut command = bus.cli(env);
    command.args(args);
    let output = run_within(command, Duration::from_secs(15));
    assert_ok(&output);
}

#[test]
fn one_app_per_config_folder_takes_later_starts_quick_launch_and_links() {
    let env = TestEnv::new();
    let mut bus = PrivateBus::start();
    bus.enable_accessibility();
    add_assuresign_on(&bus, &env, "Acme", &["--favourite", "--tag", "customer"]);
    let acme = account_id(&bus, &env, "Acme");
    std::fs::write(
        env.config_dir().join("settings.toml"),
        "schema_version = 1\nclipboard_seconds = 2\n",
    )
    .unwrap();
    let host = bus.tray_host();
    let notes = bus.notification_server();
    let (browser, record) = env.recording_browser();
    let (mut app, item) = start_in_tray(&bus, &host, &env, &browser);
    wait_until("only the tray", || app.window(MAIN).is_none());

    // A second start shows the first one's window and exits 0 at once.
    hand_over(&bus, &env, &[]);
    wait_until("the first app's window", || app.window(MAIN).is_some());
    assert!(app.is_running());
    let nodes = bus.accessible_nodes(MAIN);
    assert!(
        nodes.contains(&("entry".into(), "Search accounts".into())),
        "the main window is named and read: {nodes:?}"
    );

    // Closing the window keeps the app in the tray; the icon brings it back. (A close sent
    // within the first frames after the window maps can be lost under load: a person takes
    // longer than that.)
    std::thread::sleep(Duration::from_millis(400));
    bus.peer(&["close", &app.window(MAIN).unwrap()]);
    wait_until("the window hidden in the tray", || {
        app.window(MAIN).is_none()
    });
    std::thread::sleep(Duration::from_millis(500));
    assert!(app.is_running(), "closing the window did not quit");
    item.activate();
    wait_until("the window back from the tray", || {
        app.window(MAIN).is_some()
    });
    std::thread::sleep(Duration::from_millis(400));
    bus.peer(&["close", &app.window(MAIN).unwrap()]);
    wait_until("hidden again", || app.window(MAIN).is_none());

    // Another config folder is another app: it does not hand over to this one.
    let other = TestEnv::new();
    let mut second = bus.start_app(&other, &["--demo"]);
    std::thread::sleep(Duration::from_secs(3));
    assert!(
        second.is_running(),
        "a run with another config folder stays"
    );
    drop(second);

    // `sso-launcher quick`: the quick-launch window, its search box focused.
    hand_over(&bus, &env, &["quick"]);
    wait_until("the quick-launch window", || app.window(QUICK).is_some());
    let quick = app.window(QUICK).unwrap();
    bus.wait_for_node(QUICK, "Search accounts to launch");
    let nodes = bus.accessible_nodes(QUICK);
    assert!(
        nodes.iter().any(|(_, name)| name == "Launch Acme"),
        "the results are named: {nodes:?}"
    );
    assert!(
        app.window(MAIN).is_none(),
        "only the quick-launch window shows"
    );
    bus.xdotool(&["windowfocus", "--sync", &quick]);
    bus.xdotool(&["type", "--delay", "40", "acm"]);
    std::thread::sleep(Duration::from_millis(500));
    let shot = bus.screenshot(&quick, "quick-launch.png");
    assert!(shot.exists());
    bus.xdotool(&["key", "Return"]);
    let url = wait_for_file(&record);
    assert!(url.contains("ssoToken="), "{url}");
    let (_, body) = notes.wait_for("Launched 'Acme'");
    assert!(body.contains("from quick launch"), "{body}");
    wait_until("the quick-launch window closed", || {
        app.window(QUICK).is_none()
    });
    assert!(audit_vias(&env).contains(&("Acme".into(), "launch".into(), "quick_launch".into())));

    // Ctrl+Enter copies a fresh link instead.
    hand_over(&bus, &env, &["quick"]);
    wait_until("the quick-launch window again", || {
        app.window(QUICK).is_some()
    });
    let quick = app.window(QUICK).unwrap();
    bus.xdotool(&["windowfocus", "--sync", &quick]);
    bus.xdotool(&["type", "--delay", "40", "acm"]);
    std::thread::sleep(Duration::from_millis(300));
    bus.xdotool(&["key", "ctrl+Return"]);
    let copied = wait_for_value(
        "a copied link",
        || bus.clipboard(),
        |text| text.contains("ssoToken="),
    );
    let (status, _) = env.http("GET", &copied, None, &[]);
    assert_eq!(status, 200, "the copied link signs in");
    // Held for clipboard_seconds (2 here), then cleared.
    wait_for_value(
        "the link cleared",
        || bus.clipboard(),
        |text| !text.contains("ssoToken="),
    );
    wait_until("the quick-launch window closed again", || {
        app.window(QUICK).is_none()
    });

    // A link asks first: nothing runs until Launch is pressed.
    std::fs::remove_file(&record).unwrap();
    let launches = env.count("assuresign.sso");
    let link = format!("sso-launcher://launch/{acme}");
    hand_over(&bus, &env, &[&link]);
    bus.wait_for_node(MAIN, "Launch 'Acme'?");
    let nodes = bus.accessible_nodes(MAIN);
    for shown in ["AssureSign", "customer", "Signs in to AssureSign"] {
        assert!(
            nodes.iter().any(|(_, name)| name.contains(shown)),
            "the confirmation shows {shown}: {nodes:?}"
        );
    }
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(
        env.count("assuresign.sso"),
        launches,
        "nothing ran before Launch"
    );
    assert!(!record.exists());
    bus.screenshot(&app.window(MAIN).unwrap(), "link-confirmation.png");
    bus.peer(&["press", MAIN, "Launch"]);
    let url = wait_for_file(&record);
    assert!(url.contains("ssoToken="), "{url}");
    assert_eq!(env.count("assuresign.sso"), launches + 1);
    notes.wait_for("Launched 'Acme'");
    assert!(audit_vias(&env).contains(&("Acme".into(), "launch".into(), "link".into())));

    // Unknown, forged and other links run nothing, and say why.
    let launches = env.count("assuresign.sso");
    for (link, says) in [
        (
            "sso-launcher://launch/5f0e8a8e-4a51-4bb6-9b0e-2d43d7a1c001".to_string(),
            "No account here has the id",
        ),
        (
            format!("sso-launcher://launch/{acme}?then=delete"),
            "more than an account id",
        ),
        (
            format!("sso-launcher://delete/{acme}"),
            "which links cannot do",
        ),
    ] {
        hand_over(&bus, &env, &[&link]);
        bus.wait_for_node(MAIN, says);
        bus.peer(&["press", MAIN, "Close the link message"]);
    }
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        env.count("assuresign.sso"),
        launches,
        "no link ran anything"
    );
    // Anything that is not a link stays a usage error, and reaches no running app.
    let mut command = bus.cli(&env);
    command.arg("lauch");
    let output = run_within(command, Duration::from_secs(15));
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("unrecognized subcommand"),
        "{}",
        stderr(&output)
    );

    item.click("Quit");
    assert!(app.wait_exit(Duration::from_secs(20)).success());
}

#[test]
fn without_a_tray_host_the_window_stays_says_why_and_closing_it_quits() {
    let env = TestEnv::new();
    let mut bus = PrivateBus::start();
    bus.enable_accessibility();
    add_assuresign_on(&bus, &env, "Acme", &[]);
    let autostart_home = env.dir.path().join("xdg-config");
    let mut command = bus.cli(&env);
    command
        .args(["--minimised"])
        .env("XDG_CONFIG_HOME", &autostart_home);
    let mut app = App::start(command, &env);
    // Asked to start minimised, but with nothing to show a tray icon the window stays.
    wait_until("the window", || app.window(MAIN).is_some());
    let (_, said) = bus.wait_for_node(MAIN, "No tray is available");
    assert!(said.contains("AppIndicator"), "{said}");
    bus.screenshot(&app.window(MAIN).unwrap(), "no-tray.png");

    // Start at login, from the Settings tab.
    bus.peer(&["press", MAIN, "Settings"]);
    bus.wait_for_node(MAIN, "Start at login");
    bus.peer(&["press", MAIN, "Start at login"]);
    let entry = || {
        std::fs::read_dir(autostart_home.join("autostart"))
            .ok()?
            .flatten()
            .map(|entry| entry.path())
            .find(|path| path.to_string_lossy().ends_with(".desktop"))
    };
    wait_until("the autostart entry", || entry().is_some());
    let entry = entry().unwrap();
    let text = std::fs::read_to_string(&entry).unwrap();
    assert!(text.contains(" --minimised"), "{text}");
    assert!(
        text.contains(&format!("--config-dir {}", env.config_dir().display())),
        "{text}"
    );
    bus.peer(&["press", MAIN, "Start at login"]);
    wait_until("the autostart entry removed", || !entry.exists());
    // The entry goes first, then the setting that claims it: the file is edited below only
    // after the app's own write, which would otherwise land on top of it.
    wait_until("autostart back to its default in settings.toml", || {
        std::fs::read_to_string(env.config_dir().join("settings.toml"))
            .is_ok_and(|text| !text.contains("autostart = true"))
    });

    // No notification server here either: a link's launch works all the same.
    let (browser, record) = env.recording_browser();
    std::fs::write(
        env.config_dir().join("settings.toml"),
        format!(
            "{}browser_command = \"{}\"\n",
            std::fs::read_to_string(env.config_dir().join("settings.toml")).unwrap(),
            browser.replace('\\', "\\\\").replace('"', "\\\"")
        ),
    )
    .unwrap();
    let acme = account_id(&bus, &env, "Acme");
    // The window reads the changed settings file by itself.
    std::thread::sleep(Duration::from_secs(1));
    hand_over(&bus, &env, &[&format!("sso-launcher://launch/{acme}")]);
    bus.wait_for_node(MAIN, "Launch 'Acme'?");
    bus.peer(&["press", MAIN, "Launch"]);
    assert!(wait_for_file(&record).contains("ssoToken="));

    close_window(&bus, &mut app, MAIN);
    let status = app.wait_exit(Duration::from_secs(20));
    assert!(
        status.success(),
        "closing quits when there is no tray: {status}"
    );
}

#[test]
fn without_a_session_bus_the_app_starts_alone() {
    // Two real windows on the shared display: one desktop test at a time.
    let _turn = crate::support::desktop_turn();
    let env = TestEnv::new();
    let no_bus = env.dir.path().join("no-bus-runtime");
    std::fs::create_dir_all(&no_bus).unwrap();
    let alone = || {
        let mut command = env.cli();
        command
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env("XDG_RUNTIME_DIR", &no_bus)
            .env("SSO_LAUNCHER_VAULT", "memory");
        App::start(command, &env)
    };
    let mut first = alone();
    wait_until("the window", || first.window(MAIN).is_some());
    // With no bus there is no instance to hand over to: a second start runs alone too,
    // rather than failing.
    let mut second = alone();
    wait_until("the second window", || second.window(MAIN).is_some());
    assert!(first.is_running() && second.is_running());
}

#[test]
fn the_instance_acts_only_on_requests_from_its_own_user() {
    let env = TestEnv::new();
    let bus = PrivateBus::start_admitting_strangers();
    let host = bus.tray_host();
    let app = bus.start_app(&env, &["--minimised"]);
    host.wait_for_item();
    wait_until("only the tray", || app.window(MAIN).is_none());
    let instance = sso_launcher::desktop::instance::bus_name(&format!(
        "config:{}",
        sso_launcher::core::paths::folder_key(&env.config_dir())
    ));
    bus.wait_for_name(&instance);
    // A connection that does not say which user it is: refused, and nothing is shown.
    let stranger = zbus::blocking::connection::Builder::address(bus.address.as_str())
        .unwrap()
        .auth_mechanism(zbus::AuthMechanism::Anonymous)
        .build()
        .unwrap();
    let refused = stranger.call_method(
        Some(instance.as_str()),
        "/org/ssolauncher/Instance",
        Some("org.ssolauncher.Instance1"),
        "Request",
        &("show", ""),
    );
    let err = refused.expect_err("refused").to_string();
    assert!(
        err.contains("AccessDenied") && err.contains("only from its own user"),
        "{err}"
    );
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        app.window(MAIN).is_none(),
        "the stranger's request was not acted on"
    );
    // The same request from this user shows the window.
    hand_over(&bus, &env, &[]);
    wait_until("the window", || app.window(MAIN).is_some());
}
