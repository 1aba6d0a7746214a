//! The status bar: the keyring in use and its health (with the fix when it fails), and the
//! latest notice.

use egui::Ui;

use crate::core::store::vault::VaultBackend;
use crate::gui::commands::{Action, action_button};
use crate::gui::state::AppState;

pub fn show(ui: &mut Ui, state: &AppState, actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        match &state.vault {
            None => {
                ui.label("Keyring: checking…");
            }
            Some(status) => {
                let backend = match status.backend {
                    VaultBackend::Keyring => "OS keyring",
                    VaultBackend::Memory => "memory vault (forgotten at exit)",
                };
                match &status.health {
                    Ok(()) => {
                        ui.label(format!("Secrets: {backend}, working"));
                    }
                    Err(failure) => {
                        ui.colored_label(
                            ui.visuals().error_fg_color,
                            format!("Secrets: {backend} unavailable"),
                        );
                        ui.collapsing("How to fix", |ui| {
                            ui.label(&failure.message);
                            if let Some(hint) = &failure.hint {
                                ui.label(hint);
                            }
                            ui.label(
                                "On Debian or Ubuntu: sudo apt install gnome-keyring, then log out and in again.",
                            );
                            action_button(ui, Action::CheckVault, None, true, actions);
                        });
                    }
                }
            }
        }
        if let Some(reason) = &state.tray_absent {
            ui.separator();
            ui.colored_label(ui.visuals().warn_fg_color, reason)
                .on_hover_text(crate::desktop::tray_host::absence_detail());
        }
        ui.separator();
        if let Some(notice) = state.notices.back() {
            ui.label(notice);
            action_button(ui, Action::DismissNotice, None, true, actions);
        } else {
            ui.weak(format!("{} accounts", state.accounts.len()));
        }
    });
}
