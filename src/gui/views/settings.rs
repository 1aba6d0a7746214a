//! The settings tab: edits a copy of the settings; Save sends it to the worker.

use egui::{ComboBox, DragValue, Ui};

use crate::core::store::settings::{
    AccountOrder, DEFAULT_CLIPBOARD_LIFETIME, DEFAULT_LOCK_WAIT, TEXT_SCALE_RANGE, Theme,
};
use crate::gui::commands::{Action, action_button};
use crate::gui::state::AppState;
use crate::gui::views::failure_text;

pub fn show(ui: &mut Ui, state: &mut AppState, actions: &mut Vec<Action>) {
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
                        ui.selectable_value(&mut draft.theme, theme, theme_name(theme));
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();

            let label = ui.label("Default browser command");
            let mut command = draft.browser_command.clone().unwrap_or_default();
            ui.add(
                egui::TextEdit::singleline(&mut command)
                    .hint_text("system browser; e.g. firefox --private-window {url}"),
            )
            .labelled_by(label.id);
            draft.browser_command = Some(command).filter(|command| !command.trim().is_empty());
            ui.end_row();

            let label = ui.label("Browser sign-in timeout (s)");
            let mut seconds = draft
                .loopback_timeout_seconds
                .unwrap_or(crate::core::loopback::DEFAULT_TIMEOUT.as_secs_f64());
            if ui
                .add(DragValue::new(&mut seconds).range(10.0..=3600.0))
                .labelled_by(label.id)
                .changed()
            {
                draft.loopback_timeout_seconds = Some(seconds);
            }
            ui.end_row();

            let label = ui.label("Keep copied links at most (s)");
            let mut seconds = draft
                .clipboard_seconds
                .unwrap_or(DEFAULT_CLIPBOARD_LIFETIME.as_secs_f64());
            if ui
                .add(DragValue::new(&mut seconds).range(1.0..=3600.0))
                .labelled_by(label.id)
                .changed()
            {
                draft.clipboard_seconds = Some(seconds);
            }
            ui.end_row();

            let label = ui.label("Text size");
            let mut scale = draft.text_scale.unwrap_or(1.0);
            if ui
                .add(egui::Slider::new(&mut scale, TEXT_SCALE_RANGE).step_by(0.05))
                .labelled_by(label.id)
                .changed()
            {
                draft.text_scale = Some(scale);
            }
            ui.end_row();

            let label = ui.label("List order without a search");
            ui.horizontal(|ui| {
                ui.radio_value(
                    &mut draft.account_order,
                    AccountOrder::Alphabetical,
                    "Alphabetical",
                );
                ui.radio_value(
                    &mut draft.account_order,
                    AccountOrder::Recent,
                    "Recently launched",
                );
            })
            .response
            .labelled_by(label.id);
            ui.end_row();

            let label = ui.label("Wait for another sign-in (s)");
            let mut seconds = draft
                .lock_wait_seconds
                .unwrap_or(DEFAULT_LOCK_WAIT.as_secs_f64());
            if ui
                .add(DragValue::new(&mut seconds).range(1.0..=3600.0))
                .labelled_by(label.id)
                .on_hover_text("How long a launch waits while the same account signs in elsewhere (a terminal, another window)")
                .changed()
            {
                draft.lock_wait_seconds = Some(seconds);
            }
            ui.end_row();

            let label = ui.label("Tray");
            ui.vertical(|ui| {
                ui.checkbox(&mut draft.start_minimised, "Start minimised to the tray");
                ui.checkbox(&mut draft.close_to_tray, "Closing the window keeps the app in the tray");
                ui.checkbox(&mut draft.autostart, "Start at login (in the tray)");
            })
            .response
            .labelled_by(label.id);
            ui.end_row();
        });
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        let changed = state.settings_draft != state.settings;
        action_button(ui, Action::SaveSettings, None, changed, actions);
        match &state.settings_message {
            Some(Ok(())) if !changed => {
                ui.label("Saved.");
            }
            Some(Err(failure)) => {
                ui.colored_label(ui.visuals().error_fg_color, failure_text(failure));
            }
            _ => {}
        }
    });
    ui.weak("Ctrl + and Ctrl − change the text size too; Ctrl 0 resets it.");
}

fn theme_name(theme: Theme) -> &'static str {
    match theme {
        Theme::System => "Follow the system",
        Theme::Light => "Light",
        Theme::Dark => "Dark",
    }
}
