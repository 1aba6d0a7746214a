//! The status bar, one line high whatever it says: where secrets are kept and whether that
//! works (the fix opens in a dialog), whether there is a tray, and the latest notice for a
//! while (then the account count).

use egui::{Align, Id, Layout, Modal, RichText, Ui};

use crate::core::store::vault::VaultBackend;
use crate::gui::commands::{Action, action_button};
use crate::gui::state::AppState;

/// How long a notice stays in the status bar.
pub const NOTICE_SHOWN_FOR: std::time::Duration = std::time::Duration::from_secs(20);

pub fn show(ui: &mut Ui, state: &AppState, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        match &state.vault {
            None if state.accounts_failure.is_some() => {
                ui.weak("Secrets: not checked");
            }
            None => {
                ui.weak("Secrets: checking…");
            }
            Some(status) if status.backend == VaultBackend::File && status.health.is_ok() => {
                super::vault::file_status(ui, status, actions);
            }
            Some(status) => {
                let backend = match status.backend {
                    VaultBackend::Keyring => "OS keyring",
                    VaultBackend::Memory => "memory (forgotten at exit)",
                    VaultBackend::File => "vault file",
                };
                match &status.health {
                    Ok(()) => {
                        ui.weak(format!("Secrets: {backend}"))
                            .on_hover_text("The keyring answers; secrets are kept there.");
                    }
                    Err(_) => {
                        ui.colored_label(
                            ui.visuals().error_fg_color,
                            format!("Secrets: {backend} unavailable"),
                        );
                        action_button(ui, Action::ShowVaultHelp, None, true, actions);
                    }
                }
            }
        }
        if let Some(reason) = &state.tray_absent {
            ui.separator();
            let why = format!("{reason} {}", crate::desktop::tray_host::absence_detail());
            // Short on screen; the whole reason in the tooltip and for screen readers.
            let label = ui
                .colored_label(ui.visuals().warn_fg_color, "No tray icon")
                .on_hover_text(&why);
            label.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::Label, true, format!("No tray icon. {why}"))
            });
        }
        ui.separator();
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            match state.current_notice(NOTICE_SHOWN_FOR) {
                Some(notice) => {
                    if ui
                        .small_button("×")
                        .accessible_name("Dismiss")
                        .on_hover_text("Dismiss")
                        .clicked()
                    {
                        actions.push(Action::DismissNotice);
                    }
                    ui.add(egui::Label::new(notice).truncate())
                        .on_hover_text(notice);
                }
                None => {
                    ui.weak(match state.accounts.len() {
                        1 => "1 account".to_string(),
                        count => format!("{count} accounts"),
                    });
                }
            }
        });
    });
}

/// How to get a keyring that works: a dialog, so the status bar keeps its height.
pub fn vault_help(ui: &mut Ui, state: &AppState, actions: &mut Vec<Action>) {
    let Some(Err(failure)) = state.vault.as_ref().map(|status| &status.health) else {
        return;
    };
    let modal = Modal::new(Id::unique("vault-help")).show(ui.ctx(), |ui| {
        ui.set_max_width(520.0);
        ui.heading("Secrets cannot be kept");
        ui.colored_label(ui.visuals().error_fg_color, &failure.message);
        if let Some(hint) = &crate::gui::remedies::hint(failure) {
            ui.label(hint);
        }
        let keyring = state
            .vault
            .as_ref()
            .is_some_and(|status| status.backend == VaultBackend::Keyring);
        if keyring {
            ui.label(RichText::new(
                "On Debian or Ubuntu: sudo apt install gnome-keyring, then log out and in again.",
            ));
            ui.label(
                "Or keep secrets in one file on this computer, encrypted with a passphrase you \
                 choose (asked once each time the app starts).",
            );
        }
        ui.horizontal(|ui| {
            action_button(ui, Action::CheckVault, None, true, actions);
            if keyring {
                action_button(ui, Action::UseVaultFile, None, true, actions);
            }
            action_button(ui, Action::CloseVaultHelp, None, true, actions);
        });
    });
    if modal.should_close() {
        actions.push(Action::CloseVaultHelp);
    }
}
