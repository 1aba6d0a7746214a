//! A ready demo: the sandbox, an engine over a temporary folder and the memory vault, and
//! one demo account of each provider. Used by `--demo` in the CLI and the window.

use std::sync::Arc;

use crate::core::engine::{Engine, EngineError, EngineOptions};
use crate::core::paths::AppPaths;
use crate::core::store::vault::MemoryVault;
use crate::sandbox::SandboxHandle;

pub struct Demo {
    pub engine: Engine,
    pub sandbox: SandboxHandle,
    /// Holds the accounts and the audit log; removed when the demo ends.
    pub dir: tempfile::TempDir,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// A local resource the demo needs could not be had.
    #[error("could not {what} for the demo: {source}")]
    Io {
        what: &'static str,
        source: std::io::Error,
    },
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// Starts the sandbox on a free port and an engine with the demo accounts; `configure`
/// adjusts the engine's options (notices, browser command ...).
pub async fn start_demo(configure: impl FnOnce(&mut EngineOptions)) -> Result<Demo, DemoError> {
    let io = |what| move |source| DemoError::Io { what, source };
    let dir = tempfile::Builder::new()
        .prefix("sso-launcher-demo-")
        .tempdir()
        .map_err(io("create a temporary folder"))?;
    let sandbox = SandboxHandle::start(0)
        .await
        .map_err(io("start the sandbox"))?;
    let paths = AppPaths {
        config_dir: dir.path().join("config"),
        data_dir: dir.path().join("data"),
    };
    let mut options = EngineOptions::new(paths, Arc::new(MemoryVault::new()));
    options.demo = true;
    configure(&mut options);
    let engine = Engine::open(options)?;
    // The demo's license page comes back to a free port, so a demo never finds it busy.
    let free_port = std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|listener| listener.local_addr())
        .map_err(io("find a free loopback port"))?
        .port();
    sandbox
        .sandbox()
        .licensespring()
        .sso
        .set_redirect_uri(format!("http://127.0.0.1:{free_port}/callback"));
    for (account, secrets) in sandbox.sandbox().demo_accounts() {
        engine.add_account(account, secrets)?;
    }
    tracing::info!(
        sandbox = sandbox.sandbox().assuresign_origin(),
        "demo sandbox running"
    );
    Ok(Demo {
        engine,
        sandbox,
        dir,
    })
}
