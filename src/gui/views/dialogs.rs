//! Modal questions: confirm a delete, and pick one of several accounts (AGS).

use egui::{Id, Modal, Ui};

use crate::gui::commands::{Action, action_button};
use crate::gui::state::AppState;

pub fn show(ui: &mut Ui, state: &mut AppState, actions: &mut Vec<Action>) {
    if let Some((id, name)) = &state.pending_delete {
        let (id, name) = (*id, name.clone());
        let modal = Modal::new(Id::unique("confirm-delete")).show(ui.ctx(), |ui| {
            ui.heading(format!("Delete '{name}'?"));
            ui.label("Its settings, its secrets in the keyring and its cached tokens are removed. This cannot be undone.");
            ui.horizontal(|ui| {
                action_button(ui, Action::ConfirmDelete(id), None, true, actions);
                action_button(ui, Action::CancelDelete, None, true, actions);
            });
        });
        if modal.should_close() {
            actions.push(Action::CancelDelete);
        }
    }
    if let Some(choice) = &mut state.choice {
        let request = choice.request;
        let modal = Modal::new(Id::unique("choose-account")).show(ui.ctx(), |ui| {
            ui.heading(format!("'{}' signs in to several accounts", choice.account));
            ui.label("Choose the one to use; it is remembered for next time.");
            for (index, label) in choice.choices.iter().enumerate() {
                ui.radio_value(&mut choice.selected, index, label);
            }
            ui.horizontal(|ui| {
                let chosen = Some(choice.selected);
                action_button(
                    ui,
                    Action::Choose {
                        request,
                        choice: chosen,
                    },
                    None,
                    true,
                    actions,
                );
                action_button(
                    ui,
                    Action::Choose {
                        request,
                        choice: None,
                    },
                    None,
                    true,
                    actions,
                );
            });
        });
        if modal.should_close() {
            actions.push(Action::Choose {
                request,
                choice: None,
            });
        }
    }
}
