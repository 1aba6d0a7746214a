//! `--demo`: any command against an in-process sandbox with ready demo accounts, in a
//! temporary folder and the memory vault, so it needs no credentials and leaves nothing behind.

use std::time::Duration;

use super::Done;
use super::args::GlobalArgs;
use super::output::Output;
use super::report::CliError;
use crate::core::engine::Engine;
use crate::core::error::ErrorKind;
use crate::sandbox::SandboxHandle;
use crate::sandbox::demo::{DemoError, start_demo};

/// How long a demo keeps its sandbox up for the browser to load the page.
const LINGER: Duration = Duration::from_secs(60);

pub struct DemoEnvironment {
    pub engine: Engine,
    sandbox: SandboxHandle,
    pages_seen: u64,
    _dir: tempfile::TempDir,
}

impl DemoEnvironment {
    pub async fn start(global: &GlobalArgs) -> Result<Self, CliError> {
        // A bad flag is a usage error before anything starts.
        super::http_timeout(global)?;
        let mut configured = Ok(());
        let demo = start_demo(|options| configured = super::configure_engine(global, options))
            .await
            .map_err(|err| match err {
                DemoError::Engine(err) => CliError::from(err),
                other => CliError::new(ErrorKind::Internal, other.to_string()),
            })?;
        configured?;
        let pages_seen = demo.sandbox.signed_in_pages();
        Ok(Self {
            engine: demo.engine,
            sandbox: demo.sandbox,
            pages_seen,
            _dir: demo.dir,
        })
    }

    /// Keeps the sandbox serving after a launch: until the browser has loaded the signed-in
    /// page (or a minute has passed), and after a printed link, until it is used or expires,
    /// so a script can read the link and open it while the command runs.
    pub async fn linger_after(&self, result: &Result<Done, CliError>, out: &Output) {
        let (wait, before, after_timeout) = match result {
            Ok(Done::OpenedBrowser) => (
                LINGER,
                format!(
                    "Keeping the demo sandbox up until the browser loads the page (at most {} s)...",
                    LINGER.as_secs()
                ),
                "No browser loaded the page in time; stopping the demo sandbox.",
            ),
            Ok(Done::PrintedLink(lifetime)) => {
                let wait = lifetime.map_or(LINGER, |lifetime| lifetime + Duration::from_secs(1));
                (
                    wait,
                    format!(
                        "The demo sandbox keeps serving until the link is used or {} s have passed; Ctrl+C ends it now.",
                        wait.as_secs()
                    ),
                    "The link was not used in time; stopping the demo sandbox.",
                )
            }
            _ => return,
        };
        out.status(before);
        tokio::select! {
            used = self.sandbox.wait_for_signed_in_page(self.pages_seen, wait) => {
                out.status(if used {
                    "The browser loaded the signed-in page; stopping the demo sandbox."
                } else {
                    after_timeout
                });
            }
            _ = tokio::signal::ctrl_c() => out.status("Interrupted; stopping the demo sandbox."),
        }
    }
}

/// `sso-launcher sandbox`: serves until interrupted, after printing its base URLs as JSON.
pub async fn serve_sandbox(port: u16, out: &Output) -> Result<(), CliError> {
    let handle = SandboxHandle::start(port).await.map_err(|err| {
        CliError::new(
            ErrorKind::Config,
            format!("could not listen on 127.0.0.1:{port}: {err}"),
        )
        .with_hint("Pick another --port, or 0 for any free port.")
    })?;
    let mut urls = handle.sandbox().urls_json();
    urls["demo_credentials"] = handle.sandbox().demo_credentials();
    println!("{urls}");
    out.status("The sandbox is serving on 127.0.0.1; press Ctrl-C to stop it.");
    wait_for_shutdown().await;
    Ok(())
}

async fn wait_for_shutdown() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
