//! The accounts tab: search, the (virtualised) list, and the selected account's details.

use egui::{Align, Color32, Layout, RichText, ScrollArea, TextEdit, Ui};
use time::OffsetDateTime;

use crate::core::account::{Account, ProviderKind};
use crate::core::protocol::{LaunchHow, TokenStatus, remaining};
use crate::gui::commands::{Action, action_button};
use crate::gui::state::{AppState, LaunchState};
use crate::core::human_time;
use crate::gui::views::failure_text;

/// The search box's id, so Ctrl+K can focus it.
pub fn search_id() -> egui::Id {
    egui::Id::unique("account-search")
}

pub fn provider_badge(provider: ProviderKind) -> (&'static str, Color32) {
    match provider {
        ProviderKind::Assuresign => ("AS", Color32::from_rgb(0x2b, 0x6c, 0xb0)),
        ProviderKind::Ags => ("AGS", Color32::from_rgb(0x6b, 0x46, 0xc1)),
        ProviderKind::Licensespring => ("LS", Color32::from_rgb(0x2f, 0x85, 0x5a)),
        ProviderKind::Signnow => ("SN", Color32::from_rgb(0xc0, 0x56, 0x21)),
        ProviderKind::Sovos => ("SV", Color32::from_rgb(0xb8, 0x32, 0x80)),
    }
}

/// The account list's row height (the list draws only the rows in view).
pub fn row_height(ui: &Ui) -> f32 {
    ui.spacing().interact_size.y + 8.0
}

pub fn show(ui: &mut Ui, state: &mut AppState, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let search = ui.add(
            TextEdit::singleline(&mut state.list.query)
                .id(search_id())
                .hint_text("Search by name, tag, provider or notes  (Ctrl+K)")
                .desired_width(ui.available_width() - 260.0),
        );
        let _ = search.accessible_name("Search accounts");
        action_button(ui, Action::NewAccount, None, true, actions);
        ui.label(format!(
            "{} of {}",
            state.list.shown.len(),
            state.accounts.len()
        ));
    });
    if let Some(failure) = &state.accounts_failure {
        ui.colored_label(ui.visuals().error_fg_color, failure_text(failure));
        action_button(ui, Action::Reload, None, true, actions);
    }
    ui.separator();

    egui::Panel::bottom("account-details")
        .resizable(true)
        .default_size(150.0)
        .show(ui, |ui| details(ui, state, actions));

    if state.loaded && state.accounts.is_empty() {
        ui.add_space(20.0);
        ui.vertical_centered(|ui| {
            ui.label("No accounts yet. Add one to sign in with a click.");
            action_button(ui, Action::NewAccount, Some("(first)"), true, actions);
        });
        return;
    }
    let height = row_height(ui);
    let mut scroll = ScrollArea::vertical()
        .id_salt("account-list")
        .auto_shrink(false);
    if std::mem::take(&mut state.list.scroll_to_selected)
        && let Some(position) = state
            .list
            .selected
            .and_then(|id| state.list.shown.iter().position(|shown| *shown == id))
    {
        let (offset, viewport) = state.list_viewport;
        let top = position as f32 * (height + ui.spacing().item_spacing.y);
        let bottom = top + height;
        if top < offset {
            scroll = scroll.vertical_scroll_offset(top);
        } else if bottom > offset + viewport {
            scroll = scroll.vertical_scroll_offset(bottom - viewport);
        }
    }
    let now = OffsetDateTime::now_utc();
    let output = scroll.show_rows(ui, height, state.list.shown.len(), |ui, rows| {
        for position in rows {
            let id = state.list.shown[position];
            if let Some(account) = state.account(id) {
                row(ui, state, account, now, height, actions);
            }
        }
    });
    state.list_viewport = (output.state.clamped_offset().y, output.inner_rect.height());
    state.list_rect = Some(output.inner_rect);
}

fn row(
    ui: &mut Ui,
    state: &AppState,
    account: &Account,
    now: OffsetDateTime,
    height: f32,
    actions: &mut Vec<Action>,
) {
    let selected = state.list.selected == Some(account.id);
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(ui.available_width(), height),
        egui::Sense::hover(),
    );
    if selected {
        ui.painter().rect_filled(
            rect,
            4.0,
            ui.visuals().selection.bg_fill.gamma_multiply(0.5),
        );
    }
    let mut row_ui = ui.new_child(
        egui::UiBuilder::new()
            .max_rect(rect.shrink2(egui::vec2(4.0, 2.0)))
            .layout(Layout::left_to_right(Align::Center)),
    );
    let ui = &mut row_ui;
    let favourite = star(ui, account.favourite)
        .accessible_name(format!("Favourite {}", account.name))
        .on_hover_text(Action::ToggleFavourite(account.id).tooltip());
    if favourite.clicked() {
        actions.push(Action::ToggleFavourite(account.id));
    }
    let (badge, colour) = provider_badge(account.provider);
    ui.label(
        RichText::new(format!(" {badge} "))
            .color(Color32::WHITE)
            .background_color(colour)
            .monospace(),
    )
    .on_hover_text(account.provider.display_name());
    let name = ui.add(
        egui::Label::new(RichText::new(&account.name).strong())
            .sense(egui::Sense::click())
            .truncate(),
    );
    if name.clicked() {
        actions.push(Action::Select(account.id));
    }
    if name.double_clicked() {
        actions.push(Action::Launch(account.id));
    }
    if !account.tags.is_empty() {
        ui.label(RichText::new(account.tags.join(" · ")).weak().small());
    }
    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
        let name = Some(account.name.as_str());
        if state.is_running(account.id) {
            action_button(ui, Action::CancelLaunch(account.id), name, true, actions);
            ui.spinner();
        } else {
            action_button(ui, Action::CopyLink(account.id), name, true, actions);
            action_button(ui, Action::Launch(account.id), name, true, actions);
        }
        ui.menu_button("More", |ui| {
            action_button(ui, Action::EditAccount(account.id), name, true, actions);
            action_button(
                ui,
                Action::DuplicateAccount(account.id),
                name,
                true,
                actions,
            );
            action_button(ui, Action::CopyLaunchLink(account.id), name, true, actions);
            action_button(ui, Action::AskDelete(account.id), name, true, actions);
        })
        .response
        .accessible_name(format!("More for {}", account.name));
        ui.label(status_text(state, account, now));
    });
}

/// A star toggle, drawn (the bundled fonts have no star glyph).
fn star(ui: &mut Ui, on: bool) -> egui::Response {
    let size = ui.spacing().interact_size.y;
    let (rect, response) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::click());
    response
        .widget_info(|| egui::WidgetInfo::selected(egui::Role::CheckBox, true, on, "Favourite"));
    let visuals = ui.style().interact(&response);
    let center = rect.center();
    let outer = size * 0.42;
    let points: Vec<egui::Pos2> = (0..10)
        .map(|i| {
            let radius = if i % 2 == 0 { outer } else { outer * 0.45 };
            let angle = std::f32::consts::PI * (i as f32 / 5.0 - 0.5);
            center + radius * egui::vec2(angle.cos(), angle.sin())
        })
        .collect();
    let gold = Color32::from_rgb(0xe8, 0xb0, 0x20);
    let stroke = egui::Stroke::new(1.5, if on { gold } else { visuals.fg_stroke.color });
    if on {
        // Filled as a fan from the centre: the star is not convex.
        for i in 0..10 {
            let triangle = vec![center, points[i], points[(i + 1) % 10]];
            ui.painter().add(egui::Shape::convex_polygon(
                triangle,
                gold,
                egui::Stroke::NONE,
            ));
        }
    }
    ui.painter().add(egui::Shape::closed_line(points, stroke));
    response
}

/// The status column: a running launch's step, else the token.
fn status_text(state: &AppState, account: &Account, now: OffsetDateTime) -> RichText {
    if let Some(LaunchState::Running {
        step,
        waiting_for_browser,
        ..
    }) = state.launches.get(&account.id)
    {
        let text = match (waiting_for_browser, step) {
            (true, _) => "waiting for the browser…".to_string(),
            (false, Some(step)) => format!("{}…", step.label()),
            (false, None) => "starting…".to_string(),
        };
        return RichText::new(text).italics();
    }
    match state.tokens.get(&account.id) {
        None => RichText::new("…").weak(),
        Some(TokenStatus::NoSession) => RichText::new("signs in each time").weak(),
        Some(TokenStatus::NeedsSignIn) => RichText::new("needs sign-in").weak(),
        Some(TokenStatus::Held { expires_at, .. }) => {
            RichText::new(human_time::expiry(*expires_at, now))
        }
        Some(TokenStatus::Failed(_)) => {
            RichText::new("error").color(Color32::from_rgb(0xd0, 0x40, 0x40))
        }
    }
}

fn details(ui: &mut Ui, state: &AppState, actions: &mut Vec<Action>) {
    let Some(account) = state.list.selected.and_then(|id| state.account(id)) else {
        ui.weak("Select an account to see its details. Arrows move, Enter launches, Ctrl+Enter copies the link.");
        return;
    };
    ScrollArea::vertical().id_salt("details").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.heading(&account.name);
            ui.label(RichText::new(account.provider.display_name()).weak());
        });
        if !account.notes.is_empty() {
            ui.label(&account.notes);
        }
        if let Some(TokenStatus::Failed(message)) = state.tokens.get(&account.id) {
            ui.colored_label(ui.visuals().warn_fg_color, message);
        }
        match state.launches.get(&account.id) {
            Some(LaunchState::Running {
                how,
                step,
                waiting_for_browser,
            }) => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    let what = match how {
                        LaunchHow::Browser => "Launching",
                        LaunchHow::CopyLink => "Getting a link",
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
            Some(LaunchState::Done(Ok(report))) => {
                ui.label(RichText::new(&report.summary).strong());
                if let Some(link) = &report.shown_link {
                    ui.horizontal(|ui| {
                        ui.add(egui::Label::new(RichText::new(link).monospace()).truncate());
                        if ui
                            .button("Copy")
                            .accessible_name("Copy the link shown")
                            .clicked()
                        {
                            ui.ctx().copy_text(link.clone());
                        }
                    });
                }
                for (label, value) in &report.facts {
                    ui.label(format!("{label}: {value}"));
                }
            }
            Some(LaunchState::Done(Err(failure))) => {
                ui.colored_label(ui.visuals().error_fg_color, &failure.message);
                if let Some(hint) = &failure.hint {
                    ui.label(hint);
                }
            }
            None => {}
        }
        if let Some(until) = state.copied_until.get(&account.id) {
            let left = remaining(*until, OffsetDateTime::now_utc());
            ui.label(format!(
                "The link is on the clipboard for {} s more, then cleared.",
                left.as_secs()
            ));
        }
    });
}
