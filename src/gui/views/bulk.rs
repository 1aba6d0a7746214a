//! Many accounts at once: the bar over the list while rows are marked (Ctrl-click,
//! Shift-click, Ctrl+Shift+A on the filtered list), and the one dialog that asks, saying how
//! many, before tagging, untagging, setting the stage or credential set, exporting or
//! deleting them.

use egui::{ComboBox, Id, Modal, RichText, TextEdit, Ui};

use crate::core::account::AccountId;
use crate::core::account_bulk::BulkChange;
use crate::gui::commands::{Action, action_button, primary_button_titled};
use crate::gui::state::AppState;

/// What a bulk action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkKind {
    Tag,
    Untag,
    Stage,
    Credential,
    Export,
    Delete,
}

impl BulkKind {
    pub const ALL: [BulkKind; 6] = [
        BulkKind::Tag,
        BulkKind::Untag,
        BulkKind::Stage,
        BulkKind::Credential,
        BulkKind::Export,
        BulkKind::Delete,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Tag => "Tag…",
            Self::Untag => "Untag…",
            Self::Stage => "Stage…",
            Self::Credential => "Credential set…",
            Self::Export => "Export…",
            Self::Delete => "Delete…",
        }
    }

    /// The dialog's heading.
    fn heading(self) -> &'static str {
        match self {
            Self::Tag => "Add a tag",
            Self::Untag => "Remove a tag",
            Self::Stage => "Set the stage",
            Self::Credential => "Choose where their secrets come from",
            Self::Export => "Export the selected accounts",
            Self::Delete => "Delete the selected accounts",
        }
    }
}

/// The open bulk dialog: the accounts it acts on (fixed when it opened) and what is typed.
#[derive(Debug, Clone)]
pub struct BulkDialog {
    pub kind: BulkKind,
    pub accounts: Vec<AccountId>,
    /// The tag, the stage (empty: none), the set's name (empty: own secrets) or the file.
    pub value: String,
}

impl BulkDialog {
    /// The change to send, once what it needs is given; `None` for export and delete.
    pub fn change(&self) -> Option<BulkChange> {
        let value = self.value.trim();
        let named = (!value.is_empty()).then(|| value.to_string());
        match self.kind {
            BulkKind::Tag => named.map(BulkChange::AddTag),
            BulkKind::Untag => named.map(BulkChange::RemoveTag),
            BulkKind::Stage => Some(BulkChange::SetStage(named)),
            BulkKind::Credential => Some(BulkChange::SetCredential(named)),
            BulkKind::Export | BulkKind::Delete => None,
        }
    }

    /// The question, saying how many accounts it touches; `None` until it can be asked.
    pub fn question(&self) -> Option<String> {
        let count = self.accounts.len();
        match self.kind {
            BulkKind::Delete => Some(format!(
                "Delete {count} account(s), their keyring entries and cached tokens?"
            )),
            BulkKind::Export => (!self.value.trim().is_empty()).then(|| {
                format!(
                    "Export {count} account(s) to {} (settings, tags, notes, stages and set names; never a secret)?",
                    self.value.trim()
                )
            }),
            _ => self.change().map(|change| change.describe(count)),
        }
    }
}

/// The bar over the list while rows are marked.
pub fn bar(ui: &mut Ui, state: &AppState, actions: &mut Vec<Action>) {
    let count = state.list.marked.len();
    if count == 0 {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("{count} selected")).strong());
        for kind in BulkKind::ALL {
            action_button(ui, Action::OpenBulk(kind), None, true, actions);
        }
        action_button(ui, Action::ClearMarks, None, true, actions);
    });
}

/// The dialog: what to apply, and the question with its count.
pub fn dialog(ui: &mut Ui, state: &mut AppState, actions: &mut Vec<Action>) {
    let sets: Vec<String> = state
        .credential_sets
        .iter()
        .map(|set| set.name.clone())
        .collect();
    let Some(dialog) = state.bulk.as_mut() else {
        return;
    };
    let width = 520.0_f32.min(ui.ctx().content_rect().width() - 48.0);
    let modal = Modal::new(Id::unique("bulk-dialog")).show(ui.ctx(), |ui| {
        ui.set_width(width);
        ui.heading(dialog.kind.heading());
        ui.add_space(4.0);
        match dialog.kind {
            BulkKind::Tag | BulkKind::Untag | BulkKind::Stage | BulkKind::Export => {
                let (label, hint) = match dialog.kind {
                    BulkKind::Tag | BulkKind::Untag => ("Tag", "vip"),
                    BulkKind::Stage => ("Stage", "production, staging … (empty: none)"),
                    _ => ("File", "/home/you/accounts.json (or .toml)"),
                };
                ui.horizontal(|ui| {
                    let label = ui.label(label);
                    ui.add(
                        TextEdit::singleline(&mut dialog.value)
                            .hint_text(hint)
                            .desired_width(ui.available_width()),
                    )
                    .labelled_by(label.id);
                });
            }
            BulkKind::Credential => {
                ui.horizontal(|ui| {
                    let label = ui.label("Secrets from");
                    let shown = if dialog.value.is_empty() {
                        "Their own secrets".to_string()
                    } else {
                        format!("Set: {}", dialog.value)
                    };
                    ComboBox::from_id_salt("bulk-credential")
                        .selected_text(shown)
                        .show_ui(ui, |ui| {
                            ui.selectable_value(
                                &mut dialog.value,
                                String::new(),
                                "Their own secrets",
                            );
                            for set in &sets {
                                ui.selectable_value(
                                    &mut dialog.value,
                                    set.clone(),
                                    format!("Set: {set}"),
                                );
                            }
                        })
                        .response
                        .labelled_by(label.id);
                });
            }
            BulkKind::Delete => {}
        }
        ui.add_space(6.0);
        let question = dialog.question();
        ui.label(question.as_deref().unwrap_or(" "));
        ui.horizontal(|ui| {
            let title = format!("Apply to {}", dialog.accounts.len());
            primary_button_titled(
                ui,
                Action::ApplyBulk,
                &title,
                None,
                question.is_some(),
                actions,
            );
            action_button(ui, Action::CloseBulk, None, true, actions);
        });
    });
    if modal.should_close() {
        actions.push(Action::CloseBulk);
    }
}
