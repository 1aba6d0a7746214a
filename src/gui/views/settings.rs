//! The settings tab: each change applies at once (the theme and text size show as you pick
//! them) and is saved to settings.toml; a text field applies when you leave it.

use egui::{ComboBox, DragValue, Ui};

use crate::core::store::settings::{
    AccountOrder, DEFAULT_CLIPBOARD_LIFETIME, DEFAULT_LOCK_WAIT, TEXT_SCALE_RANGE, Theme,
};
use crate::gui::commands::Action;
use crate::gui::state::AppState;

/// A row of seconds: the label, and the value (the default shown while unset); `true` when an
/// edit is complete.
fn seconds_row(
    ui: &mut Ui,
    label: &str,
    value: &mut Option<f64>,
    default: f64,
    range: std::ops::RangeInclusive<f64>,
    hover: &str,
) -> bool {
    let label = ui.label(label);
    let mut seconds = value.unwrap_or(default);
    let mut field = ui
        .add(DragValue::new(&mut seconds).range(range).suffix(" s"))
        .labelled_by(label.id);
    if !hover.is_empty() {
        field = field.on_hover_text(hover);
    }
    if field.changed() {
        *value = Some(seconds);
    }
    finished(&field)
}

/// Whether a number field's edit is complete (not in the middle of a drag).
fn finished(response: &egui::Response) -> bool {
    response.drag_stopped() || response.lost_focus() || (response.changed() && !response.dragged())
}

pub fn show(ui: &mut Ui, state: &mut AppState, actions: &mut Vec<Action>) {
    let tray = state.tray_absent.is_none();
    let mut commit = false;
    let draft = &mut state.settings_draft;
    egui::Grid::new("settings")
        .num_columns(2)
        .spacing([16.0, 10.0])
        .show(ui, |ui| {
            let label = ui.label("Theme");
            ComboBox::from_id_salt("theme")
                .selected_text(theme_name(draft.theme))
                .show_ui(ui, |ui| {
                    for theme in [Theme::System, Theme::Light, Theme::Dark] {
                        commit |= ui
                            .selectable_value(&mut draft.theme, theme, theme_name(theme))
                            .clicked();
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();

            let label = ui.label("Default browser command");
            let mut command = draft.browser_command.clone().unwrap_or_default();
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut command)
                        .hint_text("system browser; e.g. firefox --private-window {url}")
                        .desired_width(320.0),
                )
                .labelled_by(label.id)
                .on_hover_text("Applies when you leave the field");
            commit |= field.lost_focus();
            draft.browser_command = Some(command).filter(|command| !command.trim().is_empty());
            ui.end_row();

            commit |= seconds_row(
                ui,
                "Browser sign-in timeout (s)",
                &mut draft.loopback_timeout_seconds,
                crate::core::loopback::DEFAULT_TIMEOUT.as_secs_f64(),
                10.0..=3600.0,
                "",
            );
            ui.end_row();

            commit |= seconds_row(
                ui,
                "Keep copied links at most (s)",
                &mut draft.clipboard_seconds,
                DEFAULT_CLIPBOARD_LIFETIME.as_secs_f64(),
                1.0..=3600.0,
                "",
            );
            ui.end_row();

            let label = ui.label("Text size");
            let mut scale = draft.text_scale.unwrap_or(1.0);
            let field = ui
                .add(egui::Slider::new(&mut scale, TEXT_SCALE_RANGE).step_by(0.05))
                .labelled_by(label.id)
                .on_hover_text("Ctrl + and Ctrl − change it too; Ctrl 0 resets it");
            if field.changed() {
                draft.text_scale = Some(scale);
            }
            commit |= finished(&field);
            ui.end_row();

            let label = ui.label("List order without a search");
            ui.horizontal(|ui| {
                commit |= ui
                    .radio_value(
                        &mut draft.account_order,
                        AccountOrder::Alphabetical,
                        "Alphabetical",
                    )
                    .changed();
                commit |= ui
                    .radio_value(
                        &mut draft.account_order,
                        AccountOrder::Recent,
                        "Recently launched",
                    )
                    .changed();
            })
            .response
            .labelled_by(label.id);
            ui.end_row();

            commit |= seconds_row(
                ui,
                "Wait for another sign-in (s)",
                &mut draft.lock_wait_seconds,
                DEFAULT_LOCK_WAIT.as_secs_f64(),
                1.0..=3600.0,
                "How long a launch waits while the same account signs in elsewhere (a terminal, another window)",
            );
            ui.end_row();

            let label = ui.label(if tray { "Tray" } else { "Start" });
            ui.vertical(|ui| {
                // Without a tray these two would do nothing: they are not offered.
                if tray {
                    commit |= ui
                        .checkbox(&mut draft.start_minimised, "Start minimised to the tray")
                        .changed();
                    commit |= ui
                        .checkbox(
                            &mut draft.close_to_tray,
                            "Closing the window keeps the app in the tray",
                        )
                        .changed();
                }
                commit |= ui
                    .checkbox(&mut draft.autostart, "Start at login")
                    .changed();
            })
            .response
            .labelled_by(label.id);
            ui.end_row();
        });
    if commit && state.settings_draft != state.settings {
        actions.push(Action::ApplySettings);
    }
    ui.add_space(8.0);
    match &state.settings_message {
        Some(Err(failure)) => {
            ui.colored_label(ui.visuals().error_fg_color, &failure.message);
            if let Some(hint) = &crate::gui::remedies::hint(failure) {
                ui.label(hint);
            }
        }
        _ => {
            ui.weak("Changes apply at once and are kept in settings.toml.");
        }
    }
}

fn theme_name(theme: Theme) -> &'static str {
    match theme {
        Theme::System => "Follow the system",
        Theme::Light => "Light",
        Theme::Dark => "Dark",
    }
}
