//! The account editor: a form per provider, checked as you type; secrets hidden until shown.

use egui::{ComboBox, Id, Modal, RichText, ScrollArea, TextEdit, Ui};

use crate::core::account::ProviderKind;
use crate::core::provider::form::{
    FieldKind, FormField, choice_label, form_fields, is_shown, redirect_uri_to_register,
};
use crate::gui::commands::{Action, action_button};
use crate::gui::editor::Editor;
use crate::gui::views::failure_text;

pub fn show(ui: &mut Ui, editor: &mut Editor, actions: &mut Vec<Action>) {
    let modal = Modal::new(Id::unique("account-editor")).show(ui.ctx(), |ui| {
        ui.set_width(560.0_f32.min(ui.ctx().content_rect().width() - 40.0));
        ui.heading(editor.title());
        let max_height = ui.ctx().content_rect().height() - 160.0;
        ScrollArea::vertical()
            .max_height(max_height.max(200.0))
            .show(ui, |ui| form(ui, editor, actions));
        ui.separator();
        let problems = editor.problems();
        for problem in problems.iter().take(3) {
            ui.colored_label(ui.visuals().warn_fg_color, problem);
        }
        if let Some(failure) = &editor.error {
            ui.colored_label(ui.visuals().error_fg_color, failure_text(failure));
        }
        ui.horizontal(|ui| {
            let can_save = problems.is_empty() && !editor.saving;
            action_button(ui, Action::SaveEditor, None, can_save, actions);
            action_button(ui, Action::CloseEditor, None, true, actions);
            if editor.saving {
                ui.spinner();
            }
        });
    });
    if modal.should_close() {
        actions.push(Action::CloseEditor);
    }
}

fn form(ui: &mut Ui, editor: &mut Editor, actions: &mut Vec<Action>) {
    egui::Grid::new("editor-common")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            let label = ui.label("Provider");
            if editor.original.is_none() {
                let mut provider = editor.draft.provider;
                ComboBox::from_id_salt("provider")
                    .selected_text(provider.display_name())
                    .show_ui(ui, |ui| {
                        for kind in ProviderKind::ALL {
                            ui.selectable_value(&mut provider, kind, kind.display_name());
                        }
                    })
                    .response
                    .labelled_by(label.id);
                editor.set_provider(provider);
            } else {
                ui.label(editor.draft.provider.display_name());
            }
            ui.end_row();
            let label = ui.label("Name");
            ui.text_edit_singleline(&mut editor.draft.name)
                .labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Tags");
            ui.add(TextEdit::singleline(&mut editor.tags_text).hint_text("comma-separated"))
                .labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Notes");
            ui.add(TextEdit::multiline(&mut editor.draft.notes).desired_rows(2))
                .labelled_by(label.id);
            ui.end_row();
            ui.label("");
            ui.checkbox(&mut editor.draft.favourite, "Favourite");
            ui.end_row();
        });
    ui.separator();
    ui.label(RichText::new(format!("{} settings", editor.draft.provider.display_name())).strong());
    let account = editor.account();
    // Checked once per frame, against the account as it would be saved.
    let shown: Vec<(&'static FormField, Option<String>)> = form_fields(account.provider)
        .filter(|field| is_shown(field, &account))
        .map(|field| (field, Editor::field_problem(&account, field.key)))
        .collect();
    egui::Grid::new("editor-provider")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            for (field, problem) in shown {
                setting_row(ui, editor, field, problem);
            }
            for (name, mandatory) in editor.service_parameters() {
                let key = format!("param.{name}");
                let label = ui.label(format!("{name}{}", if mandatory { " *" } else { "" }));
                let value = editor.draft.settings.entry(key).or_default();
                ui.text_edit_singleline(value).labelled_by(label.id);
                ui.end_row();
            }
        });
    if editor.draft.provider == ProviderKind::Ags {
        discovery(ui, editor, actions);
    }
    if let Some(uri) = redirect_uri_to_register(&editor.account()) {
        ui.horizontal(|ui| {
            ui.label("Redirect URI to register:");
            ui.monospace(&uri);
            if ui
                .button("Copy")
                .accessible_name("Copy the redirect URI")
                .on_hover_text("Register this address with the provider")
                .clicked()
            {
                ui.ctx().copy_text(uri);
            }
        });
    }
    ui.separator();
    secrets(ui, editor);
}

fn setting_row(ui: &mut Ui, editor: &mut Editor, field: &FormField, problem: Option<String>) {
    let provider = editor.draft.provider;
    let label = ui
        .label(format!(
            "{}{}",
            field.label,
            if field.required { " *" } else { "" }
        ))
        .on_hover_text(field.help(provider));
    ui.vertical(|ui| {
        let value = editor
            .draft
            .settings
            .entry(field.key.to_string())
            .or_default();
        match field.kind {
            FieldKind::Choice(values) => {
                let shown = if value.is_empty() {
                    // A raw value needs "(default)"; a worded label already says what it does.
                    match choice_label(field, values[0]) {
                        label if label == values[0] => format!("{label} (default)"),
                        label => label.to_string(),
                    }
                } else {
                    choice_label(field, value).to_string()
                };
                ComboBox::from_id_salt(field.key)
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        for choice in values {
                            ui.selectable_value(
                                value,
                                choice.to_string(),
                                choice_label(field, choice),
                            );
                        }
                    })
                    .response
                    .labelled_by(label.id);
            }
            FieldKind::Flag => {
                let mut on = value == "true";
                if ui.checkbox(&mut on, "").labelled_by(label.id).changed() {
                    *value = if on { "true".into() } else { String::new() };
                }
            }
            _ => {
                ui.add(TextEdit::singleline(value).desired_width(320.0))
                    .labelled_by(label.id);
            }
        }
        if let Some(problem) = problem {
            ui.colored_label(ui.visuals().warn_fg_color, problem);
        }
    });
    ui.end_row();
}

fn discovery(ui: &mut Ui, editor: &mut Editor, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let busy = editor.discovery.request.is_some();
        let ready = Editor::field_problem(&editor.account(), "base_url").is_none()
            && editor
                .draft
                .setting("base_url")
                .is_some_and(|url| !url.is_empty());
        action_button(ui, Action::DiscoverServices, None, ready && !busy, actions);
        if busy {
            ui.spinner();
        }
    });
    match &editor.discovery.result {
        Some(Ok(services)) if services.is_empty() => {
            ui.label("The gateway offers no services.");
        }
        Some(Ok(services)) => {
            ui.label("Services (choose one):");
            let chosen = editor
                .draft
                .setting("auth_service_id")
                .unwrap_or("")
                .to_string();
            let mut picked = None;
            for service in services {
                let text = match &service.display_name {
                    Some(display) => format!("{} ({display})", service.id),
                    None => service.id.clone(),
                };
                if ui.selectable_label(service.id == chosen, text).clicked() {
                    picked = Some(service.id.clone());
                }
            }
            if let Some(id) = picked {
                editor.draft.settings.insert("auth_service_id".into(), id);
            }
        }
        Some(Err(failure)) => {
            ui.colored_label(ui.visuals().error_fg_color, failure_text(failure));
        }
        None => {}
    }
}

fn secrets(ui: &mut Ui, editor: &mut Editor) {
    ui.label(RichText::new("Secrets (kept in the OS keyring)").strong());
    let names = editor.secret_names();
    egui::Grid::new("editor-secrets")
        .num_columns(3)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            for (name, required) in names {
                let label = ui.label(format!("{name}{}", if required { " *" } else { "" }));
                let stored = editor.stored.get(name).copied().unwrap_or(false);
                let hint = if stored {
                    "stored; type to replace"
                } else if editor.copy_secrets_from.is_some() {
                    "copied from the original; type to replace"
                } else {
                    ""
                };
                let revealed = editor.revealed.contains(name);
                let value = editor.secrets.entry(name).or_default();
                // A grid cell offers only last frame's column width; claim the width outright.
                ui.add_sized(
                    [280.0, ui.spacing().interact_size.y],
                    TextEdit::singleline(value)
                        .password(!revealed)
                        .hint_text(hint),
                )
                .labelled_by(label.id);
                let toggle = if revealed { "Hide" } else { "Show" };
                if ui
                    .button(toggle)
                    .accessible_name(format!("{toggle} {name}"))
                    .clicked()
                {
                    if revealed {
                        editor.revealed.remove(name);
                    } else {
                        editor.revealed.insert(name);
                    }
                }
                ui.end_row();
            }
        });
}
