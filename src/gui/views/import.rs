//! The import dialog: the path of a file exported elsewhere (or an onboarding CSV), a preview
//! of what it would do (new accounts, those here already and different, side by side, and
//! those the same), and the import itself only once asked, with what to do about the
//! accounts here already.

use egui::{ComboBox, Grid, Id, Modal, RichText, ScrollArea, TextEdit, Ui};

use crate::core::protocol::Failure;
use crate::core::transfer_plan::{ImportPreview, OnConflict};
use crate::gui::commands::{Action, action_button, primary_button_titled};

/// The dialog's state: the path typed, its preview, the rule for accounts here already, and
/// what the import did.
#[derive(Debug, Default)]
pub struct ImportDialog {
    pub path: String,
    pub busy: bool,
    pub preview: Option<Result<ImportPreview, Failure>>,
    /// For the file's accounts that are here already and different.
    pub on_conflict: OnConflict,
    pub result: Option<Result<Vec<String>, Failure>>,
}

impl ImportDialog {
    /// How many accounts the import adds or changes with the rule chosen.
    pub fn would_change(&self) -> usize {
        let Some(Ok(preview)) = &self.preview else {
            return 0;
        };
        let conflicts = match self.on_conflict {
            OnConflict::Skip | OnConflict::Refuse => 0,
            OnConflict::Replace | OnConflict::Rename => preview.conflicts.len(),
        };
        preview.new.len() + conflicts
    }
}

/// The rules the dialog offers (refusing is the CLI's default; here the preview shows them).
const RULES: [(OnConflict, &str); 3] = [
    (OnConflict::Skip, "Keep mine"),
    (OnConflict::Replace, "Take the file's"),
    (OnConflict::Rename, "Add the file's as copies"),
];

pub fn show(ui: &mut Ui, dialog: &mut ImportDialog, actions: &mut Vec<Action>) {
    let screen = ui.ctx().content_rect();
    let width = 640.0_f32.min(screen.width() - 48.0);
    let modal = Modal::new(Id::unique("import-accounts")).show(ui.ctx(), |ui| {
        ui.set_width(width);
        ui.heading("Import accounts");
        ui.label("A file written by Export (or `sso-launcher accounts export`), or a .csv list. Secrets are never in it: add them in each account's editor, or use credential sets.");
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            let label = ui.label("File");
            let field = ui
                .add(
                    TextEdit::singleline(&mut dialog.path)
                        .hint_text("/home/you/accounts.json")
                        .desired_width(ui.available_width() - 90.0),
                )
                .labelled_by(label.id);
            if field.changed() {
                dialog.preview = None;
                dialog.result = None;
            }
            if field.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter)) {
                actions.push(Action::PreviewImport);
            }
            let ready = !dialog.path.trim().is_empty() && !dialog.busy;
            action_button(ui, Action::PreviewImport, None, ready, actions);
        });
        ScrollArea::vertical()
            .max_height((screen.height() - 260.0).max(120.0))
            .show(ui, |ui| match &dialog.preview {
                Some(Ok(preview)) => preview_lines(ui, preview),
                Some(Err(failure)) => failure_lines(ui, failure),
                None => {}
            });
        let conflicts = matches!(&dialog.preview, Some(Ok(preview)) if !preview.conflicts.is_empty());
        if conflicts {
            if dialog.on_conflict == OnConflict::Refuse {
                dialog.on_conflict = OnConflict::Skip;
            }
            ui.horizontal(|ui| {
                let label = ui.label("For those here already:");
                let shown = RULES
                    .iter()
                    .find(|(rule, _)| *rule == dialog.on_conflict)
                    .map_or("Keep mine", |(_, words)| words);
                ComboBox::from_id_salt("import-rule")
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        for (rule, words) in RULES {
                            ui.selectable_value(&mut dialog.on_conflict, rule, words);
                        }
                    })
                    .response
                    .labelled_by(label.id);
            });
        }
        match &dialog.result {
            Some(Ok(names)) => {
                ui.label(format!(
                    "Imported {} account(s): {}.",
                    names.len(),
                    names.join(", ")
                ));
            }
            Some(Err(failure)) => failure_lines(ui, failure),
            None => {}
        }
        ui.horizontal(|ui| {
            let count = dialog.would_change();
            let ready = count > 0 && !dialog.busy && dialog.result.is_none();
            let title = format!("Import {count}");
            primary_button_titled(ui, Action::ImportFile, &title, None, ready, actions);
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

/// New, different (side by side: here and in the file), the same.
fn preview_lines(ui: &mut Ui, preview: &ImportPreview) {
    let names = |accounts: &mut dyn Iterator<Item = &str>| accounts.collect::<Vec<_>>().join(", ");
    if preview.new.is_empty() && preview.conflicts.is_empty() {
        ui.label("Every account of the file is here already, the same: nothing to import.");
    }
    if !preview.new.is_empty() {
        ui.label(format!(
            "New ({}): {}",
            preview.new.len(),
            names(&mut preview.new.iter().map(|account| account.name.as_str()))
        ));
    }
    if !preview.conflicts.is_empty() {
        ui.label(format!(
            "Here already, and different in the file ({}):",
            preview.conflicts.len()
        ));
        for (index, (here, _, differences)) in preview.conflicts.iter().enumerate() {
            ui.label(RichText::new(&here.name).strong());
            Grid::new(("import-difference", index))
                .num_columns(3)
                .striped(true)
                .show(ui, |ui| {
                    ui.weak("");
                    ui.weak("here");
                    ui.weak("in the file");
                    ui.end_row();
                    for difference in differences {
                        ui.label(&difference.field);
                        ui.label(empty_as_dash(&difference.here));
                        ui.label(empty_as_dash(&difference.in_file));
                        ui.end_row();
                    }
                });
        }
    }
    if !preview.unchanged.is_empty() {
        ui.weak(format!(
            "The same as here ({}): {}",
            preview.unchanged.len(),
            names(&mut preview.unchanged.iter().map(String::as_str))
        ));
    }
}

fn empty_as_dash(value: &str) -> &str {
    if value.is_empty() { "—" } else { value }
}

fn failure_lines(ui: &mut Ui, failure: &Failure) {
    ui.colored_label(ui.visuals().error_fg_color, &failure.message);
    if let Some(hint) = &crate::gui::remedies::hint(failure) {
        ui.label(hint);
    }
}
