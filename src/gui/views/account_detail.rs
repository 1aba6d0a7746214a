//! The selected account, beside the list: who it is, its actions (which never move), the last
//! result in full with what to do, and its session, last launch, browser and notes.

use crate::core::launch::LaunchTarget;
use egui::{RichText, ScrollArea, Ui};
use time::OffsetDateTime;

use crate::core::account::Account;
use crate::core::browser::BrowserMode;
use crate::core::human_time;
use crate::core::protocol::TokenStatus;
use crate::core::provider::form::signs_in_as;
use crate::gui::commands::{Action, action_button, primary_button_titled};
use crate::gui::state::{AppState, LaunchState};
use crate::gui::views::accounts::{badge, star, status_text};

pub fn show(ui: &mut Ui, state: &mut AppState, actions: &mut Vec<Action>) {
    let Some(account) = state
        .list
        .selected
        .and_then(|id| state.account(id))
        .cloned()
    else {
        if state.list.shown.is_empty() {
            return;
        }
        ui.add_space(24.0);
        ui.vertical_centered(|ui| {
            ui.weak("Select an account to see it here.");
            ui.weak("The arrow keys move, Enter launches, Ctrl+Enter copies its link.");
        });
        return;
    };
    ScrollArea::vertical()
        .id_salt("account-detail")
        .auto_shrink(false)
        .show(ui, |ui| {
            let account = &account;
            header(ui, account, actions);
            ui.add_space(10.0);
            action_bar(ui, state, account, actions);
            ticket_row(ui, state);
            progress(ui, state, account, actions);
            result(ui, state, account, actions);
            ui.add_space(8.0);
            facts(ui, state, account);
        });
}

fn header(ui: &mut Ui, account: &Account, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let favourite = star(ui, account.favourite)
            .accessible_name(format!("Favourite {} (detail)", account.name))
            .on_hover_text(Action::ToggleFavourite(account.id).tooltip());
        if favourite.clicked() {
            actions.push(Action::ToggleFavourite(account.id));
        }
        badge(ui, account.provider);
        ui.add(egui::Label::new(RichText::new(&account.name).heading()).truncate())
            .on_hover_text(&account.name);
        if let Some(stage) = account.stage() {
            super::stage::chip(ui, stage);
        }
    });
    let mut line = account.provider.display_name().to_string();
    if let Some((label, who)) = signs_in_as(account) {
        line.push_str(&format!(" · {label}: {who}"));
    }
    ui.add(egui::Label::new(RichText::new(&line).weak()).truncate())
        .on_hover_text(&line);
    if !account.tags.is_empty() {
        ui.horizontal_wrapped(|ui| {
            for tag in &account.tags {
                chip(ui, tag);
            }
        });
    }
}

/// A tag, drawn as a rounded chip.
fn chip(ui: &mut Ui, text: &str) {
    let fill = ui.visuals().widgets.inactive.weak_bg_fill;
    egui::Frame::new()
        .fill(fill)
        .corner_radius(8.0)
        .inner_margin(egui::Margin::symmetric(7, 1))
        .show(ui, |ui| {
            ui.label(RichText::new(text).small());
        });
}

/// Launch first (the main action), then Copy link, Edit and More. While a launch runs they
/// stay where they are, disabled; Cancel has a line of its own below.
fn action_bar(ui: &mut Ui, state: &AppState, account: &Account, actions: &mut Vec<Action>) {
    let name = Some(account.name.as_str());
    let running = state.is_running(account.id);
    // Wraps when the pane is narrow (large text): the buttons keep their order and, during a
    // launch, their places.
    ui.horizontal_wrapped(|ui| {
        primary_button_titled(
            ui,
            Action::Launch(account.id),
            &super::stage::launch_label(account),
            Some(&super::stage::launch_target_name(account)),
            !running,
            actions,
        );
        action_button(ui, Action::CopyLink(account.id), name, !running, actions);
        // The team list's accounts are read here, not changed: a copy of one can be.
        let own = !state.is_team(account.id);
        action_button(ui, Action::EditAccount(account.id), name, own, actions)
            .on_disabled_hover_text(TEAM_READ_ONLY);
        ui.menu_button("More", |ui| {
            action_button(
                ui,
                Action::DuplicateAccount(account.id),
                name,
                true,
                actions,
            );
            action_button(ui, Action::CopyLaunchLink(account.id), name, true, actions);
            ui.separator();
            action_button(ui, Action::AskDelete(account.id), name, own, actions)
                .on_disabled_hover_text(TEAM_READ_ONLY);
        })
        .response
        .accessible_name(format!("More for {}", account.name));
    });
}

/// Why a team account's Edit and Delete are off.
const TEAM_READ_ONLY: &str =
    "From the team list, which is read-only here; Duplicate makes a copy of your own";

/// The ticket the operator works on: it goes with the launches that follow (from the
/// window, the tray, quick launch and links) while it is in use.
fn ticket_row(ui: &mut Ui, state: &mut AppState) {
    state.ticket.expire();
    let required = state.settings.require_ticket;
    ui.horizontal(|ui| {
        let label = ui.weak("Ticket");
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut state.ticket.text)
                    .hint_text(if required {
                        "required, e.g. INC-123"
                    } else {
                        "optional, e.g. INC-123"
                    })
                    .desired_width(180.0),
            )
            .labelled_by(label.id)
            .on_hover_text(
                "Kept in the audit log with each launch; forgotten after 15 minutes unused",
            );
        if field.changed() {
            state.ticket.touch();
        }
    });
}

/// One line, always there: what a running launch is doing, with Cancel.
fn progress(ui: &mut Ui, state: &AppState, account: &Account, actions: &mut Vec<Action>) {
    let height = ui.spacing().interact_size.y + 4.0;
    ui.allocate_ui(egui::vec2(ui.available_width(), height), |ui| {
        ui.set_min_height(height);
        if let Some(LaunchState::Running {
            target,
            step,
            waiting_for_browser,
        }) = state.launches.get(&account.id)
        {
            ui.horizontal(|ui| {
                ui.spinner();
                let what = match target {
                    LaunchTarget::Browser => "Launching",
                    LaunchTarget::Copy | LaunchTarget::PrintOnly => "Getting a link",
                };
                let step = if *waiting_for_browser {
                    "waiting for the browser to come back"
                } else {
                    step.map_or("starting", |step| step.label())
                };
                ui.label(format!("{what}: {step}…"));
                action_button(ui, Action::CancelLaunch(account.id), None, true, actions);
            });
        }
    });
}

/// The last launch's outcome, whole: the summary or the error with what to do, a link to
/// open by hand, facts, and how long a copied link stays on the clipboard.
fn result(ui: &mut Ui, state: &AppState, account: &Account, actions: &mut Vec<Action>) {
    let copied = state.copied_until.get(&account.id);
    let Some(LaunchState::Done(done)) = state.launches.get(&account.id) else {
        return;
    };
    let (stroke, fill) = match done {
        Ok(_) => (
            ui.visuals().widgets.noninteractive.bg_stroke,
            ui.visuals().faint_bg_color,
        ),
        Err(_) => (
            egui::Stroke::new(1.0, ui.visuals().error_fg_color),
            ui.visuals().error_fg_color.gamma_multiply(0.08),
        ),
    };
    egui::Frame::group(ui.style())
        .stroke(stroke)
        .fill(fill)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            match done {
                Ok(report) => {
                    ui.label(RichText::new(&report.summary).strong());
                    if let Some(link) = &report.shown_link {
                        ui.horizontal(|ui| {
                            // The button first: a truncated label takes all the width left,
                            // and would push a button after it out of sight.
                            // Through the worker: kept out of clipboard histories and cleared
                            // later, like any copied one-time link.
                            action_button(
                                ui,
                                Action::CopyShownLink(account.id),
                                Some("the link shown"),
                                true,
                                actions,
                            );
                            ui.add(
                                egui::Label::new(RichText::new(link.reveal()).monospace())
                                    .truncate(),
                            );
                        });
                    }
                    for (label, value) in &report.facts {
                        ui.label(format!("{label}: {value}"));
                    }
                }
                Err(failure) => {
                    ui.colored_label(ui.visuals().error_fg_color, &failure.message);
                    if let Some(hint) = &crate::gui::remedies::hint(failure) {
                        ui.label(format!("What to do: {hint}"));
                    }
                }
            }
            if let Some(until) = copied {
                let left = crate::core::protocol::remaining(*until, OffsetDateTime::now_utc());
                ui.label(format!(
                    "The link is on the clipboard for {} s more, then cleared.",
                    left.as_secs()
                ));
            }
        });
}

/// Session, last launch, browser and notes, as label and value.
fn facts(ui: &mut Ui, state: &AppState, account: &Account) {
    let now = OffsetDateTime::now_utc();
    egui::Grid::new("account-facts")
        .num_columns(2)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            ui.weak("Session");
            let (status, exact) = status_text(state, account, now);
            let status = match state.tokens.get(&account.id) {
                Some(TokenStatus::Held {
                    scheme,
                    refreshable,
                    ..
                }) => RichText::new(format!(
                    "{} token, {}{}",
                    crate::gui::views::tokens::scheme_name(scheme),
                    status.text(),
                    if *refreshable { ", renews itself" } else { "" }
                )),
                _ => status,
            };
            let label = ui.add(egui::Label::new(status).wrap());
            if let Some(exact) = exact {
                label.on_hover_text(exact);
            }
            ui.end_row();

            ui.weak("Last launched");
            match state.last_launched.get(&account.id) {
                Some(at) => {
                    let via = state
                        .launched_via
                        .get(&account.id)
                        .map(|via| format!(" {}", via_words(via)))
                        .unwrap_or_default();
                    ui.label(format!("{}{via}", human_time::moment(*at, now)))
                        .on_hover_text(human_time::exact(*at));
                }
                None => {
                    ui.weak("never");
                }
            }
            ui.end_row();

            ui.weak("Opens in");
            ui.label(browser_words(account, &state.settings));
            ui.end_row();

            if !account.notes.is_empty() {
                ui.weak("Notes");
                ui.add(egui::Label::new(&account.notes).wrap());
                ui.end_row();
            }
        });
}

/// "from the tray" for an audit record's `via`.
pub fn via_words(via: &str) -> &'static str {
    match via {
        "window" => "from this window",
        "tray" => "from the tray",
        "quick_launch" => "from quick launch",
        "link" => "from a link",
        "cli" => "from the command line",
        _ => "",
    }
}

fn browser_words(account: &Account, settings: &crate::core::store::settings::Settings) -> String {
    let command = account
        .setting("browser_command")
        .filter(|command| !command.trim().is_empty());
    match BrowserMode::of(account).unwrap_or(BrowserMode::Default) {
        BrowserMode::CopyOnly => "nothing: its links are copied".into(),
        BrowserMode::System => "the system browser".into(),
        BrowserMode::Private => "a private window".into(),
        BrowserMode::Command | BrowserMode::Default => {
            match command.or(settings.browser_command.as_deref()) {
                Some(command) => format!("the command {command}"),
                None => "the system browser".into(),
            }
        }
    }
}
