//! The AGS refresh schedule under a controlled clock (the engine's and the sandbox's advance
//! together; nothing sleeps): refresh before `expires_in` ends, sign on again once the refresh
//! window or the fixed cap has passed.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use sso_launcher::core::account::Account;
use sso_launcher::core::clock::ManualClock;
use sso_launcher::core::engine::{Engine, EngineOptions};
use sso_launcher::core::paths::AppPaths;
use sso_launcher::core::secret::SecretString;
use sso_launcher::core::store::vault::MemoryVault;
use sso_launcher::core::tokens::TokenSource;
use sso_launcher::sandbox::ags::{
    ACCESS_LIFETIME, FIXED_CAP, REFRESH, REFRESH_WINDOW, SIGN_ON_SESSION,
};
use sso_launcher::sandbox::fixtures::ags as fx;

use crate::support::*;

struct Schedule {
    env: TestEnv,
    clock: Arc<ManualClock>,
    engine: Engine,
    account: Account,
}

impl Schedule {
    fn new() -> Self {
        let env = TestEnv::new();
        let clock = Arc::new(ManualClock::new(time::OffsetDateTime::now_utc()));
        let paths = AppPaths {
            config_dir: env.config_dir(),
            data_dir: env.data_dir(),
        };
        let mut options = EngineOptions::new(paths, Arc::new(MemoryVault::new()));
        options.clock = clock.clone();
        let engine = Engine::open(options).unwrap();
        let mut account = Account::new("Gateway", sso_launcher::core::provider::ags::ID);
        for (key, value) in [
            ("base_url", env.sandbox.sandbox().ags_origin()),
            ("tenant_id", fx::TENANT),
            ("auth_service_id", fx::SERVICE_ID),
        ] {
            account.settings.insert(key.into(), value.into());
        }
        let secret = (
            "session_token".to_string(),
            SecretString::new(fx::SESSION_TOKEN),
        );
        let account = engine.add_account(account, vec![secret]).unwrap();
        Self {
            env,
            clock,
            engine,
            account,
        }
    }

    /// Moves both clocks on.
    fn advance(&self, by: Duration) {
        self.clock.advance(by);
        self.env.control(
            "POST",
            "clock",
            Some(json!({"advance_seconds": by.as_secs_f64()})),
        );
    }

    fn token(&self) -> TokenSource {
        self.env
            .runtime
            .block_on(self.engine.token(&self.account))
            .unwrap()
            .source
    }

    fn calls(&self) -> (u64, u64) {
        (self.env.count(SIGN_ON_SESSION), self.env.count(REFRESH))
    }
}

#[test]
fn refreshes_shortly_before_expiry_and_not_before() {
    let schedule = Schedule::new();
    assert_eq!(schedule.token(), TokenSource::Fresh);
    schedule.advance(ACCESS_LIFETIME - Duration::from_secs(120));
    assert_eq!(
        schedule.token(),
        TokenSource::Memory,
        "still fresh two minutes before expiry"
    );
    assert_eq!(schedule.calls(), (1, 0));
    schedule.advance(Duration::from_secs(90));
    assert_eq!(
        schedule.token(),
        TokenSource::Fresh,
        "within the last minute: renewed"
    );
    assert_eq!(schedule.calls(), (1, 1), "by refresh, not a new sign-on");
    // The rotated refresh token works for the next round too.
    schedule.advance(ACCESS_LIFETIME);
    assert_eq!(schedule.token(), TokenSource::Fresh);
    assert_eq!(schedule.calls(), (1, 2));
}

#[test]
fn signs_on_again_once_the_refresh_window_has_passed() {
    let schedule = Schedule::new();
    schedule.token();
    schedule.advance(REFRESH_WINDOW - Duration::from_secs(60));
    schedule.token();
    assert_eq!(schedule.calls(), (1, 1), "inside the window: refreshed");
    schedule.advance(REFRESH_WINDOW + Duration::from_secs(1));
    schedule.token();
    assert_eq!(
        schedule.calls(),
        (2, 1),
        "past the window: signed on again without trying"
    );
}

#[test]
fn signs_on_again_at_the_fixed_cap_however_often_it_refreshed() {
    let schedule = Schedule::new();
    schedule.token();
    let step = REFRESH_WINDOW - Duration::from_secs(3600);
    let mut elapsed = Duration::ZERO;
    while elapsed + step < FIXED_CAP {
        schedule.advance(step);
        elapsed += step;
        schedule.token();
    }
    let refreshes = schedule.calls().1;
    assert_eq!(schedule.calls(), (1, refreshes));
    assert!(refreshes >= 15, "{refreshes}");
    schedule.advance(step);
    schedule.token();
    assert_eq!(
        schedule.calls(),
        (2, refreshes),
        "past the cap: a new sign-on, no refresh"
    );
}

#[test]
fn a_refused_refresh_falls_back_to_a_new_sign_on() {
    let schedule = Schedule::new();
    schedule.token();
    schedule.advance(ACCESS_LIFETIME);
    schedule.env.fault(REFRESH, "status_500", 1, 0);
    let err = schedule
        .env
        .runtime
        .block_on(schedule.engine.token(&schedule.account))
        .unwrap_err();
    assert!(err.to_string().contains("failed on its side"), "{err}");
    assert_eq!(schedule.token(), TokenSource::Fresh);
    assert_eq!(schedule.calls(), (1, 2), "the refresh token still worked");
    // A 401 (the refresh token no longer honoured) signs on again at once.
    schedule.advance(ACCESS_LIFETIME);
    schedule.env.fault(REFRESH, "expired_bearer", 1, 0);
    assert_eq!(schedule.token(), TokenSource::Fresh);
    assert_eq!(schedule.calls(), (2, 3));
}
