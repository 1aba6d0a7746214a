//! The frame's chores around drawing: keyboard shortcuts, the theme and text size, and
//! asking for the next frame only while something on screen changes with time.

use time::OffsetDateTime;

use crate::core::store::settings::Theme;
use crate::gui::app::SsoApp;
use crate::gui::commands::{Action, Tab};
use crate::gui::views;

impl SsoApp {
    /// Keyboard shortcuts: global ones always; the list keys only while typing in no field
    /// but the search box, and with no dialog open.
    pub(crate) fn shortcuts(&self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        let dialog_open = self.state.editor.is_some()
            || self.state.pending_delete.is_some()
            || self.state.choice.is_some()
            || self.state.link.is_some()
            || self.state.bulk.is_some();
        let focus = ctx.memory(|memory| memory.focused());
        let typing_elsewhere = focus.is_some_and(|id| id != views::accounts::search_id());
        let list_keys = !dialog_open && !typing_elsewhere && self.state.tab == Tab::Accounts;
        let clear_search = !self.state.list.query.is_empty() || !self.state.list.marked.is_empty();
        ctx.input_mut(|input| {
            for action in Action::GLOBAL {
                let pressed = action
                    .shortcuts()
                    .iter()
                    .any(|shortcut| input.consume_shortcut(shortcut));
                if !dialog_open && pressed {
                    actions.push(action);
                }
            }
            if list_keys {
                // Ctrl+Enter before Enter: consuming Enter alone would match Ctrl+Enter too.
                for action in Action::LIST_KEYS {
                    if action == Action::ClearSearch && !clear_search {
                        continue;
                    }
                    let shortcut = action.shortcut().expect("list actions have shortcuts");
                    if input.consume_shortcut(&shortcut) {
                        actions.push(action);
                    }
                }
            }
        });
    }

    pub(crate) fn apply_look(&mut self, ctx: &egui::Context) {
        let wanted = (
            self.state.settings.text_scale.unwrap_or(1.0),
            self.state.settings.theme,
        );
        if self.applied == Some(wanted) {
            return;
        }
        ctx.set_zoom_factor(wanted.0);
        ctx.set_theme(match wanted.1 {
            Theme::System => egui::ThemePreference::System,
            Theme::Light => egui::ThemePreference::Light,
            Theme::Dark => egui::ThemePreference::Dark,
        });
        self.applied = Some(wanted);
    }

    /// Asks for the next frame only while something on screen changes with time (nothing
    /// does while the window is hidden).
    pub(crate) fn schedule_repaint(&self, ctx: &egui::Context) {
        if self.window.hidden {
            return;
        }
        if let Some(at) = self.state.notice_at
            && let Some(left) = views::status::NOTICE_SHOWN_FOR.checked_sub(at.elapsed())
        {
            ctx.request_repaint_after(left);
        }
        if !self.state.copied_until.is_empty() {
            ctx.request_repaint_after(std::time::Duration::from_secs(1));
        } else if self.state.tokens.values().any(|status| {
            matches!(status, crate::core::protocol::TokenStatus::Held { expires_at, .. } if *expires_at > OffsetDateTime::now_utc())
        }) {
            // "expires in N min" counts down.
            ctx.request_repaint_after(std::time::Duration::from_secs(30));
        }
    }
}

impl eframe::App for SsoApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.update_state(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.draw(ui);
    }

    fn save(&mut self, _storage: &mut dyn eframe::Storage) {
        // Only the window's size and place are kept (by eframe, in the app's data dir).
    }

    fn persist_egui_memory(&self) -> bool {
        false
    }

    /// eframe keeps the window's size and place at these saves: never the quick form's.
    fn auto_save_interval(&self) -> std::time::Duration {
        if self.window.quick_mode {
            std::time::Duration::MAX
        } else {
            std::time::Duration::from_secs(30)
        }
    }
}
