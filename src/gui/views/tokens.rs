//! The tokens tab: every held session as a table (account, kind, expiry, renewal), with
//! refresh and sign-out per row; "Refresh all" above.

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};
use time::OffsetDateTime;

use crate::core::account::Account;
use crate::core::human_time;
use crate::core::protocol::TokenStatus;
use crate::gui::commands::{Action, action_button};
use crate::gui::state::AppState;
use crate::gui::views::accounts::badge;

/// Sessions renewed per second by "Refresh all", so a helpdesk's thousands of accounts do
/// not hammer the providers.
pub const REFRESH_ALL_PER_SECOND: u32 = 4;

/// "Bearer" however the provider spells it.
pub fn scheme_name(scheme: &str) -> String {
    let mut chars = scheme.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => "Token".into(),
    }
}

pub fn show(ui: &mut Ui, state: &AppState, actions: &mut Vec<Action>) {
    let mut held: Vec<(&Account, &TokenStatus)> = state
        .tokens
        .iter()
        .filter(|(_, status)| matches!(status, TokenStatus::Held { .. } | TokenStatus::Failed(_)))
        .filter_map(|(id, status)| Some((state.account(*id)?, status)))
        .collect();
    held.sort_by_key(|(account, _)| (account.name.to_lowercase(), account.id));
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
        ui.add_space(16.0);
        ui.vertical_centered(|ui| {
            ui.label("No account holds a token. Launching an account signs it in.");
        });
        return;
    }
    if let Some((account, failure)) = state
        .token_messages
        .iter()
        .find_map(|(id, message)| Some((state.account(*id)?, message.as_ref().err()?)))
    {
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!("{}: {}", account.name, failure.message),
        );
        if let Some(hint) = &crate::gui::remedies::hint(failure) {
            ui.label(hint);
        }
        ui.separator();
    }
    let now = OffsetDateTime::now_utc();
    let row = ui.spacing().interact_size.y + 6.0;
    TableBuilder::new(ui)
        .id_salt("tokens")
        .striped(true)
        .auto_shrink(false)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::remainder().at_least(160.0).clip(true))
        .column(Column::auto().at_least(60.0))
        .column(Column::auto().at_least(130.0))
        .column(Column::auto().at_least(70.0))
        .column(Column::exact(170.0))
        .header(row, |mut header| {
            for title in ["Account", "Token", "Expires", "Renews", ""] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(row, held.len(), |mut table_row| {
                let (account, status) = held[table_row.index()];
                let name = account.name.as_str();
                table_row.col(|ui| {
                    badge(ui, account.provider);
                    ui.add(egui::Label::new(RichText::new(name).strong()).truncate());
                });
                match status {
                    TokenStatus::Held {
                        scheme,
                        expires_at,
                        refreshable,
                    } => {
                        table_row.col(|ui| {
                            ui.label(scheme_name(scheme));
                        });
                        table_row.col(|ui| {
                            ui.label(human_time::expiry(*expires_at, now))
                                .on_hover_text(human_time::exact(*expires_at));
                        });
                        table_row.col(|ui| {
                            ui.label(if *refreshable { "by itself" } else { "sign-in" })
                                .on_hover_text(if *refreshable {
                                    "A refresh token is held: renewing needs no sign-in"
                                } else {
                                    "Renewing signs in again"
                                });
                        });
                    }
                    TokenStatus::Failed(message) => {
                        table_row.col(|ui| {
                            ui.weak("—");
                        });
                        table_row.col(|ui| {
                            ui.add(
                                egui::Label::new(
                                    RichText::new("session error")
                                        .color(ui.visuals().warn_fg_color),
                                )
                                .truncate(),
                            )
                            .on_hover_text(message.as_str());
                        });
                        table_row.col(|ui| {
                            ui.weak("—");
                        });
                    }
                    _ => {}
                }
                table_row.col(|ui| {
                    action_button(
                        ui,
                        Action::RefreshToken(account.id),
                        Some(name),
                        true,
                        actions,
                    );
                    action_button(ui, Action::SignOut(account.id), Some(name), true, actions);
                    if let Some(Err(failure)) = state.token_messages.get(&account.id) {
                        ui.colored_label(ui.visuals().error_fg_color, "⚠")
                            .on_hover_text(crate::gui::remedies::failure_text(failure));
                    }
                });
            });
        });
}
