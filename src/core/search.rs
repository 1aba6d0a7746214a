//! Which accounts a list shows, in which order: favourites first then the user's order
//! without a query; ranked by how well they match with one. The window, quick launch, the
//! tray and `accounts list --search` share it.

use std::cmp::Reverse;
use std::collections::HashMap;

use time::OffsetDateTime;

use crate::core::account::{Account, AccountId};
use crate::core::provider::form::setting_fields;
use crate::core::store::settings::AccountOrder;

/// How well a text matches one query term (higher is better; `None`: no match).
fn term_score(text: &str, term: &str) -> Option<u32> {
    if text.is_empty() {
        return None;
    }
    let text = text.to_lowercase();
    if text == term {
        return Some(100);
    }
    if text.starts_with(term) {
        return Some(80);
    }
    if text
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| word.starts_with(term))
    {
        return Some(60);
    }
    if text.contains(term) {
        return Some(40);
    }
    // Letters in order (e.g. "acp" for "Acme Production"), worth less than a substring.
    let mut letters = text.chars();
    term.chars()
        .all(|wanted| letters.any(|letter| letter == wanted))
        .then_some(10)
}

/// The best match of a term anywhere in the account; fields that say more weigh more.
fn account_score(account: &Account, term: &str) -> Option<u32> {
    let name = term_score(&account.name, term).map(|score| score * 4);
    let tags = account
        .tags
        .iter()
        .filter_map(|tag| term_score(tag, term))
        .max()
        .map(|score| score * 3);
    let provider = term_score(account.provider.display_name(), term)
        .or_else(|| term_score(account.provider.id(), term))
        .map(|score| score * 2);
    // Only whole substrings count in notes: letters scattered through prose match anything.
    let notes = term_score(&account.notes, term).filter(|score| *score >= 40);
    // The settings the provider marks as naming the customer (a customer code, a tenant, a
    // context user): whole substrings too, since codes share letters.
    let customer = setting_fields(account.provider)
        .filter(|field| field.identifies)
        .filter_map(|field| account.setting(field.key))
        .filter_map(|value| term_score(value, term))
        .filter(|score| *score >= 40)
        .max()
        .map(|score| score * 2);
    // The stage as a word ("prod" finds production), not letters scattered through it.
    let stage = account
        .stage()
        .and_then(|stage| term_score(stage, term))
        .filter(|score| *score >= 60)
        .map(|score| score * 3);
    [name, tags, provider, notes, customer, stage]
        .into_iter()
        .flatten()
        .max()
}

/// Scores an account against every term of the query (all must match).
pub fn match_score(account: &Account, terms: &[String]) -> Option<u32> {
    terms
        .iter()
        .map(|term| account_score(account, term))
        .sum::<Option<u32>>()
}

/// The query split into lower-case terms.
pub fn query_terms(query: &str) -> Vec<String> {
    query.split_whitespace().map(str::to_lowercase).collect()
}

/// Indices into `accounts`, in display order. Ties always fall back to name then id, so the
/// same inputs give the same order.
pub fn arrange(
    accounts: &[Account],
    query: &str,
    order: AccountOrder,
    last_launched: &HashMap<AccountId, OffsetDateTime>,
) -> Vec<usize> {
    let terms = query_terms(query);
    let tie_break = |index: &usize| {
        let account = &accounts[*index];
        (account.name.to_lowercase(), account.id.to_string())
    };
    if terms.is_empty() {
        let mut indices: Vec<usize> = (0..accounts.len()).collect();
        indices.sort_by_cached_key(|index| {
            let account = &accounts[*index];
            let recency = match order {
                AccountOrder::Recent => Reverse(last_launched.get(&account.id).copied()),
                AccountOrder::Alphabetical => Reverse(None),
            };
            (!account.favourite, recency, tie_break(index))
        });
        return indices;
    }
    let mut scored: Vec<(u32, usize)> = accounts
        .iter()
        .enumerate()
        .filter_map(|(index, account)| Some((match_score(account, &terms)?, index)))
        .collect();
    scored.sort_by_cached_key(|(score, index)| (Reverse(*score), tie_break(index)));
    scored.into_iter().map(|(_, index)| index).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::account::ProviderId;

    fn account(name: &str, provider: ProviderId, tags: &[&str], notes: &str) -> Account {
        let mut account = Account::new(name, provider);
        account.tags = tags.iter().map(|tag| tag.to_string()).collect();
        account.notes = notes.into();
        account
    }

    fn names(accounts: &[Account], order: &[usize]) -> Vec<String> {
        order.iter().map(|i| accounts[*i].name.clone()).collect()
    }

    /// The names a query finds, best first, in alphabetical order otherwise.
    fn found(accounts: &[Account], query: &str) -> Vec<String> {
        names(
            accounts,
            &arrange(accounts, query, AccountOrder::Alphabetical, &HashMap::new()),
        )
    }

    /// The settings each provider marks as naming the customer are searched; others (a
    /// base URL) are not.
    #[test]
    fn the_customer_named_in_a_providers_settings_is_found() {
        let mut licensed = account(
            "Umbrella",
            crate::core::provider::licensespring::ID,
            &[],
            "",
        );
        licensed
            .settings
            .insert("customer_account_code".into(), "ACME-EU-1".into());
        licensed
            .settings
            .insert("api_base_url".into(), "https://eu.example.com".into());
        let mut context = account("Globex", crate::core::provider::assuresign::ID, &[], "");
        context
            .settings
            .insert("context_username".into(), "billing@initech.example".into());
        let accounts = vec![licensed, context];
        let find = |query: &str| found(&accounts, query);
        assert_eq!(find("acme-eu"), ["Umbrella"]);
        assert_eq!(find("initech"), ["Globex"]);
        assert!(find("example.com").is_empty(), "a base URL is not searched");
    }

    /// "acme prod" finds the production account of Acme, not its staging one.
    #[test]
    fn the_stage_is_searched_as_a_word() {
        let mut live = account("Acme", crate::core::provider::assuresign::ID, &[], "");
        live.stage = Some("production".into());
        let mut test = account("Acme test", crate::core::provider::assuresign::ID, &[], "");
        test.stage = Some("staging".into());
        let accounts = vec![live, test];
        let find = |query: &str| found(&accounts, query);
        assert_eq!(find("acme prod"), ["Acme"]);
        assert_eq!(find("staging"), ["Acme test"]);
        assert!(
            find("ptn").is_empty(),
            "scattered letters of a stage do not count"
        );
    }

    #[test]
    fn favourites_first_then_alphabetical_or_recent() {
        let mut accounts = vec![
            account("charlie", crate::core::provider::ags::ID, &[], ""),
            account("Alpha", crate::core::provider::sovos::ID, &[], ""),
            account("bravo", crate::core::provider::signnow::ID, &[], ""),
        ];
        accounts[0].favourite = true;
        let none = HashMap::new();
        let order = arrange(&accounts, "", AccountOrder::Alphabetical, &none);
        assert_eq!(names(&accounts, &order), ["charlie", "Alpha", "bravo"]);
        let recent = HashMap::from([(accounts[2].id, OffsetDateTime::now_utc())]);
        let order = arrange(&accounts, "", AccountOrder::Recent, &recent);
        assert_eq!(names(&accounts, &order), ["charlie", "bravo", "Alpha"]);
    }

    #[test]
    fn a_query_ranks_by_match_quality_across_fields() {
        let accounts = vec![
            account(
                "Globex billing",
                crate::core::provider::assuresign::ID,
                &["acme"],
                "",
            ),
            account("Acme", crate::core::provider::signnow::ID, &[], ""),
            account("Acme Europe", crate::core::provider::sovos::ID, &[], ""),
            account(
                "Initech",
                crate::core::provider::ags::ID,
                &[],
                "Acme's sister company",
            ),
            account(
                "Umbrella",
                crate::core::provider::licensespring::ID,
                &[],
                "",
            ),
        ];
        let order = arrange(
            &accounts,
            "acme",
            AccountOrder::Alphabetical,
            &HashMap::new(),
        );
        assert_eq!(
            names(&accounts, &order),
            ["Acme", "Acme Europe", "Globex billing", "Initech"]
        );
        let order = arrange(
            &accounts,
            "sovos eur",
            AccountOrder::Alphabetical,
            &HashMap::new(),
        );
        assert_eq!(names(&accounts, &order), ["Acme Europe"]);
        let order = arrange(
            &accounts,
            "signnow",
            AccountOrder::Alphabetical,
            &HashMap::new(),
        );
        assert_eq!(names(&accounts, &order), ["Acme"]);
        assert!(
            arrange(
                &accounts,
                "zzz",
                AccountOrder::Alphabetical,
                &HashMap::new()
            )
            .is_empty()
        );
    }

    #[test]
    fn letters_in_order_match_names_but_not_notes() {
        let accounts = vec![
            account("Acme Production", crate::core::provider::ags::ID, &[], ""),
            account(
                "Other",
                crate::core::provider::ags::ID,
                &[],
                "a c p scattered",
            ),
        ];
        let order = arrange(
            &accounts,
            "acp",
            AccountOrder::Alphabetical,
            &HashMap::new(),
        );
        assert_eq!(names(&accounts, &order), ["Acme Production"]);
    }
}
