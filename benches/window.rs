//! The window with 10,000 accounts: one frame's logic and drawing (idle, and while typing a
//! search), and the search itself. `scripts/bench-window` measures start-up, idle CPU and
//! memory of the real window beside a bare eframe window.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::Criterion;
use sso_launcher::core::engine::EngineOptions;
use sso_launcher::core::paths::AppPaths;
use sso_launcher::core::search;
use sso_launcher::core::store::accounts::AccountStore;
use sso_launcher::core::store::settings::AccountOrder;
use sso_launcher::core::store::vault::MemoryVault;
use sso_launcher::gui::app::SsoApp;
use sso_launcher::gui::engine_factory;

const ACCOUNTS: usize = 10_000;
#[path = "common/helpdesk_accounts.rs"]
mod accounts;

fn frame(ctx: &egui::Context, app: &mut SsoApp) {
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1100.0, 720.0),
        )),
        ..Default::default()
    };
    let mut output = ctx.run_ui(input, |ui| {
        app.update_state(ui.ctx());
        app.draw(ui);
    });
    output.textures_delta.clear();
}

fn window_benches(c: &mut Criterion) {
    let accounts = accounts::helpdesk_accounts(ACCOUNTS);
    let none = HashMap::new();
    // As the window filters: over the search prepared once per change of the list.
    let index = search::SearchIndex::new(&accounts);
    c.bench_function("filter 10k accounts (\"acme eu\")", |b| {
        b.iter(|| {
            search::arrange_indexed(
                &index,
                &accounts,
                "acme eu",
                AccountOrder::Alphabetical,
                &none,
            )
        })
    });
    c.bench_function("order 10k accounts (no query)", |b| {
        b.iter(|| search::arrange(&accounts, "", AccountOrder::Alphabetical, &none))
    });

    for count in [10, ACCOUNTS] {
        frames(c, count);
    }
}

/// One frame of the window over `count` accounts: idle, and while a search is typed.
fn frames(c: &mut Criterion, count: usize) {
    let dir = tempfile::tempdir().unwrap();
    let paths = AppPaths {
        config_dir: dir.path().join("config"),
        data_dir: dir.path().join("data"),
    };
    AccountStore::new(paths.accounts_file())
        .update(|stored| {
            stored.extend(accounts::helpdesk_accounts(count));
            Ok::<_, sso_launcher::core::store::StoreError>(())
        })
        .unwrap();
    let ctx = egui::Context::default();
    let mut app = SsoApp::new(
        &ctx,
        engine_factory(EngineOptions::new(paths, Arc::new(MemoryVault::new()))),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while app.state.tokens.len() < count {
        assert!(Instant::now() < deadline, "the accounts did not load");
        frame(&ctx, &mut app);
        std::thread::sleep(Duration::from_millis(5));
    }
    frame(&ctx, &mut app);
    c.bench_function(&format!("frame, {count} accounts, idle"), |b| {
        b.iter(|| frame(&ctx, &mut app))
    });
    let queries = ["acme", "acme e", "acme eu", "acme eur"];
    let mut next = 0;
    c.bench_function(&format!("frame, {count} accounts, typing a search"), |b| {
        b.iter(|| {
            next = (next + 1) % queries.len();
            app.state.list.query = queries[next].to_string();
            frame(&ctx, &mut app);
        })
    });
}

fn main() {
    let mut criterion = Criterion::default()
        .configure_from_args()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    window_benches(&mut criterion);
    criterion.final_summary();
}
