//! The tokens tab: every held session, until when, and refresh / sign-out.

use egui::{RichText, ScrollArea, Ui};
use time::OffsetDateTime;

use crate::core::account::AccountId;
use crate::core::protocol::TokenStatus;
use crate::gui::commands::{Action, action_button};
use crate::gui::state::AppState;
use crate::core::human_time;
use crate::gui::views::failure_text;

/// Sessions renewed per second by "Refresh all", so a helpdesk's thousands of accounts do
/// not hammer the providers.
pub const REFRESH_ALL_PER_SECOND: u32 = 4;

pub fn show(ui: &mut Ui, state: &AppState, actions: &mut Vec<Action>) {
    let mut held: Vec<(AccountId, &str, &TokenStatus)> = state
        .tokens
        .iter()
        .filter(|(_, status)| matches!(status, TokenStatus::Held { .. } | TokenStatus::Failed(_)))
        .filter_map(|(id, status)| Some((*id, state.account(*id)?.name.as_str(), status)))
        .collect();
    held.sort_by_key(|(id, name, _)| (name.to_lowercase(), *id));
    ui.horizontal(|ui| {
        let running = state.refresh_all.is_some();
        action_button(
            ui,
            Action::RefreshAll,
            None,
            !running && !held.is_empty(),
            actions,
        );
        match state.refresh_all {
            Some((done, total)) => {
                ui.add(
                    egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                        .text(format!("{done} of {total}"))
                        .desired_width(200.0),
                );
            }
            None => {
                ui.weak(format!(
                    "Renews sessions that have a refresh token, {REFRESH_ALL_PER_SECOND} a second."
                ));
            }
        }
    });
    ui.separator();
    if held.is_empty() {
        ui.label("No account holds a token. Launching an account signs it in.");
        return;
    }
    let now = OffsetDateTime::now_utc();
    let height = ui.spacing().interact_size.y * 2.0 + 8.0;
    ScrollArea::vertical()
        .id_salt("tokens")
        .auto_shrink(false)
        .show_rows(ui, height, held.len(), |ui, rows| {
            for (id, name, status) in &held[rows] {
                ui.horizontal(|ui| {
                    ui.label(RichText::new(*name).strong());
                    match status {
                        TokenStatus::Held {
                            scheme,
                            expires_at,
                            refreshable,
                        } => {
                            ui.label(format!(
                                "{scheme} token, {}{}",
                                human_time::expiry(*expires_at, now),
                                if *refreshable { ", refreshable" } else { "" }
                            ));
                        }
                        TokenStatus::Failed(message) => {
                            ui.colored_label(ui.visuals().warn_fg_color, message.as_str());
                        }
                        _ => {}
                    }
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        action_button(ui, Action::SignOut(*id), Some(name), true, actions);
                        action_button(ui, Action::RefreshToken(*id), Some(name), true, actions);
                    });
                });
                match state.token_messages.get(id) {
                    Some(Ok(message)) => {
                        ui.weak(message);
                    }
                    Some(Err(failure)) => {
                        ui.colored_label(ui.visuals().error_fg_color, failure_text(failure));
                    }
                    None => {
                        ui.label("");
                    }
                }
            }
        });
}
