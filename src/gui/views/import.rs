//! The import dialog: the path of a file exported elsewhere; all its accounts are added, or
//! none (the reason is shown).

use egui::{Id, Modal, TextEdit, Ui};

use crate::core::protocol::Failure;
use crate::gui::commands::{Action, action_button};

/// The dialog's state: the path typed, and what the last import did.
#[derive(Debug, Default)]
pub struct ImportDialog {
    pub path: String,
    pub busy: bool,
    pub result: Option<Result<Vec<String>, Failure>>,
}

pub fn show(ui: &mut Ui, dialog: &mut ImportDialog, actions: &mut Vec<Action>) {
    let width = 520.0_f32.min(ui.ctx().content_rect().width() - 48.0);
    let modal = Modal::new(Id::unique("import-accounts")).show(ui.ctx(), |ui| {
        ui.set_width(width);
        ui.heading("Import accounts");
        ui.label("A file written by Export (or `sso-launcher accounts export`). Secrets are never in it: add them in each account's editor afterwards.");
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            let label = ui.label("File");
            let field = ui
                .add(
                    TextEdit::singleline(&mut dialog.path)
                        .hint_text("/home/you/accounts.json")
                        .desired_width(ui.available_width()),
                )
                .labelled_by(label.id);
            if field.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter)) {
                actions.push(Action::ImportFile);
            }
        });
        match &dialog.result {
            Some(Ok(names)) => {
                ui.label(format!(
                    "Imported {} account(s): {}.",
                    names.len(),
                    names.join(", ")
                ));
            }
            Some(Err(failure)) => {
                ui.colored_label(ui.visuals().error_fg_color, &failure.message);
                if let Some(hint) = &crate::gui::remedies::hint(failure) {
                    ui.label(hint);
                }
            }
            None => {}
        }
        ui.horizontal(|ui| {
            let ready = !dialog.path.trim().is_empty() && !dialog.busy;
            action_button(ui, Action::ImportFile, None, ready, actions);
            action_button(ui, Action::CloseImport, None, true, actions);
            if dialog.busy {
                ui.spinner();
            }
        });
    });
    if modal.should_close() {
        actions.push(Action::CloseImport);
    }
}
