//! An account's stage (production, staging ...): a coloured label wherever the account is
//! named, and the question a launch into a stage that asks first (`confirm_stages`) gets.

use egui::{Color32, Id, Modal, RichText, Ui};

use crate::core::account::Account;
use crate::gui::commands::{Action, action_button, primary_button};
use crate::gui::state::AppState;

/// The stage's colour: red for production, amber for staging, green for sandboxes and tests,
/// grey for other words.
pub fn stage_colour(stage: &str) -> Color32 {
    let lowered = stage.to_ascii_lowercase();
    if lowered.starts_with("prod") || lowered == "live" {
        Color32::from_rgb(0xb3, 0x26, 0x1e)
    } else if lowered.starts_with("stag") || lowered.starts_with("pre") || lowered == "uat" {
        Color32::from_rgb(0xa8, 0x62, 0x00)
    } else if ["sandbox", "test", "dev", "demo", "qa"]
        .iter()
        .any(|word| lowered.starts_with(word))
    {
        Color32::from_rgb(0x2e, 0x7d, 0x32)
    } else {
        Color32::from_rgb(0x5f, 0x63, 0x68)
    }
}

/// The stage as a small coloured label; its width, for layouts that reserve room.
pub fn chip(ui: &mut Ui, stage: &str) -> egui::Response {
    egui::Frame::new()
        .fill(stage_colour(stage))
        .corner_radius(3.0)
        .inner_margin(egui::Margin::symmetric(5, 0))
        .show(ui, |ui| {
            ui.add(
                egui::Label::new(RichText::new(stage).small().color(Color32::WHITE))
                    .selectable(false),
            )
        })
        .response
        .on_hover_text(format!("Stage: {stage}"))
}

/// How wide [`chip`] draws `stage`.
pub fn chip_width(ui: &Ui, stage: &str) -> f32 {
    let font = egui::TextStyle::Small.resolve(ui.style());
    ui.fonts_mut(|fonts| {
        fonts
            .layout_no_wrap(stage.to_string(), font, Color32::WHITE)
            .size()
            .x
    }) + 10.0
        + ui.spacing().item_spacing.x
}

/// The Launch button's words for an account: its stage named when it has one.
pub fn launch_label(account: &Account) -> String {
    match account.stage() {
        Some(stage) => format!("Launch · {stage}"),
        None => "Launch".into(),
    }
}

/// The account as its Launch button names it for screen readers ("Acme · production").
pub fn launch_target_name(account: &Account) -> String {
    match account.stage() {
        Some(stage) => format!("{} · {stage}", account.name),
        None => account.name.clone(),
    }
}

/// Asks before a launch that needs an answer, wherever it came from: a stage that asks
/// first (`confirm_stages`), or a ticket when `require_ticket` is on and none is fresh.
pub fn question(ui: &mut Ui, state: &mut AppState, actions: &mut Vec<Action>) {
    let Some(pending) = state.launch_question else {
        return;
    };
    let Some(account) = state.account(pending.account).cloned() else {
        actions.push(Action::DismissHeldLaunch);
        return;
    };
    let asks_stage = !pending.confirmed && state.settings.confirms_stage(account.stage());
    let require_ticket = state.settings.require_ticket;
    let stage = account.stage().unwrap_or_default();
    // "Launch Acme into production": apart from the Launch buttons behind the dialog.
    let named = if asks_stage {
        format!("{} into {stage}", account.name)
    } else {
        format!("{} with a ticket", account.name)
    };
    let ticket = &mut state.ticket;
    let modal = Modal::new(Id::unique("launch-question").with(pending.account)).show(ui.ctx(), |ui| {
        ui.set_max_width(440.0);
        ui.horizontal(|ui| {
            ui.heading(format!("Launch '{}'?", account.name));
            if let Some(stage) = account.stage() {
                chip(ui, stage);
            }
        });
        if asks_stage {
            ui.label(format!(
                "This account reaches the customer's {stage} system. Launch only if that is what you mean to open."
            ));
        }
        if require_ticket || !ticket.text.is_empty() {
            ui.add_space(4.0);
            ui.horizontal(|ui| {
                let label = ui.label("Ticket for this launch");
                let field = ui
                    .add(
                        egui::TextEdit::singleline(&mut ticket.text)
                            .hint_text(if require_ticket { "INC-123 (required)" } else { "INC-123" })
                            .desired_width(220.0),
                    )
                    .labelled_by(label.id);
                if field.changed() {
                    ticket.touch();
                }
                if require_ticket && ticket.text.trim().is_empty() {
                    field.request_focus();
                }
            });
            if require_ticket {
                ui.weak("Each launch names the ticket it is for; it is kept in the audit log.");
            }
        }
        ui.add_space(6.0);
        let ready = !require_ticket || !ticket.text.trim().is_empty();
        ui.horizontal(|ui| {
            primary_button(ui, Action::ConfirmHeldLaunch, Some(&named), ready, actions);
            action_button(ui, Action::DismissHeldLaunch, Some(&named), true, actions);
        });
    });
    if modal.should_close() {
        actions.push(Action::DismissHeldLaunch);
    }
}
