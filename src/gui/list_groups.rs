//! The list's order and groups: ranked by the search, then grouped by tag or by customer when
//! the operator asks, and the team list's
//! accounts always in a group of their own ("Team"). A group folds away on a click of its
//! header; the search's order holds within each group.

use std::collections::{BTreeSet, HashSet};

use crate::core::account::{Account, AccountId};
use crate::core::provider::form::setting_fields;
use crate::core::search;
use crate::gui::state::AppState;

/// How the list groups its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupBy {
    #[default]
    Nothing,
    Tag,
    Customer,
}

impl GroupBy {
    pub const ALL: [GroupBy; 3] = [GroupBy::Nothing, GroupBy::Tag, GroupBy::Customer];

    pub fn label(self) -> &'static str {
        match self {
            Self::Nothing => "No groups",
            Self::Tag => "Group by tag",
            Self::Customer => "Group by customer",
        }
    }
}

/// The team list's group.
pub const TEAM_GROUP: &str = "Team";

/// One line of the list: a group's header (its name, how many rows, folded or not) or an
/// account's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListItem {
    Header {
        group: String,
        count: usize,
        folded: bool,
    },
    Account(AccountId),
}

impl AppState {
    /// Brings the list's order up to date: at once when the query changed, else only when
    /// `pointer_on_list` is false.
    pub fn arrange_list(&mut self, pointer_on_list: bool) {
        let query_changed = self.list.arranged_query.as_deref() != Some(self.list.query.as_str());
        // Rows never move under the pointer, nor while the keyboard walks them.
        let held = pointer_on_list || self.list.walked_by_keyboard;
        if !query_changed && (!self.list.stale || held) {
            return;
        }
        self.list.walked_by_keyboard = false;
        let order = search::arrange_indexed(
            &self.search_index,
            &self.accounts,
            &self.list.query,
            self.settings.account_order,
            &self.last_launched,
        );
        self.list.shown = order
            .into_iter()
            .map(|index| self.accounts[index].id)
            .collect();
        self.list.arranged_query = Some(self.list.query.clone());
        self.list.stale = false;
        self.refresh_list_items();
        let selection_gone = self
            .list
            .selected
            .is_none_or(|id| !self.list.shown.contains(&id));
        if query_changed || selection_gone {
            // The best match is selected, so Enter launches it and the detail shows it.
            self.list.selected = self.list.shown.first().copied();
            self.list.scroll_to_selected = true;
        }
    }

    /// Moves the selection by `step` rows within the shown list.
    pub fn move_selection(&mut self, step: isize) {
        let shown: Vec<AccountId> = self.visible_accounts().collect();
        if shown.is_empty() {
            return;
        }
        let current = self
            .list
            .selected
            .and_then(|id| shown.iter().position(|shown| *shown == id));
        let next = match current {
            Some(position) => {
                (position as isize + step).clamp(0, shown.len() as isize - 1) as usize
            }
            None => 0,
        };
        self.list.selected = Some(shown[next]);
        self.list.scroll_to_selected = true;
        self.list.walked_by_keyboard = true;
    }

    /// Makes the list's lines again (after its order, the grouping or a fold changed).
    pub fn refresh_list_items(&mut self) {
        self.list.items = items(
            &self.list.shown,
            |id| self.account(id),
            &self.team_ids,
            self.list.group_by,
            &self.list.folded,
        );
    }

    /// The accounts whose rows are drawn, top to bottom (a folded group's are not).
    pub fn visible_accounts(&self) -> impl Iterator<Item = AccountId> + '_ {
        self.list.items.iter().filter_map(|item| match item {
            ListItem::Account(id) => Some(*id),
            ListItem::Header { .. } => None,
        })
    }
}

/// The lines of the list for `shown` (in the search's order): headers where groups begin,
/// rows of folded groups left out. Without groups (and no team accounts) only rows.
pub fn items<'a>(
    shown: &[AccountId],
    account: impl Fn(AccountId) -> Option<&'a Account>,
    team: &HashSet<AccountId>,
    group_by: GroupBy,
    folded: &BTreeSet<String>,
) -> Vec<ListItem> {
    let keyed: Vec<(Option<String>, AccountId)> = shown
        .iter()
        .filter_map(|id| {
            let account = account(*id)?;
            Some((group_of(account, team.contains(id), group_by), *id))
        })
        .collect();
    if keyed.iter().all(|(group, _)| group.is_none()) {
        return keyed
            .into_iter()
            .map(|(_, id)| ListItem::Account(id))
            .collect();
    }
    // Groups in order of their names, those without one first and the team's last; rows
    // keep the search's order within each.
    let mut groups: Vec<Option<String>> = Vec::new();
    for (group, _) in &keyed {
        if !groups.contains(group) {
            groups.push(group.clone());
        }
    }
    groups.sort_by_key(|group| match group.as_deref() {
        None => (0, String::new()),
        Some(TEAM_GROUP) => (3, String::new()),
        Some(name) if name.starts_with("No ") => (2, name.to_lowercase()),
        Some(name) => (1, name.to_lowercase()),
    });
    let mut lines = Vec::new();
    for group in groups {
        let rows: Vec<AccountId> = keyed
            .iter()
            .filter(|(of, _)| *of == group)
            .map(|(_, id)| *id)
            .collect();
        let Some(name) = group else {
            lines.extend(rows.into_iter().map(ListItem::Account));
            continue;
        };
        let is_folded = folded.contains(&name);
        lines.push(ListItem::Header {
            group: name,
            count: rows.len(),
            folded: is_folded,
        });
        if !is_folded {
            lines.extend(rows.into_iter().map(ListItem::Account));
        }
    }
    lines
}

/// The group an account's row goes in; `None` for none.
fn group_of(account: &Account, from_team: bool, group_by: GroupBy) -> Option<String> {
    if from_team {
        return Some(TEAM_GROUP.to_string());
    }
    match group_by {
        GroupBy::Nothing => None,
        GroupBy::Tag => Some(
            account
                .tags
                .iter()
                .min_by_key(|tag| tag.to_lowercase())
                .cloned()
                .unwrap_or_else(|| "No tag".into()),
        ),
        // The first setting the provider marks as naming the customer.
        GroupBy::Customer => Some(
            setting_fields(account.provider)
                .filter(|field| field.identifies)
                .find_map(|field| account.setting(field.key).map(str::to_string))
                .unwrap_or_else(|| "No customer".into()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::provider::assuresign;

    fn named(name: &str, tags: &[&str], context: &str) -> Account {
        let mut account = Account::new(name, assuresign::ID);
        account.tags = tags.iter().map(|tag| tag.to_string()).collect();
        account
            .settings
            .insert("context_username".into(), context.into());
        account
    }

    #[test]
    fn groups_keep_the_search_order_fold_and_put_the_team_last() {
        let accounts = [
            named("Acme", &["eu"], "ops@acme.example"),
            named("Globex", &[], "it@globex.example"),
            named("Acme US", &["us", "eu"], "ops@acme.example"),
            named("Shared", &["eu"], "desk@team.example"),
        ];
        let shown: Vec<AccountId> = accounts.iter().map(|account| account.id).collect();
        let find = |id| accounts.iter().find(|account| account.id == id);
        let team = HashSet::from([accounts[3].id]);
        let headers = |lines: &[ListItem]| -> Vec<String> {
            lines
                .iter()
                .filter_map(|line| match line {
                    ListItem::Header { group, count, .. } => Some(format!("{group} {count}")),
                    ListItem::Account(_) => None,
                })
                .collect()
        };
        let plain = items(&shown, find, &team, GroupBy::Nothing, &BTreeSet::new());
        assert_eq!(
            headers(&plain),
            ["Team 1"],
            "the team's group even without groups"
        );
        assert_eq!(plain[0], ListItem::Account(accounts[0].id));
        let by_tag = items(&shown, find, &team, GroupBy::Tag, &BTreeSet::new());
        assert_eq!(headers(&by_tag), ["eu 2", "No tag 1", "Team 1"]);
        assert_eq!(
            by_tag[1],
            ListItem::Account(accounts[0].id),
            "search order kept"
        );
        let by_customer = items(&shown, find, &team, GroupBy::Customer, &BTreeSet::new());
        assert_eq!(
            headers(&by_customer),
            ["it@globex.example 1", "ops@acme.example 2", "Team 1"]
        );
        let folded = BTreeSet::from(["eu".to_string()]);
        let lines = items(&shown, find, &team, GroupBy::Tag, &folded);
        assert!(
            !lines.contains(&ListItem::Account(accounts[0].id)),
            "folded away"
        );
        assert!(lines.contains(&ListItem::Header {
            group: "eu".into(),
            count: 2,
            folded: true
        }));
    }
}
