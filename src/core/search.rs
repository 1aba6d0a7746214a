//! Which accounts a list shows, in which order: favourites first then the user's order
//! without a query; ranked by how well they match with one. The window, quick launch, the
//! tray and `accounts list --search` share it.
//!
//! Matching is `frizbee`'s typo-tolerant Smith-Waterman over haystacks prepared once per
//! change of the list ([`SearchIndex`]), one column per kind of field, never text lowered per
//! keystroke.

use std::cmp::Reverse;
use std::collections::HashMap;

use frizbee::{Config, Matcher, Matching};
use time::OffsetDateTime;

use crate::core::account::{Account, AccountId};
use crate::core::provider::form::setting_fields;
use crate::core::store::settings::AccountOrder;

/// How a column of the index is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Letters in order, with a typo allowed in longer terms: names, tags, providers.
    Fuzzy,
    /// A term at the start of a word: stages ("prod" finds production), providers.
    WordStart,
    /// The term as it is, anywhere: notes and customer codes, where scattered letters would
    /// match any prose and codes share letters.
    Substring,
}

/// One kind of field, with one haystack per account.
#[derive(Debug)]
struct Column {
    mode: Mode,
    /// How much a match here counts against one elsewhere.
    weight: u32,
    texts: Vec<String>,
    /// For a column of few values (providers, stages): each distinct value once, lowered
    /// and split into words, and which one each account has.
    values: Vec<Vec<String>>,
    value_of: Vec<u32>,
}

/// The accounts' searchable text, prepared once per change of the list.
#[derive(Debug, Default)]
pub struct SearchIndex {
    columns: Vec<Column>,
    len: usize,
    /// Each account's place in name order (ties by id): what breaks ties between equal
    /// scores, without comparing names per keystroke.
    name_rank: Vec<u32>,
}

impl SearchIndex {
    pub fn new(accounts: &[Account]) -> Self {
        let column = |mode, weight, text: &dyn Fn(&Account) -> String| {
            let texts: Vec<String> = accounts.iter().map(text).collect();
            let (values, value_of) = if mode == Mode::WordStart {
                distinct_words(&texts)
            } else {
                (Vec::new(), Vec::new())
            };
            Column {
                mode,
                weight,
                texts,
                values,
                value_of,
            }
        };
        let columns = vec![
            column(Mode::Fuzzy, 4, &|account| account.name.clone()),
            column(Mode::Fuzzy, 3, &|account| account.tags.join(" ")),
            column(Mode::WordStart, 3, &|account| {
                account.stage().unwrap_or_default().to_string()
            }),
            // By word: letters scattered through a provider's long name would match anything.
            column(Mode::WordStart, 2, &|account| {
                format!(
                    "{} {}",
                    account.provider.display_name(),
                    account.provider.id()
                )
            }),
            column(Mode::Substring, 1, &|account| account.notes.clone()),
            // The settings the provider marks as naming the customer (a customer code, a
            // tenant, a context user); a base URL is not among them.
            column(Mode::Substring, 2, &|account| {
                setting_fields(account.provider)
                    .filter(|field| field.identifies)
                    .filter_map(|field| account.setting(field.key))
                    .collect::<Vec<_>>()
                    .join(" ")
            }),
        ];
        let mut by_name: Vec<usize> = (0..accounts.len()).collect();
        by_name.sort_by_cached_key(|index| {
            let account = &accounts[*index];
            (account.name.to_lowercase(), account.id.to_string())
        });
        let mut name_rank = vec![0u32; accounts.len()];
        for (rank, index) in by_name.into_iter().enumerate() {
            name_rank[index] = rank as u32;
        }
        Self {
            columns,
            len: accounts.len(),
            name_rank,
        }
    }

    /// Each account's score for the whole query (every term must match), by index.
    fn scores(&self, terms: &[String]) -> Vec<Option<u32>> {
        let mut total: Vec<Option<u32>> = vec![Some(0); self.len];
        for term in terms {
            let mut best = vec![0u32; self.len];
            for column in &self.columns {
                for (index, score) in column_matches(column, term) {
                    best[index] = best[index].max(score * column.weight);
                }
            }
            for (total, best) in total.iter_mut().zip(best) {
                *total = match (*total, best) {
                    (Some(sum), score) if score > 0 => Some(sum + score),
                    _ => None,
                };
            }
        }
        total
    }
}

/// The accounts of `column` that `term` matches, with frizbee's score (higher is better).
fn column_matches(column: &Column, term: &str) -> Vec<(usize, u32)> {
    match column.mode {
        Mode::Fuzzy => {
            // One typo in a term of five letters or more ("acem" is not enough to guess from).
            let typos = if term.chars().count() >= 5 { 1 } else { 0 };
            let config = Config {
                max_typos: Some(typos),
                ..Config::default()
            };
            Matcher::new(term, &config)
                .match_list(&column.texts)
                .into_iter()
                .map(|found| (found.index as usize, u32::from(found.score) + 1))
                .collect()
        }
        Mode::Substring => {
            let config = Config::default().matching(Matching::Substring);
            Matcher::new(term, &config)
                .match_list(&column.texts)
                .into_iter()
                .map(|found| (found.index as usize, u32::from(found.score) + 1))
                .collect()
        }
        Mode::WordStart => {
            // Each distinct value is looked at once; its accounts follow.
            let hits: Vec<bool> = column
                .values
                .iter()
                .map(|words| words.iter().any(|word| word.starts_with(term)))
                .collect();
            // Worth as much as a whole word found by the fuzzy columns.
            let score = 16 * term.len() as u32;
            column
                .value_of
                .iter()
                .enumerate()
                .filter(|(_, value)| hits[**value as usize])
                .map(|(index, _)| (index, score))
                .collect()
        }
    }
}

/// The distinct values of a column, each lowered and split into words, and which one each
/// text is.
fn distinct_words(texts: &[String]) -> (Vec<Vec<String>>, Vec<u32>) {
    let mut seen: HashMap<&str, u32> = HashMap::new();
    let mut values = Vec::new();
    let value_of = texts
        .iter()
        .map(|text| {
            *seen.entry(text.as_str()).or_insert_with(|| {
                values.push(
                    text.to_lowercase()
                        .split(|c: char| !c.is_alphanumeric())
                        .filter(|word| !word.is_empty())
                        .map(str::to_string)
                        .collect(),
                );
                (values.len() - 1) as u32
            })
        })
        .collect();
    (values, value_of)
}

/// Which letters of `text` (by char position) the query's terms match, for highlighting a
/// name in a list.
pub fn highlights(text: &str, query: &str) -> Vec<usize> {
    let mut found = std::collections::BTreeSet::new();
    let starts: Vec<usize> = text.char_indices().map(|(byte, _)| byte).collect();
    for term in query_terms(query) {
        let typos = if term.chars().count() >= 5 { 1 } else { 0 };
        let config = Config {
            max_typos: Some(typos),
            ..Config::default()
        };
        if let Some(matched) = Matcher::new(&term, &config).match_one_indices(text, 0) {
            found.extend(
                matched
                    .indices
                    .iter()
                    .filter_map(|byte| starts.binary_search(&(*byte as usize)).ok()),
            );
        }
    }
    found.into_iter().collect()
}

/// The query split into terms.
pub fn query_terms(query: &str) -> Vec<String> {
    query.split_whitespace().map(str::to_lowercase).collect()
}

/// Indices into `accounts`, in display order, with an index made for this call (a one-off
/// search, as the CLI's). Ties always fall back to name then id, so the same inputs give the
/// same order.
pub fn arrange(
    accounts: &[Account],
    query: &str,
    order: AccountOrder,
    last_launched: &HashMap<AccountId, OffsetDateTime>,
) -> Vec<usize> {
    let index = if query_terms(query).is_empty() {
        SearchIndex::default()
    } else {
        SearchIndex::new(accounts)
    };
    arrange_indexed(&index, accounts, query, order, last_launched)
}

/// As [`arrange`], with `index` made from `accounts` beforehand (the window keeps one per
/// change of the list).
pub fn arrange_indexed(
    index: &SearchIndex,
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
    assert_eq!(index.len, accounts.len(), "the index is of these accounts");
    let mut scored: Vec<(u32, usize)> = index
        .scores(&terms)
        .into_iter()
        .enumerate()
        .filter_map(|(position, score)| Some((score?, position)))
        .collect();
    // Ties go by name, as ranked when the index was made.
    scored.sort_unstable_by_key(|(score, position)| (Reverse(*score), index.name_rank[*position]));
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

    /// A letter left out or two swapped still finds the account (terms of five letters or
    /// more), and the letters matched in the name are named for highlighting.
    #[test]
    fn a_typo_still_finds_and_the_matched_letters_are_named() {
        let accounts = vec![
            account("Acme Europe", crate::core::provider::sovos::ID, &[], ""),
            account("Globex Asia", crate::core::provider::ags::ID, &[], ""),
        ];
        assert_eq!(found(&accounts, "acme eurpoe"), ["Acme Europe"]);
        assert_eq!(found(&accounts, "globx"), ["Globex Asia"]);
        assert!(found(&accounts, "zzzzz").is_empty());
        let lit = highlights("Acme Europe", "acme eu");
        for position in [0, 1, 2, 3, 6] {
            assert!(lit.contains(&position), "{lit:?}");
        }
        assert!(highlights("Acme Europe", "").is_empty());
        assert_eq!(
            highlights("Zoë Ltd", "ltd"),
            [4, 5, 6],
            "by letter, not byte"
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
