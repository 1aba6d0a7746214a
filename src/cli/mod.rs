//! The command-line front end: parses arguments, calls the core, prints results.

mod accounts;
pub mod args;
mod audit;
mod chooser;
mod credentials;
mod demo;
mod discover;
mod doctor;
mod launch;
mod output;
pub mod report;
mod secrets_input;
mod settings;
mod settings_help;
mod transfer;
mod vault;

use std::sync::Arc;
use std::time::Duration;

use clap::CommandFactory;

use self::args::{Cli, Command, GlobalArgs, VaultCommand};
use self::output::Output;
use self::report::{CliError, report};
use crate::core::engine::{Engine, EngineOptions};
use crate::core::error::ErrorKind;
use crate::core::paths::AppPaths;

/// Runs the CLI and returns the process exit code.
pub fn main() -> i32 {
    let json_requested = std::env::args().any(|arg| arg == "--json");
    let (args, link) = take_link(std::env::args_os().collect());
    let parsed = args::command()
        .try_get_matches_from(args)
        .and_then(|matches| <Cli as clap::FromArgMatches>::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(err) => {
            use clap::error::ErrorKind as Clap;
            if matches!(err.kind(), Clap::DisplayHelp | Clap::DisplayVersion) || !json_requested {
                let _ = err.print();
                return if err.use_stderr() {
                    ErrorKind::Usage.exit_code()
                } else {
                    0
                };
            }
            let message = err.render().to_string();
            let first_line = message
                .lines()
                .next()
                .unwrap_or("bad command line")
                .trim_start_matches("error: ");
            return report(
                &CliError::usage(first_line).with_hint("See `sso-launcher --help`."),
                true,
            );
        }
    };
    init_logging(cli.global.verbose);
    let json_output = cli.global.json;
    let window_request = match (&cli.command, link) {
        (None, Some(link)) => Some(WindowRequest::Link(link)),
        (None, None) => Some(WindowRequest::Show),
        (Some(Command::Quick), _) => Some(WindowRequest::QuickLaunch),
        _ => None,
    };
    if let Some(request) = window_request {
        return match open_window(&cli.global, request) {
            Ok(()) => 0,
            Err(err) => report(&err, json_output),
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            return report(
                &CliError::new(ErrorKind::Internal, format!("could not start: {err}")),
                json_output,
            );
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => 0,
        Err(err) => report(&err, json_output),
    }
}

async fn run(cli: Cli) -> Result<(), CliError> {
    let out = Output::new(cli.global.json);
    let Some(command) = cli.command else {
        return Err(CliError::usage("no command given"));
    };
    match command {
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut args::command(),
                "sso-launcher",
                &mut std::io::stdout(),
            );
            Ok(())
        }
        Command::Sandbox(args) if !cli.global.demo => demo::serve_sandbox(args.port, &out).await,
        command if cli.global.demo => {
            let demo = demo::DemoEnvironment::start(&cli.global).await?;
            let result = dispatch(command, &demo.engine, &out).await;
            demo.linger_after(&result, &out).await;
            result.map(|_| ())
        }
        command => {
            let engine = open_engine(&cli.global)?;
            dispatch(command, &engine, &out).await.map(|_| ())
        }
    }
}

/// What a command did, for demo mode to decide whether to keep the sandbox up.
pub(crate) enum Done {
    Nothing,
    OpenedBrowser,
    /// A link was printed for someone else to open; it works for this long, if it is one-time.
    PrintedLink(Option<std::time::Duration>),
}

async fn dispatch(command: Command, engine: &Engine, out: &Output) -> Result<Done, CliError> {
    match command {
        Command::Accounts(command) => accounts::run(command, engine, out)
            .await
            .map(|()| Done::Nothing),
        Command::Launch(args) => launch::launch(args, engine, out).await,
        Command::Token(args) => launch::token(&args.name, engine, out)
            .await
            .map(|()| Done::Nothing),
        Command::Login(args) => launch::login(&args.name, args.ticket.as_deref(), engine, out)
            .await
            .map(|()| Done::Nothing),
        Command::Logout(args) => launch::logout(&args.name, engine, out)
            .await
            .map(|()| Done::Nothing),
        Command::Discover(args) => discover::run(args, engine, out)
            .await
            .map(|()| Done::Nothing),
        Command::Credentials(command) => credentials::run(command, engine, out)
            .await
            .map(|()| Done::Nothing),
        Command::Doctor => doctor::run(engine, out).await.map(|()| Done::Nothing),
        Command::Vault(VaultCommand::Migrate { to }) => vault::migrate(to, engine, out)
            .await
            .map(|()| Done::Nothing),
        Command::Audit(args) => audit::run(args, engine, out).map(|()| Done::Nothing),
        Command::Settings(command) => settings::run(command, engine, out).map(|()| Done::Nothing),
        Command::Sandbox(_) => Err(CliError::usage(
            "`--demo sandbox` is the same as `sandbox`; drop --demo",
        )),
        Command::Completions { .. } | Command::Quick => Ok(Done::Nothing),
    }
}

/// What a start of the resident app asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WindowRequest {
    Show,
    QuickLaunch,
    Link(String),
}

/// Takes a link out of the arguments: a single top-level argument that starts with
/// `sso-launcher:` (as a desktop's URL handler passes it, `Exec=sso-launcher %u`). Anything
/// else is left for clap, so a mistyped command stays a usage error.
pub fn take_link(mut args: Vec<std::ffi::OsString>) -> (Vec<std::ffi::OsString>, Option<String>) {
    let command = Cli::command();
    let takes_value: Vec<String> = command
        .get_arguments()
        .filter(|arg| !arg.is_positional() && arg.get_action().takes_values())
        .flat_map(|arg| {
            let longs = arg.get_long_and_visible_aliases().unwrap_or_default();
            let shorts = arg.get_short_and_visible_aliases().unwrap_or_default();
            longs
                .into_iter()
                .map(|long| format!("--{long}"))
                .chain(shorts.into_iter().map(|short| format!("-{short}")))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut positionals = Vec::new();
    let mut index = 1;
    while index < args.len() {
        let arg = args[index].to_string_lossy();
        if arg == "--" {
            positionals.extend(index + 1..args.len());
            break;
        }
        if arg.starts_with('-') && arg.len() > 1 {
            if takes_value.iter().any(|flag| *flag == arg) {
                index += 1;
            }
        } else {
            positionals.push(index);
        }
        index += 1;
    }
    match positionals.as_slice() {
        [only] if crate::core::link::looks_like_link(&args[*only].to_string_lossy()) => {
            let link = args.remove(*only).to_string_lossy().into_owned();
            (args, Some(link))
        }
        _ => (args, None),
    }
}

/// No command (or `quick`, or a link): the resident app, or the one already running for this
/// config folder, which takes the request while this process exits.
#[cfg(feature = "gui")]
fn open_window(global: &GlobalArgs, request: WindowRequest) -> Result<(), CliError> {
    use crate::desktop::instance::{InstanceRequest, Startup, claim};
    use crate::gui::{RendererChoice, WindowOptions};
    let paths = resolve_paths(global)?;
    let request = match request {
        WindowRequest::Show => InstanceRequest::Show,
        WindowRequest::QuickLaunch => InstanceRequest::QuickLaunch,
        WindowRequest::Link(link) => InstanceRequest::Link(link),
    };
    let primary = match claim(&instance_key(global, &paths), &request) {
        Startup::HandedOver => return Ok(()),
        Startup::Primary(primary) => Some(primary),
        Startup::Alone(reason) => {
            tracing::info!("running alone, without the one-instance service: {reason}");
            None
        }
    };
    // The demo leaves nothing behind: without --data-dir its window size is kept in a
    // folder of its own, removed at exit.
    let demo_window_dir = if global.demo && global.data_dir.is_none() {
        Some(
            tempfile::Builder::new()
                .prefix("sso-launcher-demo-window-")
                .tempdir()
                .map_err(|err| {
                    CliError::new(
                        ErrorKind::Internal,
                        format!("could not create a temporary folder for the demo: {err}"),
                    )
                })?,
        )
    } else {
        None
    };
    let window = WindowOptions {
        renderer: match global.renderer {
            args::RendererArg::Wgpu => RendererChoice::Wgpu,
            args::RendererArg::Glow => RendererChoice::Glow,
        },
        data_dir: demo_window_dir
            .as_ref()
            .map_or_else(|| paths.data_dir.clone(), |dir| dir.path().to_path_buf()),
        title: if global.demo {
            "sso-launcher (demo)"
        } else {
            "sso-launcher"
        }
        .into(),
    };
    // A trivial read before the window exists: whether to start with only the tray.
    let start_hidden = global.minimised
        || (!global.demo
            && crate::core::store::settings::Settings::load(&paths.settings_file())
                .is_ok_and(|settings| settings.start_minimised));
    let http_timeout = http_timeout(global)?;
    let browser = global.browser.clone();
    let factory = if global.demo {
        crate::gui::demo_factory(move |demo| {
            demo.http_timeout = http_timeout;
            demo.browser_override = browser;
        })
    } else {
        let selection = vault::selection_for_window(global, &paths)?;
        let relay = crate::core::store::vault_prompt::PassphraseRelay::new();
        let mut options = EngineOptions::new(paths, selection.open(relay.source()));
        options.vault_selection = Some(selection);
        options.passphrase_relay = relay;
        options.http_timeout = http_timeout;
        options.browser_override = browser;
        crate::gui::engine_factory(options)
    };
    let desktop = crate::gui::resident::DesktopOptions {
        primary,
        request,
        start_hidden,
    };
    crate::gui::run(window, factory, desktop).map_err(|message| {
        CliError::new(ErrorKind::Internal, message).with_hint(
            "Without a desktop session, use the commands listed by `sso-launcher --help`.",
        )
    })
}

/// One resident app per config folder: the demo's (which has a folder of its own each time)
/// is keyed by its data folder when one is given.
#[cfg(feature = "gui")]
fn instance_key(global: &GlobalArgs, paths: &AppPaths) -> String {
    use crate::core::paths::folder_key;
    match (global.demo, &global.data_dir) {
        (true, Some(data_dir)) => format!("demo:{}", folder_key(data_dir)),
        (true, None) => "demo".into(),
        (false, _) => format!("config:{}", folder_key(&paths.config_dir)),
    }
}

#[cfg(not(feature = "gui"))]
fn open_window(_global: &GlobalArgs, _request: WindowRequest) -> Result<(), CliError> {
    let _ = Cli::command().print_help();
    Err(CliError::usage("no command given").with_hint(
        "This build has no window (built without the `gui` feature); use a command above.",
    ))
}

/// The config and data folders: the flags', else the platform's.
fn resolve_paths(global: &GlobalArgs) -> Result<AppPaths, CliError> {
    AppPaths::resolve(global.config_dir.clone(), global.data_dir.clone()).map_err(|message| {
        CliError::new(ErrorKind::Config, message).with_hint("Pass --config-dir and --data-dir.")
    })
}

fn open_engine(global: &GlobalArgs) -> Result<Engine, CliError> {
    let paths = resolve_paths(global)?;
    let selection = vault::selection(global, &paths)?;
    let mut options = EngineOptions::new(paths, selection.open(Box::new(vault::TerminalPrompt)));
    options.vault_selection = Some(selection);
    configure_engine(global, &mut options)?;
    Ok(Engine::open(options)?)
}

/// Applies the global flags that shape the engine (browser, HTTP timeout) and the CLI's
/// ways of telling and asking the user.
fn configure_engine(global: &GlobalArgs, options: &mut EngineOptions) -> Result<(), CliError> {
    options.browser_override = global.browser.clone();
    // Mid-flow messages (a sign-in link to open by hand) go to stderr, also with --json.
    options.notice = Arc::new(|message| eprintln!("{message}"));
    options.chooser = Some(Arc::new(chooser::CliChooser::new(global.pick.clone())));
    options.http_timeout = http_timeout(global)?;
    Ok(())
}

fn http_timeout(global: &GlobalArgs) -> Result<Option<Duration>, CliError> {
    match global.http_timeout {
        Some(seconds) if !(seconds.is_finite() && seconds > 0.0 && seconds <= 3600.0) => Err(
            CliError::usage("--http-timeout takes seconds between 0 and 3600"),
        ),
        seconds => Ok(seconds.map(Duration::from_secs_f64)),
    }
}

fn init_logging(verbosity: u8) {
    // Only this crate logs beyond warnings: dependency debug output can include raw headers.
    let filter = match verbosity {
        0 => "warn",
        1 => "warn,sso_launcher=info",
        _ => "warn,sso_launcher=debug",
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(args: &[&str]) -> (Vec<String>, Option<String>) {
        let (rest, link) = take_link(args.iter().map(Into::into).collect());
        (
            rest.into_iter()
                .map(|arg| arg.to_string_lossy().into_owned())
                .collect(),
            link,
        )
    }

    #[test]
    fn only_a_lone_top_level_argument_is_taken_as_a_link() {
        let link = "sso-launcher://launch/5f0e8a8e-4a51-4bb6-9b0e-2d43d7a1c001";
        assert_eq!(
            split(&["app", link]),
            (vec!["app".into()], Some(link.into()))
        );
        // Global flags, with their values, may come before it (as autostart entries write).
        assert_eq!(
            split(&["app", "--config-dir", "/srv/cfg", "-v", link]),
            (
                vec![
                    "app".into(),
                    "--config-dir".into(),
                    "/srv/cfg".into(),
                    "-v".into()
                ],
                Some(link.into())
            )
        );
        // Not alone, not first-class: left for clap, which gives its usage error.
        assert_eq!(split(&["app", "launch", link]).1, None);
        assert_eq!(split(&["app", link, "extra"]).1, None);
        assert_eq!(split(&["app", "lauch"]).1, None);
        // A flag's value that looks like a link is a value, not a link.
        assert_eq!(split(&["app", "--browser", "sso-launcher:x"]).1, None);
    }
}
