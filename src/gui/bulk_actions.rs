//! The window's actions on many accounts: marking rows (Ctrl-click, Shift-click, Ctrl+Shift+A
//! on what the search shows) and sending one change for all of them after the one question,
//! the list's groups, importing (previewed first) and exporting the activity.

use crate::core::protocol::Command;
use crate::gui::app::SsoApp;
use crate::gui::commands::Action;
use crate::gui::views::bulk::{BulkDialog, BulkKind};

impl SsoApp {
    /// Does a marking, bulk, grouping, import or activity-export action; any other action is
    /// handed back.
    pub(crate) fn perform_bulk(&mut self, action: Action) -> Option<Action> {
        let visible: Vec<_> = self.state.visible_accounts().collect();
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
                let position = |wanted| visible.iter().position(|shown| *shown == wanted);
                if let (Some(from), Some(to)) = (position(anchor), position(id)) {
                    let (first, last) = (from.min(to), from.max(to));
                    list.marked.extend(visible[first..=last].iter().copied());
                }
            }
            Action::MarkAllShown => list.marked.extend(visible),
            Action::ToggleGroup(group) => {
                if !list.folded.remove(&group) {
                    list.folded.insert(group);
                }
                self.state.refresh_list_items();
            }
            Action::GroupBy(group_by) => {
                list.group_by = group_by;
                self.state.refresh_list_items();
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
            Action::ShowImport => {
                self.state.import = Some(crate::gui::views::import::ImportDialog::default());
            }
            Action::PreviewImport => {
                if let Some(dialog) = &mut self.state.import {
                    dialog.busy = true;
                    dialog.preview = None;
                    dialog.result = None;
                    let path = std::path::PathBuf::from(dialog.path.trim());
                    self.worker.send(Command::PreviewImport { path });
                }
            }
            Action::ImportFile => {
                if let Some(dialog) = &mut self.state.import {
                    dialog.busy = true;
                    dialog.result = None;
                    let path = std::path::PathBuf::from(dialog.path.trim());
                    self.worker.send(Command::ImportAccounts {
                        path,
                        on_conflict: dialog.on_conflict,
                    });
                }
            }
            Action::CloseImport => self.state.import = None,
            other => return Some(other),
        }
        None
    }
}
