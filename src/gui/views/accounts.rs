//! The accounts tab: search above, the list on the left (one line a row, virtualised) and the
//! selected account on the right (`account_detail.rs`).

use egui::{Align, Color32, Layout, Rect, RichText, ScrollArea, Sense, TextEdit, Ui, pos2, vec2};
use time::OffsetDateTime;

use crate::core::account::{Account, ProviderId};
use crate::core::human_time;
use crate::core::protocol::TokenStatus;
use crate::gui::commands::{Action, action_button, primary_button};
use crate::gui::list_groups::{GroupBy, ListItem};
use crate::gui::state::{AppState, LaunchState};
use crate::gui::views::account_detail;

/// The search box's id, so Ctrl+K can focus it.
pub fn search_id() -> egui::Id {
    egui::Id::unique("account-search")
}

/// A provider's badge: its short name and colour.
pub fn provider_badge(provider: ProviderId) -> (&'static str, Color32) {
    let badge = crate::core::provider::require_provider(provider)
        .spec()
        .badge;
    let [red, green, blue] = badge.rgb;
    (badge.text, Color32::from_rgb(red, green, blue))
}

/// Draws a provider badge of one width for every provider, so names line up after it.
pub fn badge(ui: &mut Ui, provider: ProviderId) -> egui::Response {
    let (text, colour) = provider_badge(provider);
    let height = ui.text_style_height(&egui::TextStyle::Small) + 4.0;
    let (rect, response) = ui.allocate_exact_size(vec2(34.0, height), Sense::hover());
    ui.painter().rect_filled(rect, 3.0, colour);
    ui.painter().text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        text,
        egui::FontId::monospace(height - 5.0),
        Color32::WHITE,
    );
    response.on_hover_text(provider.display_name())
}

/// The width of a row's star and provider badge, with their spacing.
const STAR_AND_BADGE: f32 = 90.0;

/// The account list's row height (the list draws only the rows in view).
pub fn row_height(ui: &Ui) -> f32 {
    ui.spacing().interact_size.y + 8.0
}

/// The accessible name of an account's row in the list.
pub fn row_label(account: &Account) -> String {
    account.name.clone()
}

pub fn show(ui: &mut Ui, state: &mut AppState, actions: &mut Vec<Action>) {
    let first_run_now =
        state.loaded && state.accounts.is_empty() && state.accounts_failure.is_none();
    if first_run_now {
        first_run(ui, actions);
        return;
    }
    search_bar(ui, state, actions);
    super::bulk::bar(ui, state, actions);
    ui.add_space(4.0);
    if let Some(failure) = &state.accounts_failure {
        ui.colored_label(ui.visuals().error_fg_color, &failure.message);
        if let Some(hint) = &crate::gui::remedies::hint(failure) {
            ui.label(hint);
        }
        ui.label("Nothing is changed until the file reads again.");
        action_button(ui, Action::Reload, None, true, actions);
        return;
    }
    let width = ui.available_width();
    let list_panel = egui::Panel::left("account-list")
        .resizable(true)
        .default_size((width * 0.5).clamp(300.0, 540.0))
        .min_size(240.0)
        .max_size((width * 0.55).max(260.0))
        .show(ui, |ui| list(ui, state, actions));
    grip(ui, list_panel.response.rect);
    egui::CentralPanel::default().show(ui, |ui| account_detail::show(ui, state, actions));
}

/// Three dots on the divider between list and detail, so it reads as something to drag.
fn grip(ui: &Ui, list: Rect) {
    let colour = ui.visuals().weak_text_color();
    let x = list.right() + 1.0;
    for step in [-6.0, 0.0, 6.0] {
        ui.painter()
            .circle_filled(pos2(x, list.center().y + step), 1.6, colour);
    }
}

/// What the list says about the team list: missing or broken (the last good copy shows),
/// and which of its accounts the personal list hides.
fn team_notice(ui: &mut Ui, state: &AppState) {
    if let Some(notice) = &state.team.notice {
        ui.colored_label(ui.visuals().warn_fg_color, notice);
    }
    if !state.team.hidden.is_empty() {
        ui.weak(format!(
            "Your own accounts of the same name hide these of the team list: {}.",
            state.team.hidden.join(", ")
        ));
    }
}

fn search_bar(ui: &mut Ui, state: &mut AppState, actions: &mut Vec<Action>) {
    team_notice(ui, state);
    ui.horizontal(|ui| {
        let counts = format!("{} of {}", state.list.shown.len(), state.accounts.len());
        let reserved = 390.0
            + ui.fonts_mut(|fonts| {
                fonts
                    .layout_no_wrap(counts.clone(), egui::FontId::default(), Color32::WHITE)
                    .size()
                    .x
            });
        let search = ui.add(
            TextEdit::singleline(&mut state.list.query)
                .id(search_id())
                .hint_text("Search name, tag, provider or notes  (Ctrl+K)")
                .desired_width((ui.available_width() - reserved).max(120.0)),
        );
        let _ = search.accessible_name("Search accounts");
        ui.label(counts);
        let mut group_by = state.list.group_by;
        egui::ComboBox::from_id_salt("group-by")
            .selected_text(group_by.label())
            .show_ui(ui, |ui| {
                for choice in GroupBy::ALL {
                    ui.selectable_value(&mut group_by, choice, choice.label());
                }
            })
            .response
            .accessible_name("Groups");
        if group_by != state.list.group_by {
            actions.push(Action::GroupBy(group_by));
        }
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            let can_add = state.accounts_failure.is_none();
            action_button(ui, Action::NewAccount, None, can_add, actions)
                .on_disabled_hover_text("The account list cannot be read; fix accounts.toml first");
            action_button(ui, Action::ShowImport, None, can_add, actions)
                .on_disabled_hover_text("The account list cannot be read; fix accounts.toml first");
        });
    });
}

/// No accounts yet: what to do first.
fn first_run(ui: &mut Ui, actions: &mut Vec<Action>) {
    ui.add_space(48.0);
    ui.vertical_centered(|ui| {
        ui.heading("No accounts yet");
        ui.label(
            "Add a provider account to sign in with one click, or bring a list from a colleague.",
        );
        ui.add_space(12.0);
        ui.horizontal(|ui| {
            // Centres the three buttons: their width is known only after drawing.
            let width = 360.0;
            ui.add_space(((ui.available_width() - width) / 2.0).max(0.0));
            primary_button(ui, Action::NewAccount, None, true, actions);
            action_button(ui, Action::ShowImport, None, true, actions);
            action_button(ui, Action::TryDemo, None, true, actions);
        });
    });
}

fn list(ui: &mut Ui, state: &mut AppState, actions: &mut Vec<Action>) {
    if state.list.shown.is_empty() && !state.list.query.is_empty() {
        ui.add_space(16.0);
        ui.vertical_centered(|ui| {
            ui.label(format!(
                "No account matches '{}' — Esc clears the search",
                state.list.query
            ));
        });
        return;
    }
    let height = row_height(ui);
    let mut scroll = ScrollArea::vertical()
        .id_salt("account-list")
        .auto_shrink(false);
    if std::mem::take(&mut state.list.scroll_to_selected)
        && let Some(position) = state.list.selected.and_then(|id| {
            state
                .list
                .items
                .iter()
                .position(|item| *item == ListItem::Account(id))
        })
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
    let output = scroll.show_rows(ui, height, state.list.items.len(), |ui, rows| {
        for position in rows {
            match &state.list.items[position] {
                ListItem::Account(id) => {
                    if let Some(account) = state.account(*id) {
                        row(ui, state, account, now, height, actions);
                    }
                }
                ListItem::Header {
                    group,
                    count,
                    folded,
                } => super::list_parts::group_header(ui, group, *count, *folded, height, actions),
            }
        }
    });
    state.list_viewport = (output.state.clamped_offset().y, output.inner_rect.height());
    state.list_rect = Some(output.inner_rect);
}

/// One line: star, badge, name, tags, status; Launch on hover or selection. The whole row
/// selects on click and launches on double-click.
fn row(
    ui: &mut Ui,
    state: &AppState,
    account: &Account,
    now: OffsetDateTime,
    height: f32,
    actions: &mut Vec<Action>,
) {
    let selected = state.list.selected == Some(account.id);
    let marked = state.list.marked.contains(&account.id);
    let (rect, response) =
        ui.allocate_exact_size(vec2(ui.available_width(), height), Sense::click());
    response.widget_info(|| {
        egui::WidgetInfo::selected(
            egui::Role::ListItem,
            true,
            selected || marked,
            row_label(account),
        )
    });
    let hovered = ui.rect_contains_pointer(rect);
    let visuals = ui.visuals();
    if selected {
        ui.painter()
            .rect_filled(rect, 4.0, visuals.selection.bg_fill.gamma_multiply(0.6));
    } else if marked {
        ui.painter()
            .rect_filled(rect, 4.0, visuals.selection.bg_fill.gamma_multiply(0.35));
    } else if hovered {
        ui.painter()
            .rect_filled(rect, 4.0, visuals.widgets.hovered.weak_bg_fill);
    }
    let modifiers = ui.input(|input| input.modifiers);
    if response.double_clicked() && !modifiers.command && !modifiers.shift {
        actions.push(Action::Launch(account.id));
    } else if response.clicked() {
        actions.push(if modifiers.command {
            Action::ToggleMark(account.id)
        } else if modifiers.shift {
            Action::MarkRange(account.id)
        } else {
            Action::Select(account.id)
        });
    }
    let inner = rect.shrink2(vec2(6.0, 2.0));
    let launch_width = 64.0;
    let (status, exact) = status_text(state, account, now);
    // The name comes first: it keeps what it needs, up to two thirds of the text room (after
    // the star and badge); the status takes what its text needs of the rest. A narrow row
    // (large text, a narrow list) drops the status: the detail pane and the tooltip say it.
    let text_room = inner.width() - launch_width - 12.0 - STAR_AND_BADGE;
    let name_floor = text_width(ui, &account.name, egui::TextStyle::Body).min(text_room * 0.66);
    let status_width = if text_room - name_floor < 64.0 {
        0.0
    } else {
        text_width(ui, status.text(), egui::TextStyle::Body).min(text_room - name_floor)
    };
    let launch_rect =
        Rect::from_min_max(pos2(inner.right() - launch_width, inner.top()), inner.max);
    let status_rect = Rect::from_min_max(
        pos2(launch_rect.left() - status_width - 6.0, inner.top()),
        pos2(launch_rect.left() - 6.0, inner.bottom()),
    );
    let left = Rect::from_min_max(inner.min, pos2(status_rect.left() - 6.0, inner.bottom()));

    let mut left_ui = ui.new_child(
        egui::UiBuilder::new()
            .max_rect(left)
            .layout(Layout::left_to_right(Align::Center)),
    );
    let favourite = star(&mut left_ui, account.favourite)
        .accessible_name(format!("Favourite {}", account.name))
        .on_hover_text(Action::ToggleFavourite(account.id).tooltip());
    if favourite.clicked() {
        actions.push(Action::ToggleFavourite(account.id));
    }
    badge(&mut left_ui, account.provider);
    let tags = account.tags.join(" · ");
    // The stage's label keeps its room after the name: it says production before a click.
    let stage_width = account
        .stage()
        .map_or(0.0, |stage| super::stage::chip_width(&left_ui, stage));
    // The name has what it needs first; tags get the rest, or nothing when that is little.
    let room = left_ui.available_width() - stage_width;
    let name_needed = text_width(&left_ui, &account.name, egui::TextStyle::Body) + 8.0;
    let name_width = if tags.is_empty() || room - name_needed < 36.0 {
        room
    } else {
        name_needed
    };
    left_ui.scope(|ui| {
        ui.set_max_width(name_width);
        let name = ui.add(
            egui::Label::new(super::list_parts::highlighted_name(
                ui,
                &account.name,
                &state.list.query,
            ))
            .selectable(false)
            .truncate(),
        );
        if name_width < name_needed {
            name.on_hover_text(&account.name);
        }
    });
    if let Some(stage) = account.stage() {
        super::stage::chip(&mut left_ui, stage);
    }
    if state.is_team(account.id) {
        left_ui
            .add(egui::Label::new(RichText::new("Team").small().weak()).selectable(false))
            .on_hover_text("From the team list (read-only here)");
    }
    if !tags.is_empty() && name_width < room {
        left_ui
            .add(
                egui::Label::new(RichText::new(&tags).weak().small())
                    .selectable(false)
                    .truncate(),
            )
            .on_hover_text(&tags);
    }

    if status_width > 0.0 {
        status_cell(ui, status_rect, status, exact);
    }

    if hovered || selected {
        if state.is_running(account.id) {
            let mut slot = ui.new_child(
                egui::UiBuilder::new()
                    .max_rect(launch_rect)
                    .layout(Layout::right_to_left(Align::Center)),
            );
            slot.spinner();
        } else {
            let button = ui
                .put(
                    launch_rect.shrink2(vec2(0.0, 1.0)),
                    egui::Button::new("Launch"),
                )
                .accessible_name(format!("Launch {} from the list", account.name))
                .on_hover_text(Action::Launch(account.id).hover_text(ui.ctx()));
            if button.clicked() {
                actions.push(Action::Launch(account.id));
            }
        }
    }
}

/// The row's status column, with the exact time (or the whole text when cut) on hover.
fn status_cell(ui: &mut Ui, rect: Rect, status: RichText, exact: Option<String>) {
    let mut status_ui = ui.new_child(
        egui::UiBuilder::new()
            .max_rect(rect)
            .layout(Layout::right_to_left(Align::Center)),
    );
    let label = status_ui.add(
        egui::Label::new(status.clone())
            .selectable(false)
            .truncate(),
    );
    let hover = match exact {
        Some(exact) => Some(format!("{}: {exact}", status.text())),
        None => (label.rect.width() + 1.0 < text_width(ui, status.text(), egui::TextStyle::Body))
            .then(|| status.text().to_string()),
    };
    if let Some(hover) = hover {
        label.on_hover_text(hover);
    }
}

/// How wide `text` is in `style` (strong text is a little wider: a margin is added where
/// it matters).
fn text_width(ui: &Ui, text: &str, style: egui::TextStyle) -> f32 {
    let font = style.resolve(ui.style());
    ui.fonts_mut(|fonts| {
        fonts
            .layout_no_wrap(text.to_string(), font, Color32::WHITE)
            .size()
            .x
    })
}

/// A star toggle, drawn (the bundled fonts have no star glyph).
pub fn star(ui: &mut Ui, on: bool) -> egui::Response {
    let size = ui.spacing().interact_size.y;
    let (rect, response) = ui.allocate_exact_size(vec2(size, size), Sense::click());
    response
        .widget_info(|| egui::WidgetInfo::selected(egui::Role::CheckBox, true, on, "Favourite"));
    let visuals = ui.style().interact(&response);
    let center = rect.center();
    let outer = size * 0.42;
    let points: Vec<egui::Pos2> = (0..10)
        .map(|i| {
            let radius = if i % 2 == 0 { outer } else { outer * 0.45 };
            let angle = std::f32::consts::PI * (i as f32 / 5.0 - 0.5);
            center + radius * vec2(angle.cos(), angle.sin())
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

/// The status column: a running launch's step, else the session; with the exact time for
/// the tooltip, where there is one.
pub fn status_text(
    state: &AppState,
    account: &Account,
    now: OffsetDateTime,
) -> (RichText, Option<String>) {
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
        return (RichText::new(text).italics(), None);
    }
    match state.tokens.get(&account.id) {
        None => (RichText::new("…").weak(), None),
        Some(TokenStatus::NoSession) => (RichText::new("signs in each time").weak(), None),
        Some(TokenStatus::NeedsSignIn) => (RichText::new("needs sign-in").weak(), None),
        Some(TokenStatus::Held { expires_at, .. }) => (
            RichText::new(human_time::expiry(*expires_at, now)),
            Some(human_time::exact(*expires_at)),
        ),
        Some(TokenStatus::Failed(message)) => (
            RichText::new("session error").color(Color32::from_rgb(0xd0, 0x40, 0x40)),
            Some(message.clone()),
        ),
    }
}
