//! Choosing between several matching accounts on the command line: `--pick`, else a prompt
//! on a terminal, else nothing (the sign-in then ends with the list of choices).

use std::io::{BufRead, IsTerminal, Write};

use crate::core::account::Account;
use crate::core::provider::{AccountChooser, BoxFuture};

pub struct CliChooser {
    pick: Option<String>,
}

impl CliChooser {
    pub fn new(pick: Option<String>) -> Self {
        Self { pick }
    }
}

impl AccountChooser for CliChooser {
    fn choose<'a>(
        &'a self,
        account: &'a Account,
        choices: &'a [String],
    ) -> BoxFuture<'a, Option<usize>> {
        Box::pin(async move {
            if let Some(pick) = &self.pick {
                return match_pick(pick, choices);
            }
            if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
                return None;
            }
            let name = account.name.clone();
            let choices = choices.to_vec();
            tokio::task::spawn_blocking(move || prompt(&name, &choices))
                .await
                .ok()
                .flatten()
        })
    }

    fn explicit(&self) -> bool {
        self.pick.is_some()
    }
}

fn prompt(account: &str, choices: &[String]) -> Option<usize> {
    let mut stderr = std::io::stderr();
    let _ = writeln!(stderr, "Several accounts match the sign-in to '{account}':");
    for (index, label) in choices.iter().enumerate() {
        let _ = writeln!(stderr, "  {}. {label}", index + 1);
    }
    let _ = write!(stderr, "Which one (1-{})? ", choices.len());
    let _ = stderr.flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).ok()?;
    match_pick(line.trim(), choices)
}

/// A number from 1, the exact label, or a part of exactly one label (case-insensitive).
pub fn match_pick(pick: &str, choices: &[String]) -> Option<usize> {
    let pick = pick.trim();
    if let Ok(number) = pick.parse::<usize>() {
        return (1..=choices.len()).contains(&number).then(|| number - 1);
    }
    let lower = pick.to_lowercase();
    if let Some(index) = choices
        .iter()
        .position(|label| label.to_lowercase() == lower)
    {
        return Some(index);
    }
    let partial: Vec<usize> = choices
        .iter()
        .enumerate()
        .filter(|(_, label)| label.to_lowercase().contains(&lower))
        .map(|(index, _)| index)
        .collect();
    match partial[..] {
        [index] if !lower.is_empty() => Some(index),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_by_number_name_or_unique_part() {
        let choices = vec!["Home (1663)".to_string(), "Office (1664)".to_string()];
        assert_eq!(match_pick("2", &choices), Some(1));
        assert_eq!(match_pick("3", &choices), None);
        assert_eq!(match_pick("home (1663)", &choices), Some(0));
        assert_eq!(match_pick("offi", &choices), Some(1));
        assert_eq!(match_pick("(166", &choices), None, "ambiguous");
        assert_eq!(match_pick("", &choices), None);
    }
}
