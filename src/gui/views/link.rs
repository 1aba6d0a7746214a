//! The confirmation an `sso-launcher://` link gets before anything runs. Any web page can
//! open such a link, so the window says which account it names and what a launch would do,
//! and launches only after the user presses Launch.

use egui::{Id, Modal, RichText, Ui};

use crate::core::account::Account;
use crate::core::browser::BrowserMode;
use crate::core::provider::require_provider;
use crate::gui::commands::{Action, action_button, primary_button};
use crate::gui::state::{AppState, LinkPrompt};

pub fn show(ui: &mut Ui, state: &AppState, actions: &mut Vec<Action>) {
    match &state.link {
        Some(LinkPrompt::Confirm(id)) => {
            let Some(account) = state.account(*id) else {
                actions.push(Action::DismissLink);
                return;
            };
            let modal = Modal::new(Id::unique("confirm-link").with(state.link_seq)).show(ui.ctx(), |ui| {
                ui.set_max_width(480.0);
                ui.heading(format!("Launch '{}'?", account.name));
                ui.label("A link asks to launch this account. Launch only if you opened the link yourself and expected this.");
                ui.add_space(6.0);
                egui::Grid::new("link-account")
                    .num_columns(2)
                    .spacing([12.0, 4.0])
                    .show(ui, |ui| {
                        ui.label("Provider");
                        ui.label(account.provider.display_name());
                        ui.end_row();
                        if let Some(stage) = account.stage() {
                            ui.label("Stage");
                            super::stage::chip(ui, stage);
                            ui.end_row();
                        }
                        ui.label("Tags");
                        ui.label(if account.tags.is_empty() {
                            "none".to_string()
                        } else {
                            account.tags.join(", ")
                        });
                        ui.end_row();
                        ui.label("What happens");
                        ui.label(what_happens(account));
                        ui.end_row();
                    });
                if !account.notes.is_empty() {
                    ui.label(RichText::new(&account.notes).weak());
                }
                ui.add_space(6.0);
                ui.horizontal(|ui| {
                    primary_button(ui, Action::ConfirmLink(*id), None, true, actions);
                    action_button(ui, Action::DismissLink, None, true, actions);
                });
            });
            if modal.should_close() {
                actions.push(Action::DismissLink);
            }
        }
        Some(LinkPrompt::Refused(why)) => {
            let modal =
                Modal::new(Id::unique("refused-link").with(state.link_seq)).show(ui.ctx(), |ui| {
                    ui.set_max_width(480.0);
                    ui.heading("This link was not used");
                    ui.label(why);
                    if ui
                        .button("Close")
                        .accessible_name("Close the link message")
                        .clicked()
                    {
                        actions.push(Action::DismissLink);
                    }
                });
            if modal.should_close() {
                actions.push(Action::DismissLink);
            }
        }
        Some(LinkPrompt::Unchecked(_)) | None => {}
    }
}

/// One sentence on what Launch will do for this account.
pub fn what_happens(account: &Account) -> String {
    let provider = account.provider.display_name();
    let browser = match BrowserMode::of(account).unwrap_or(BrowserMode::Default) {
        BrowserMode::CopyOnly => {
            return format!(
                "Signs in to {provider} and copies a fresh sign-on link to the clipboard (this account opens no browser)."
            );
        }
        BrowserMode::Default => "the browser set for it",
        BrowserMode::System => "the system browser",
        BrowserMode::Command => "its browser command",
        BrowserMode::Private => "a private browser window",
    };
    if require_provider(account.provider).flow().is_round_trip() {
        format!(
            "Opens {provider}'s sign-in page in {browser}; the sign-in comes back to sso-launcher."
        )
    } else {
        format!("Signs in to {provider} and opens its page in {browser}.")
    }
}
