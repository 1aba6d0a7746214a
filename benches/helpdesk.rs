//! The helpdesk's scale, at 10 and at 10,000 accounts: loading the account file, preparing
//! the search, filtering per keystroke (the search prepared once per change of the list, as
//! the window keeps it), and reading and merging a 10,000-row onboarding CSV.
//! `scripts/bench-helpdesk` adds whole processes (`accounts list --search`, `accounts import`)
//! and the window's memory.

use std::collections::HashMap;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion};
use sso_launcher::core::search::{self, SearchIndex};
use sso_launcher::core::store::accounts::AccountStore;
use sso_launcher::core::store::settings::AccountOrder;

const SIZES: [usize; 2] = [10, 10_000];

#[path = "common/helpdesk_accounts.rs"]
mod accounts;
use accounts::{COMPANIES, REGIONS, helpdesk_accounts};

/// An onboarding CSV of `count` AssureSign rows, each acting for its own context user.
fn onboarding_csv(count: usize) -> String {
    let mut text = String::from(
        "name,provider,tags,stage,set.environment,set.api_username,set.context_username\n",
    );
    for n in 0..count {
        text.push_str(&format!(
            "{} {} {n},assuresign,team{};tier{},production,na1,api-user,user{n}@customer{n}.example\n",
            COMPANIES[n % 8],
            REGIONS[n % 5],
            n % 40,
            n % 3
        ));
    }
    text
}

fn benches(c: &mut Criterion) {
    let none = HashMap::new();
    for size in SIZES {
        let accounts = helpdesk_accounts(size);
        let dir = tempfile::tempdir().unwrap();
        let store = AccountStore::new(dir.path().join("accounts.toml"));
        store
            .update(|stored| {
                stored.extend(accounts.clone());
                Ok::<_, sso_launcher::core::store::StoreError>(())
            })
            .unwrap();
        c.bench_with_input(
            BenchmarkId::new("load accounts.toml", size),
            &store,
            |b, store| b.iter(|| store.load().unwrap()),
        );
        c.bench_with_input(
            BenchmarkId::new("prepare the search (once per change)", size),
            &accounts,
            |b, accounts| b.iter(|| SearchIndex::new(accounts)),
        );
        let index = SearchIndex::new(&accounts);
        // The keystrokes of "acme eu", each a filter of its own.
        let keystrokes = ["a", "ac", "acm", "acme", "acme ", "acme e", "acme eu"];
        let mut next = 0;
        c.bench_with_input(
            BenchmarkId::new("filter per keystroke (\"acme eu\" typed)", size),
            &accounts,
            |b, accounts| {
                b.iter(|| {
                    next = (next + 1) % keystrokes.len();
                    search::arrange_indexed(
                        &index,
                        accounts,
                        keystrokes[next],
                        AccountOrder::Alphabetical,
                        &none,
                    )
                })
            },
        );
        c.bench_with_input(
            BenchmarkId::new("filter with a typo (\"acem eurpoe\")", size),
            &accounts,
            |b, accounts| {
                b.iter(|| {
                    search::arrange_indexed(
                        &index,
                        accounts,
                        "acem eurpoe",
                        AccountOrder::Alphabetical,
                        &none,
                    )
                })
            },
        );
    }
    let csv = onboarding_csv(10_000);
    let mut group = c.benchmark_group("onboarding CSV");
    group.sample_size(10);
    group.bench_function("read and check 10,000 rows", |b| {
        b.iter(|| {
            let rows = sso_launcher::core::transfer_csv::parse_csv(&csv, &[]).unwrap();
            assert_eq!(rows.accounts.len(), 10_000);
            rows
        })
    });
    group.finish();
}

fn main() {
    let mut criterion = Criterion::default()
        .configure_from_args()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    benches(&mut criterion);
    criterion.final_summary();
}
