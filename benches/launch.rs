//! Launch latency against the sandbox, in process: AssureSign cold (sign in + ssoToken) and
//! warm (cached bearer + ssoToken) with the HTTP round trips each makes; AGS sign-on, refresh
//! (both clocks moved an hour on) and a held token; LicenseSpring's signed SSO URL (the
//! `check` probe). `scripts/bench` also times whole CLI processes.

use std::sync::Arc;
use std::time::Duration;

use criterion::Criterion;
use sso_launcher::core::account::{Account, ProviderId};
use sso_launcher::core::audit::Via;
use sso_launcher::core::clock::ManualClock;
use sso_launcher::core::engine::{Engine, EngineOptions};
use sso_launcher::core::launch::{Delivery, LaunchTarget};
use sso_launcher::core::paths::AppPaths;
use sso_launcher::core::store::vault::MemoryVault;
use sso_launcher::core::tokens::TokenSource;
use sso_launcher::sandbox::SandboxHandle;

struct Fixture {
    runtime: tokio::runtime::Runtime,
    sandbox: SandboxHandle,
    engine: Engine,
    account: Account,
    ags: Account,
    licensespring: Account,
    clock: Arc<ManualClock>,
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
    let clock = Arc::new(ManualClock::new(time::OffsetDateTime::now_utc()));
    let mut options = EngineOptions::new(paths, Arc::new(MemoryVault::new()));
    options.clock = clock.clone();
    let engine = Engine::open(options).unwrap();
    let mut saved = Vec::new();
    for (account, secrets) in sandbox.sandbox().demo_accounts() {
        saved.push(engine.add_account(account, secrets).unwrap());
    }
    let find = |kind: ProviderId| {
        saved
            .iter()
            .find(|account| account.provider == kind)
            .unwrap()
            .clone()
    };
    Fixture {
        account: find(sso_launcher::core::provider::assuresign::ID),
        ags: find(sso_launcher::core::provider::ags::ID),
        licensespring: find(sso_launcher::core::provider::licensespring::ID),
        runtime,
        sandbox,
        engine,
        clock,
        _dir: dir,
    }
}

impl Fixture {
    fn launch(&self) {
        let outcome = self
            .runtime
            .block_on(self.engine.launch(
                &self.account,
                LaunchTarget::PrintOnly,
                Via::Cli,
                None,
                &|_| {},
            ))
            .unwrap();
        assert!(matches!(outcome.delivery, Delivery::ToCaller(_)));
    }

    fn cold_launch(&self) {
        self.runtime
            .block_on(self.engine.logout(&self.account))
            .unwrap();
        self.launch();
    }

    fn ags_token(&self) -> TokenSource {
        self.runtime
            .block_on(self.engine.token(&self.ags))
            .unwrap()
            .source
    }

    /// Moves the engine's and the sandbox's clocks on together.
    fn advance(&self, by: Duration) {
        self.clock.advance(by);
        self.sandbox.sandbox().state.advance_clock(by);
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

    criterion.bench_function("ags/sign-on (session token)", |b| {
        b.iter(|| {
            fixture
                .runtime
                .block_on(fixture.engine.logout(&fixture.ags))
                .unwrap();
            assert_eq!(fixture.ags_token(), TokenSource::Fresh);
        })
    });
    criterion.bench_function("ags/refresh (an hour later)", |b| {
        b.iter(|| {
            fixture.advance(Duration::from_secs(3600));
            assert_eq!(fixture.ags_token(), TokenSource::Fresh);
        })
    });
    criterion.bench_function("ags/held token", |b| {
        b.iter(|| assert_eq!(fixture.ags_token(), TokenSource::Memory))
    });
    criterion.bench_function("licensespring/signed sso_url + redirect check", |b| {
        b.iter(|| {
            let report = fixture
                .runtime
                .block_on(fixture.engine.check(&fixture.licensespring))
                .unwrap();
            assert!(report.round_trip.is_some());
        })
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
