//! The window's bulk actions: marking rows (Ctrl-click, Shift-click, Ctrl+Shift+A on what the
//! search shows) and sending one change for all of them, after the one question.

use crate::core::protocol::Command;
use crate::gui::app::SsoApp;
use crate::gui::commands::Action;
use crate::gui::views::bulk::{BulkDialog, BulkKind};

impl SsoApp {
    /// Does a marking or bulk action; any other action is handed back.
    pub(crate) fn perform_bulk(&mut self, action: Action) -> Option<Action> {
        let list = &mut self.state.list;
        match action {
            Action::ToggleMark(id) => {
                // The row selected before marking began is part of what the operator picks.
                if list.marked.is_empty()
                    && let Some(selected) = list.selected.filter(|selected| *selected != id)
                {
                    list.marked.insert(selected);
                }
                if !list.marked.remove(&id) {
                    list.marked.insert(id);
                }
                list.selected = Some(id);
            }
            Action::MarkRange(id) => {
                let anchor = list.selected.unwrap_or(id);
                let position = |wanted| list.shown.iter().position(|shown| *shown == wanted);
                if let (Some(from), Some(to)) = (position(anchor), position(id)) {
                    let (first, last) = (from.min(to), from.max(to));
                    let range: Vec<_> = list.shown[first..=last].to_vec();
                    list.marked.extend(range);
                }
            }
            Action::MarkAllShown => {
                let shown = list.shown.clone();
                list.marked.extend(shown);
            }
            Action::ClearMarks => list.marked.clear(),
            Action::OpenBulk(kind) => {
                self.state.bulk = Some(BulkDialog {
                    kind,
                    accounts: list.marked.iter().copied().collect(),
                    value: String::new(),
                });
            }
            Action::CloseBulk => self.state.bulk = None,
            Action::AskActivityExport => {
                self.state.activity_view.export_to = Some(String::new());
            }
            Action::CloseActivityExport => self.state.activity_view.export_to = None,
            Action::ExportActivity => {
                let view = &self.state.activity_view;
                let path = view.export_to.as_deref().map(str::trim).unwrap_or_default();
                if path.is_empty() {
                    return None;
                }
                self.worker.send(Command::WriteExport {
                    path: path.into(),
                    text: view.csv(&self.state.activity),
                });
            }
            Action::ApplyBulk => {
                let Some(dialog) = &self.state.bulk else {
                    return None;
                };
                // Not until what it needs is given (the button is off till then).
                dialog.question()?;
                let accounts = dialog.accounts.clone();
                let command = match (dialog.kind, dialog.change()) {
                    (BulkKind::Delete, _) => Command::DeleteAccounts { accounts },
                    (BulkKind::Export, _) => Command::ExportAccounts {
                        accounts,
                        path: dialog.value.trim().into(),
                    },
                    (_, Some(change)) => Command::ChangeAccounts { accounts, change },
                    (_, None) => return None,
                };
                self.worker.send(command);
            }
            other => return Some(other),
        }
        None
    }
}
