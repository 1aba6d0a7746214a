//! Launch latency against the sandbox, in process: cold (sign in + ssoToken) and warm
//! (cached bearer + ssoToken), and the HTTP round trips each makes. `scripts/bench` also
//! times whole CLI processes.

use std::sync::Arc;
use std::time::Duration;

use criterion::Criterion;
use sso_launcher::core::account::Account;
use sso_launcher::core::engine::{Engine, EngineOptions};
use sso_launcher::core::launch::{Delivery, LaunchTarget};
use sso_launcher::core::paths::AppPaths;
use sso_launcher::core::store::vault::MemoryVault;
use sso_launcher::sandbox::SandboxHandle;
use sso_launcher::sandbox::fixtures::demo_accounts;

struct Fixture {
    runtime: tokio::runtime::Runtime,
    sandbox: SandboxHandle,
    engine: Engine,
    account: Account,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let sandbox = runtime.block_on(SandboxHandle::start(0)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let paths = AppPaths {
        config_dir: dir.path().join("config"),
        data_dir: dir.path().join("data"),
    };
    let engine = Engine::open(EngineOptions::new(paths, Arc::new(MemoryVault::new()))).unwrap();
    let (account, secrets) = demo_accounts(sandbox.sandbox()).remove(0);
    let account = engine.add_account(account, secrets).unwrap();
    Fixture {
        runtime,
        sandbox,
        engine,
        account,
        _dir: dir,
    }
}

impl Fixture {
    fn launch(&self) {
        let outcome = self
            .runtime
            .block_on(
                self.engine
                    .launch(&self.account, LaunchTarget::PrintOnly, &|_| {}),
            )
            .unwrap();
        assert!(matches!(outcome.delivery, Delivery::ToCaller(_)));
    }

    fn cold_launch(&self) {
        self.runtime
            .block_on(self.engine.logout(&self.account))
            .unwrap();
        self.launch();
    }

    fn calls(&self) -> u64 {
        self.sandbox.sandbox().state.counts().values().sum()
    }
}

fn main() {
    let fixture = fixture();
    let mut criterion = Criterion::default()
        .sample_size(50)
        .measurement_time(Duration::from_secs(4))
        .configure_from_args();
    criterion.bench_function("launch/cold (sign in + ssoToken)", |b| {
        b.iter(|| fixture.cold_launch())
    });
    fixture.launch();
    criterion.bench_function("launch/warm (cached bearer + ssoToken)", |b| {
        b.iter(|| fixture.launch())
    });

    let before = fixture.calls();
    fixture.cold_launch();
    let cold = fixture.calls() - before;
    let before = fixture.calls();
    fixture.launch();
    let warm = fixture.calls() - before;
    println!("HTTP round trips per launch: cold {cold}, warm {warm}");
    criterion.final_summary();
}
