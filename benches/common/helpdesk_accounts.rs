//! A helpdesk's account list, shared by the benchmarks.

use sso_launcher::core::account::{Account, ProviderId};

pub const COMPANIES: [&str; 8] = [
    "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell",
];
pub const REGIONS: [&str; 5] = ["Europe", "Americas", "Asia", "Africa", "Oceania"];

/// A helpdesk's list: customers across regions and providers, tags, notes, a context user.
pub fn helpdesk_accounts(count: usize) -> Vec<Account> {
    (0..count)
        .map(|n| {
            let provider = ProviderId::all()
                .nth(n % 5)
                .expect("five providers at least");
            let mut account = Account::new(
                format!("{} {} {n}", COMPANIES[n % 8], REGIONS[n % 5]),
                provider,
            );
            account.tags = vec![format!("tier{}", n % 3), format!("team{}", n % 40)];
            account.notes = format!("Customer number {n}; escalations go to desk {}", n % 12);
            account.favourite = n % 97 == 0;
            account.stage = Some(["production", "staging", "sandbox"][n % 3].into());
            account
        })
        .collect()
}
