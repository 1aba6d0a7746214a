//! The quick-launch window: a search box, focused, and the matching accounts below, ranked as
//! in the main list. Up/Down move, Enter launches, Ctrl+Enter copies a link, Esc closes.
//! Opened from the tray's "Search…" and by `sso-launcher quick`.
//!
//! It is the app's own window in a small form (the main window is hidden in the tray
//! meanwhile), not a second egui viewport: eframe gives only the root window an
//! accessibility adapter, and a quick-launch window a screen reader cannot read is no good.

use egui::{Key, KeyboardShortcut, Modifiers, RichText, ScrollArea, TextEdit};

use crate::core::account::{Account, AccountId};
use crate::core::launch::LaunchTarget;
use crate::core::search;
use crate::gui::state::AppState;

pub const TITLE: &str = "sso-launcher quick launch";
/// The window's size in quick form, in points.
pub const SIZE: [f32; 2] = [520.0, 380.0];
pub const MIN_SIZE: [f32; 2] = [360.0, 200.0];
/// How many matches the window lists.
const SHOWN: usize = 50;

pub fn search_id() -> egui::Id {
    egui::Id::unique("quick-launch-search")
}

#[derive(Debug, Default)]
pub struct QuickState {
    pub query: String,
    /// The matches, best first.
    pub shown: Vec<AccountId>,
    pub selected: usize,
    /// The query and account-list version the matches were made for.
    arranged_for: Option<(String, u64)>,
    focused_once: bool,
    /// The row last scrolled into view (scrolling every frame would animate forever).
    scrolled_to: Option<usize>,
}

/// What the user did in the quick-launch window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuickAction {
    Launch(AccountId, LaunchTarget),
    Close,
}

impl QuickState {
    fn arrange(&mut self, state: &AppState) {
        let key = (self.query.clone(), state.accounts_version);
        if self.arranged_for.as_ref() == Some(&key) {
            return;
        }
        self.shown = search::arrange_indexed(
            &state.search_index,
            &state.accounts,
            &self.query,
            state.settings.account_order,
            &state.last_launched,
        )
        .into_iter()
        .take(SHOWN)
        .map(|index| state.accounts[index].id)
        .collect();
        self.selected = 0;
        self.scrolled_to = None;
        self.arranged_for = Some(key);
    }
}

/// Draws the quick-launch window's content (while `state.quick` is set) and returns what was
/// done in it.
pub fn show(ui: &mut egui::Ui, state: &mut AppState) -> Vec<QuickAction> {
    let Some(mut quick) = state.quick.take() else {
        return Vec::new();
    };
    quick.arrange(state);
    let actions = draw(ui, state, &mut quick);
    state.quick = Some(quick);
    actions
}

fn draw(ui: &mut egui::Ui, state: &AppState, quick: &mut QuickState) -> Vec<QuickAction> {
    let ctx = ui.ctx().clone();
    let mut actions = Vec::new();
    let copy = KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter);
    ctx.input_mut(|input| {
        let chosen = quick.shown.get(quick.selected).copied();
        if input.consume_key(Modifiers::NONE, Key::Escape) {
            actions.push(QuickAction::Close);
        } else if input.consume_shortcut(&copy) {
            actions.extend(chosen.map(|id| QuickAction::Launch(id, LaunchTarget::Copy)));
        } else if input.consume_key(Modifiers::NONE, Key::Enter) {
            actions.extend(chosen.map(|id| QuickAction::Launch(id, LaunchTarget::Browser)));
        } else if input.consume_key(Modifiers::NONE, Key::ArrowDown) {
            quick.selected = (quick.selected + 1).min(quick.shown.len().saturating_sub(1));
        } else if input.consume_key(Modifiers::NONE, Key::ArrowUp) {
            quick.selected = quick.selected.saturating_sub(1);
        }
    });
    egui::Panel::bottom("quick-keys").show(ui, |ui| {
        ui.weak("Up, Down choose   ·   Enter launch   ·   Ctrl+Enter copy link   ·   Esc close");
    });
    egui::CentralPanel::default().show(ui, |ui| {
        let search = ui
            .add(
                TextEdit::singleline(&mut quick.query)
                    .id(search_id())
                    .font(egui::TextStyle::Heading)
                    .hint_text("Find an account…")
                    .margin(egui::vec2(8.0, 6.0))
                    .desired_width(f32::INFINITY),
            )
            .accessible_name("Search accounts to launch");
        if !quick.focused_once {
            search.request_focus();
            quick.focused_once = true;
        }
        ui.add_space(4.0);
        if quick.shown.is_empty() {
            ui.weak(if state.accounts.is_empty() {
                "No accounts yet: add one in the main window."
            } else {
                "No account matches."
            });
        }
        ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
            for (position, id) in quick.shown.iter().enumerate() {
                let Some(account) = state.account(*id) else {
                    continue;
                };
                let row = result_row(ui, state, account, position == quick.selected);
                if position == quick.selected && quick.scrolled_to != Some(position) {
                    row.scroll_to_me(None);
                    quick.scrolled_to = Some(position);
                }
                if row.clicked() {
                    actions.push(QuickAction::Launch(*id, LaunchTarget::Browser));
                }
            }
        });
    });
    actions
}

/// One match: a full-width row with the provider badge, the name, and the tags and token
/// state in small print; named "Launch NAME" for screen readers.
fn result_row(
    ui: &mut egui::Ui,
    state: &AppState,
    account: &Account,
    selected: bool,
) -> egui::Response {
    let height = ui.spacing().interact_size.y * 1.6;
    let (rect, response) = ui.allocate_exact_size(
        egui::vec2(ui.available_width(), height),
        egui::Sense::click(),
    );
    let name = format!("Launch {}", account.name);
    response.widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, selected, &name));
    let response = response.accessible_name(name.clone());
    let visuals = ui.visuals().clone();
    if selected || response.hovered() {
        let fill = if selected {
            visuals.selection.bg_fill
        } else {
            visuals.widgets.hovered.weak_bg_fill
        };
        ui.painter().rect_filled(rect, 4.0, fill);
    }
    let inner = rect.shrink2(egui::vec2(8.0, 2.0));
    let text = if selected {
        visuals.selection.stroke.color
    } else {
        visuals.strong_text_color()
    };
    let small = |text_colour: egui::Color32, words: String| {
        let words = RichText::new(words).small();
        if selected {
            words.color(text_colour.gamma_multiply(0.8))
        } else {
            words.weak()
        }
    };
    // The session on the right, like the main list; name and tags on the left.
    let now = time::OffsetDateTime::now_utc();
    let (status, _) = crate::gui::views::accounts::status_text(state, account, now);
    let mut right = ui.new_child(
        egui::UiBuilder::new()
            .max_rect(inner)
            .layout(egui::Layout::right_to_left(egui::Align::Center)),
    );
    let status = right.add(
        egui::Label::new(small(text, status.text().to_string()))
            .selectable(false)
            .truncate(),
    );
    let left_rect = egui::Rect::from_min_max(
        inner.min,
        egui::pos2(status.rect.left() - 8.0, inner.bottom()),
    );
    let mut row = ui.new_child(
        egui::UiBuilder::new()
            .max_rect(left_rect)
            .layout(egui::Layout::left_to_right(egui::Align::Center)),
    );
    crate::gui::views::accounts::badge(&mut row, account.provider);
    // The stage before the name, where the row never clips it.
    if let Some(stage) = account.stage() {
        crate::gui::views::stage::chip(&mut row, stage);
    }
    // The name in full (the row clips it); tags take what is left.
    row.add(
        egui::Label::new(RichText::new(&account.name).strong().color(text))
            .selectable(false)
            .extend(),
    );
    if !account.tags.is_empty() {
        row.add(
            egui::Label::new(small(text, account.tags.join(" · ")))
                .selectable(false)
                .truncate(),
        );
    }
    response
}
