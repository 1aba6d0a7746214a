//! The account editor: a dialog of fixed size whose form scrolls; the sign-in fields and
//! secrets first, the rest under "More options". Problems show once a field was touched or
//! Save was pressed; closing with edits asks first.

use egui::{ComboBox, Id, Modal, RichText, ScrollArea, TextEdit, Ui};

use crate::core::account::ProviderId;
use crate::core::provider::discovery::DiscoverySpec;
use crate::core::provider::form::{
    FieldKind, FormField, choice_label, form_fields, is_shown, redirect_uri_to_register,
};
use crate::core::provider::require_provider;
use crate::gui::commands::{Action, action_button, primary_button};
use crate::gui::editor::Editor;

// The rows of where secrets come from: a credential set, or the account's own.
#[path = "editor_secrets.rs"]
mod secrets;
use secrets::{credential_row, secret_rows};

/// Every row of the form has its label in a column this wide.
pub const LABEL_WIDTH: f32 = 150.0;

/// The accessible name of the form's Name field (it takes the keyboard when the form opens).
pub const NAME_LABEL: &str = "Name *";

/// `secrets_place` says where secrets go ("the OS keyring").
pub fn show(ui: &mut Ui, editor: &mut Editor, secrets_place: &str, actions: &mut Vec<Action>) {
    let screen = ui.ctx().content_rect();
    let width = 620.0_f32.min(screen.width() - 48.0);
    let row = ui.spacing().interact_size.y;
    // Heading, separator, two message lines and the buttons.
    let chrome = row * 6.0 + 36.0;
    let form_height = ((screen.height() - 64.0).min(720.0) - chrome).max(160.0);
    let modal = Modal::new(Id::unique("account-editor").with(editor.serial)).show(ui.ctx(), |ui| {
        ui.set_width(width);
        ui.heading(editor.title());
        ui.add_space(4.0);
        ScrollArea::vertical()
            .id_salt(("editor-form", editor.serial))
            .auto_shrink(false)
            .max_height(form_height)
            .min_scrolled_height(form_height)
            .show(ui, |ui| {
                form(ui, editor, width - 24.0, secrets_place, actions)
            });
        ui.separator();
        messages(ui, editor, width, row, actions);
        ui.horizontal(|ui| {
            let enabled = !editor.saving && !editor.confirm_discard;
            primary_button(ui, Action::SaveEditor, None, enabled, actions);
            action_button(ui, Action::CloseEditor, None, !editor.saving, actions);
            if editor.saving {
                ui.spinner();
            }
        });
    });
    if modal.should_close() {
        actions.push(Action::CloseEditor);
    }
}

/// Two lines of fixed height under the form: the question before edits are thrown away, the
/// save's failure, or (after Save) what keeps the account from being saved.
fn messages(ui: &mut Ui, editor: &mut Editor, width: f32, row: f32, actions: &mut Vec<Action>) {
    let problems = if editor.save_attempted {
        editor.problems()
    } else {
        Vec::new()
    };
    let error = ui.visuals().error_fg_color;
    let warn = ui.visuals().warn_fg_color;
    ui.allocate_ui(egui::vec2(width, row * 2.0 + 4.0), |ui| {
        ui.set_min_size(egui::vec2(width, row * 2.0 + 4.0));
        if editor.confirm_discard {
            ui.label("Throw away your changes?");
            ui.horizontal(|ui| {
                action_button(ui, Action::DiscardEdits, None, true, actions);
                action_button(ui, Action::KeepEditing, None, true, actions);
            });
        } else if let Some(failure) = &editor.error {
            one_line(ui, &failure.message, error);
            if let Some(hint) = &crate::gui::remedies::hint(failure) {
                one_line(ui, hint, ui.visuals().text_color());
            }
        } else if let Some(first) = problems.first() {
            one_line(ui, first, warn);
            if problems.len() > 1 {
                ui.weak(format!("and {} more, marked above", problems.len() - 1))
                    .on_hover_text(problems[1..].join("\n"));
            }
        }
    });
}

/// A line cut to the dialog's width, whole in its tooltip.
fn one_line(ui: &mut Ui, text: &str, colour: egui::Color32) {
    ui.add(egui::Label::new(RichText::new(text).color(colour)).truncate())
        .on_hover_text(text);
}

fn form(
    ui: &mut Ui,
    editor: &mut Editor,
    width: f32,
    secrets_place: &str,
    actions: &mut Vec<Action>,
) {
    let value_width = width - LABEL_WIDTH - 16.0;
    grid(ui, "editor-account", |ui| {
        account_rows(ui, editor, value_width)
    });
    let provider = editor.draft.provider;
    ui.add_space(6.0);
    ui.label(RichText::new(format!("Sign-in to {}", provider.display_name())).strong());
    let account = editor.signs_in_as();
    // Checked once per frame, against the account as it would sign in; what its credential
    // set gives is not asked for.
    let fields: Vec<(&'static FormField, Option<String>)> = form_fields(provider)
        .filter(|field| is_shown(field, &account) && !editor.set_provides(field.key))
        .map(|field| (field, Editor::field_problem(&account, field.key)))
        .collect();
    let (basic, more): (Vec<_>, Vec<_>) =
        fields.into_iter().partition(|(field, _)| is_basic(field));
    grid(ui, "editor-sign-in", |ui| {
        credential_row(ui, editor, value_width);
        for (field, problem) in &basic {
            setting_row(ui, editor, field, problem.clone(), value_width);
        }
        for added in editor.service_parameters() {
            let hover = format!("Setting: {}", added.key);
            let label = label_cell(ui, &added.label, added.required, &hover);
            let value = editor.draft.settings.entry(added.key).or_default();
            ui.add(TextEdit::singleline(value).desired_width(value_width))
                .labelled_by(label.id);
            ui.end_row();
        }
        secret_rows(ui, editor, secrets_place, value_width);
    });
    if let Some(spec) = require_provider(provider).spec().discovery {
        discovery(ui, editor, spec, actions);
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
    ui.add_space(6.0);
    let has_values = more.iter().any(|(field, _)| {
        editor
            .draft
            .setting(field.key)
            .is_some_and(|v| !v.is_empty())
    });
    let open = editor.more_options.get_or_insert(has_values);
    ui.horizontal(|ui| {
        let size = ui.spacing().icon_width;
        let (icon_rect, _) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
        let toggle = ui.toggle_value(open, "More options").on_hover_text(
            "Hosts, landing page, browser and other settings most accounts leave alone",
        );
        // The disclosure triangle, as a collapsing header draws it.
        let openness = if *open { 1.0 } else { 0.0 };
        let icon = egui::Response {
            rect: icon_rect,
            ..toggle
        };
        egui::collapsing_header::paint_default_icon(ui, openness, &icon);
    });
    if *open {
        grid(ui, "editor-more-grid", |ui| {
            for (field, problem) in &more {
                setting_row(ui, editor, field, problem.clone(), value_width);
            }
        });
    }
}

/// The sign-in fields shown up front: choices and required fields (the browser choice and
/// optional hosts go under "More options").
fn is_basic(field: &FormField) -> bool {
    !matches!(field.key, "browser" | "browser_command")
        && (field.required || matches!(field.kind, FieldKind::Choice(_) | FieldKind::Flag))
}

fn grid(ui: &mut Ui, id: &str, rows: impl FnOnce(&mut Ui)) {
    egui::Grid::new(id)
        .num_columns(2)
        .min_col_width(LABEL_WIDTH)
        .spacing([12.0, 8.0])
        .show(ui, rows);
}

fn label_cell(ui: &mut Ui, text: &str, required: bool, hover: &str) -> egui::Response {
    let text = format!("{text}{}", if required { " *" } else { "" });
    let label = ui.add(egui::Label::new(text).truncate());
    if hover.is_empty() {
        label
    } else {
        label.on_hover_text(hover)
    }
}

fn account_rows(ui: &mut Ui, editor: &mut Editor, value_width: f32) {
    let label = label_cell(ui, "Provider", false, "");
    if editor.original.is_none() {
        let mut provider = editor.draft.provider;
        ComboBox::from_id_salt("provider")
            .selected_text(provider.display_name())
            .width(value_width)
            .show_ui(ui, |ui| {
                for kind in ProviderId::all() {
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

    let label = label_cell(ui, "Name", true, "How the account is listed and found");
    ui.vertical(|ui| {
        let name = ui
            .add(TextEdit::singleline(&mut editor.draft.name).desired_width(value_width))
            .labelled_by(label.id);
        if std::mem::take(&mut editor.focus_name) {
            name.request_focus();
        }
        if name.changed() || name.lost_focus() {
            editor.touched.insert("name".into());
        }
        let missing = editor
            .draft
            .name
            .trim()
            .is_empty()
            .then(|| "Name is required.".to_string());
        if let Some(problem) = editor.shown_problem("name", missing) {
            ui.colored_label(ui.visuals().warn_fg_color, problem);
        }
    });
    ui.end_row();
    let label = label_cell(ui, "Tags", false, "Words to find and group accounts by");
    ui.add(
        TextEdit::singleline(&mut editor.tags_text)
            .hint_text("comma-separated")
            .desired_width(value_width),
    )
    .labelled_by(label.id);
    ui.end_row();
    let label = label_cell(
        ui,
        "Stage",
        false,
        "Which of the customer's systems it reaches; launching production asks first",
    );
    ui.add(
        TextEdit::singleline(&mut editor.stage_text)
            .hint_text("production, staging, sandbox … (optional)")
            .desired_width(value_width),
    )
    .labelled_by(label.id);
    ui.end_row();
    let label = label_cell(ui, "Notes", false, "");
    ui.add(
        TextEdit::multiline(&mut editor.draft.notes)
            .desired_rows(1)
            .desired_width(value_width),
    )
    .labelled_by(label.id);
    ui.end_row();
    ui.label("");
    ui.checkbox(&mut editor.draft.favourite, "Favourite");
    ui.end_row();
}

fn setting_row(
    ui: &mut Ui,
    editor: &mut Editor,
    field: &FormField,
    problem: Option<String>,
    value_width: f32,
) {
    let hover = format!("{}\n\nSetting: {}", field.help, field.key);
    let label = label_cell(ui, field.label, field.required, &hover);
    let problem = editor.shown_problem(field.key, problem);
    let mut touched = false;
    ui.vertical(|ui| {
        let value = editor
            .draft
            .settings
            .entry(field.key.to_string())
            .or_default();
        match field.kind {
            FieldKind::Choice(values) => {
                let shown = match value.as_str() {
                    "" if field.no_default => "Choose…".to_string(),
                    // A raw value needs "(default)"; a worded label already says what it does.
                    "" => match choice_label(field, values[0]) {
                        label if label == values[0] => format!("{label} (default)"),
                        label => label.to_string(),
                    },
                    value => choice_label(field, value).to_string(),
                };
                let response = ComboBox::from_id_salt(field.key)
                    .selected_text(shown)
                    .width(value_width)
                    .show_ui(ui, |ui| {
                        for choice in values {
                            if ui
                                .selectable_value(
                                    value,
                                    choice.to_string(),
                                    choice_label(field, choice),
                                )
                                .on_hover_text(*choice)
                                .clicked()
                            {
                                touched = true;
                            }
                        }
                    })
                    .response
                    .labelled_by(label.id);
                let _ = response;
            }
            FieldKind::Flag => {
                let mut on = value == "true";
                if ui.checkbox(&mut on, "").labelled_by(label.id).changed() {
                    *value = if on { "true".into() } else { String::new() };
                    touched = true;
                }
            }
            _ => {
                let response = ui
                    .add(TextEdit::singleline(value).desired_width(value_width))
                    .labelled_by(label.id);
                touched = response.changed() || response.lost_focus();
            }
        }
        if let Some(problem) = problem {
            ui.colored_label(ui.visuals().warn_fg_color, problem);
        }
    });
    if touched {
        editor.touched.insert(field.key.to_string());
    }
    ui.end_row();
}

fn discovery(ui: &mut Ui, editor: &mut Editor, spec: DiscoverySpec, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let busy = editor.discovery.request.is_some();
        let account = editor.account();
        let ready = spec.needs.iter().all(|key| {
            Editor::field_problem(&account, key).is_none()
                && account.setting(key).is_some_and(|value| !value.is_empty())
        });
        action_button(ui, Action::DiscoverServices, None, ready && !busy, actions);
        if busy {
            ui.spinner();
        }
    });
    match &editor.discovery.result {
        Some(Ok(choices)) if choices.is_empty() => {
            ui.label(format!("The server offers no {}.", spec.choices_are));
        }
        Some(Ok(choices)) => {
            ui.label(format!("{} (choose one):", capitalised(spec.choices_are)));
            let chosen = editor.draft.setting(spec.fills).unwrap_or("").to_string();
            let mut picked = None;
            for choice in choices {
                if ui
                    .selectable_label(choice.id == chosen, choice.label())
                    .clicked()
                {
                    picked = Some(choice.id.clone());
                }
            }
            if let Some(id) = picked {
                editor.draft.settings.insert(spec.fills.into(), id);
            }
        }
        Some(Err(failure)) => {
            ui.colored_label(ui.visuals().error_fg_color, &failure.message);
            if let Some(hint) = &crate::gui::remedies::hint(failure) {
                ui.label(hint);
            }
        }
        None => {}
    }
}

/// "services" as the start of a line: "Services".
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}
