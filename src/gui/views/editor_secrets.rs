//! The editor's rows for secrets: where they come from (the account's own, or a credential
//! set many accounts share), and the account's own, hidden until Show.

use egui::{ComboBox, TextEdit, Ui};

use super::label_cell;
use crate::core::provider::form::secret_label;
use crate::gui::editor::Editor;

/// "Secrets from": the account's own, or a credential set many accounts share (only for a
/// provider whose sets are saved here, or an account that names one).
pub(super) fn credential_row(ui: &mut Ui, editor: &mut Editor, value_width: f32) {
    let names: Vec<String> = editor
        .sets_for_provider()
        .map(|set| set.name.clone())
        .collect();
    let named = editor.draft.credential().map(str::to_string);
    if names.is_empty() && named.is_none() {
        return;
    }
    const OWN: &str = "Its own secrets";
    let label = label_cell(
        ui,
        "Secrets from",
        false,
        "A credential set gives the secrets (and shared settings) many accounts use; \
         editing the set changes them for all of them",
    );
    let shown = match (&named, editor.chosen_set()) {
        (None, _) => OWN.to_string(),
        (Some(_), Some(set)) => format!("Set: {}", set.name),
        (Some(name), None) => format!("Set: {name} (not saved here)"),
    };
    let mut chosen = named.clone();
    ComboBox::from_id_salt("credential-set")
        .selected_text(shown)
        .width(value_width)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut chosen, None, OWN);
            for name in &names {
                let selected = chosen
                    .as_deref()
                    .is_some_and(|have| have.eq_ignore_ascii_case(name));
                if ui
                    .selectable_label(selected, format!("Set: {name}"))
                    .clicked()
                {
                    chosen = Some(name.clone());
                }
            }
        })
        .response
        .labelled_by(label.id);
    if chosen != named {
        editor.draft.credential = chosen;
        editor.touched.insert("credential".into());
    }
    ui.end_row();
}

pub(super) fn secret_rows(ui: &mut Ui, editor: &mut Editor, secrets_place: &str, value_width: f32) {
    let button = 56.0;
    for (name, required) in editor.secret_names() {
        let hover = format!("Secret: {name}, kept {secrets_place}");
        let label = label_cell(ui, secret_label(name), required, &hover);
        let stored = editor.stored.get(name).copied().unwrap_or(false);
        let hint = if stored {
            "stored; type to replace"
        } else if editor.copy_secrets_from.is_some() {
            "copied from the original; type to replace"
        } else {
            ""
        };
        let revealed = editor.revealed.contains(name);
        ui.horizontal(|ui| {
            let value = editor.secrets.entry(name).or_default();
            let response = ui
                .add(
                    TextEdit::singleline(value)
                        .password(!revealed)
                        .hint_text(hint)
                        .desired_width(value_width - button),
                )
                .labelled_by(label.id);
            if response.changed() || response.lost_focus() {
                editor.touched.insert(format!("secret:{name}"));
            }
            let toggle = if revealed { "Hide" } else { "Show" };
            if ui
                .add_sized(
                    [button - 8.0, ui.spacing().interact_size.y],
                    egui::Button::new(toggle),
                )
                .accessible_name(format!("{toggle} {}", secret_label(name)))
                .clicked()
            {
                if revealed {
                    editor.revealed.remove(name);
                } else {
                    editor.revealed.insert(name);
                }
            }
        });
        ui.end_row();
    }
}
