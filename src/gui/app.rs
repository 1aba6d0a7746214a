//! The eframe app: folds worker events into the state each frame, draws the views, and turns
//! their actions into state changes and worker commands. It never blocks.

use crate::core::account::ProviderId;
use crate::core::launch::LaunchTarget;
use crate::core::protocol::{Command, Via};
use crate::core::store::settings::{Settings, TEXT_SCALE_RANGE, Theme};
use crate::core::store::settings_change::SettingsChange;
use crate::core::worker::{EngineFactory, WorkerHandle};
use crate::desktop::instance::InstanceRequest;
use crate::gui::commands::{Action, Tab, action_button};
use crate::gui::editor::Editor;
use crate::gui::resident::{DesktopOptions, Resident};
use crate::gui::state::{AppState, LaunchState, PendingLaunch};
use crate::gui::views;

pub struct SsoApp {
    pub(crate) worker: WorkerHandle,
    pub state: AppState,
    /// The text scale and theme last applied to the context.
    pub(crate) applied: Option<(f32, Theme)>,
    next_request: u64,
    /// For the startup benchmark: where to write when the first frame ran.
    first_frame_report: Option<std::path::PathBuf>,
    /// The window's title, also its accessible name.
    pub(crate) title: String,
    /// The tray, the one-instance service and notifications (the real app only).
    pub(crate) resident: Option<Resident>,
    pub(crate) window: WindowState,
}

/// Whether the main window shows, and what it is waiting to do about it.
#[derive(Debug, Default)]
pub(crate) struct WindowState {
    /// Hidden in the tray.
    pub hidden: bool,
    /// Frames still to draw, while hidden, to undo eframe's showing of the first frame.
    pub hide_passes: u8,
    /// Quit was asked for: the next close is not turned into a hide.
    pub quitting: bool,
    /// The window is the quick-launch window for now (the main window is in the tray).
    pub quick_mode: bool,
    /// The main window's size when last shown, restored after quick launch.
    pub main_size: Option<egui::Vec2>,
}

impl SsoApp {
    /// Starts the worker over the engine `factory` builds; events wake the window.
    pub fn new(ctx: &egui::Context, factory: EngineFactory) -> Self {
        let repaint = ctx.clone();
        let worker = WorkerHandle::start(
            factory,
            std::sync::Arc::new(move || repaint.request_repaint()),
        );
        // The app's own Ctrl +/- (saved as a setting) replaces egui's unsaved zoom keys.
        ctx.options_mut(|options| options.zoom_with_keyboard = false);
        Self {
            worker,
            state: AppState::default(),
            applied: None,
            next_request: 0,
            first_frame_report: std::env::var_os(FIRST_FRAME_ENV).map(Into::into),
            title: "sso-launcher".into(),
            resident: None,
            window: WindowState::default(),
        }
    }

    /// The real app: the window with its tray, one-instance service and notifications.
    pub fn resident(
        ctx: &egui::Context,
        factory: EngineFactory,
        title: &str,
        options: DesktopOptions,
    ) -> Self {
        let mut app = Self::new(ctx, factory);
        app.title = title.to_string();
        let quick_first = options.request == InstanceRequest::QuickLaunch;
        let start_hidden = options.start_hidden;
        let mut resident = Resident::start(ctx, &app.state, options);
        if resident.tray_shown() && (start_hidden || quick_first) {
            app.window.hidden = true;
            app.window.hide_passes = 3;
            // This start's own "show the window" is what starting hidden declines.
            resident.decline_first_show();
        } else if start_hidden {
            app.state
                .notice("Started with the window: there is no tray to start in.");
        }
        app.resident = Some(resident);
        app
    }

    /// Applies what the views asked for.
    fn perform(&mut self, ctx: &egui::Context, action: Action) {
        let Some(action) = self.perform_bulk(action) else {
            return;
        };
        let state = &mut self.state;
        match action {
            Action::ConfirmLink(id) => {
                state.link = None;
                state.list.selected = Some(id);
                state.list.scroll_to_selected = true;
                self.request_launch(
                    ctx,
                    PendingLaunch {
                        account: id,
                        target: LaunchTarget::Browser,
                        via: Via::Link,
                        confirmed: true,
                    },
                );
            }
            Action::DismissLink => state.link = None,
            Action::CopyLaunchLink(id) => {
                ctx.copy_text(crate::core::link::launch_link(id));
                if let Some(account) = state.account(id) {
                    let name = account.name.clone();
                    state.notice(format!("Copied the launch link of '{name}'."));
                }
            }
            Action::Launch(id) | Action::CopyLink(id) => {
                let target = if matches!(action, Action::Launch(_)) {
                    LaunchTarget::Browser
                } else {
                    LaunchTarget::Copy
                };
                state.list.selected = Some(id);
                self.request_launch(
                    ctx,
                    PendingLaunch {
                        account: id,
                        target,
                        via: Via::Window,
                        confirmed: false,
                    },
                );
            }
            Action::ConfirmHeldLaunch => {
                let ticket = state.ticket.current();
                let needs_ticket = state.settings.require_ticket && ticket.is_none();
                if !needs_ticket && let Some(pending) = state.launch_question.take() {
                    self.start_launch(pending, ticket);
                }
            }
            Action::DismissHeldLaunch => state.launch_question = None,
            Action::LaunchSelected | Action::CopySelected => {
                if let Some(id) = state.list.selected {
                    let next = if action == Action::LaunchSelected {
                        Action::Launch(id)
                    } else {
                        Action::CopyLink(id)
                    };
                    self.perform(ctx, next);
                }
            }
            Action::CancelLaunch(id) => self.worker.send(Command::CancelLaunch { account: id }),
            // Done by perform_bulk before this match.
            Action::ToggleMark(_)
            | Action::MarkRange(_)
            | Action::MarkAllShown
            | Action::ClearMarks
            | Action::OpenBulk(_)
            | Action::ApplyBulk
            | Action::CloseBulk
            | Action::AskActivityExport
            | Action::ExportActivity
            | Action::CloseActivityExport
            | Action::ToggleGroup(_)
            | Action::GroupBy(_)
            | Action::ShowImport
            | Action::PreviewImport
            | Action::ImportFile
            | Action::CloseImport => {}
            // A plain click picks one row: the marks go.
            Action::Select(id) => {
                state.list.selected = Some(id);
                state.list.walked_by_keyboard = false;
                state.list.marked.clear();
            }
            Action::ToggleFavourite(id) => {
                if let Some(account) = state.account(id) {
                    let favourite = !account.favourite;
                    self.worker.send(Command::SetFavourite {
                        account: id,
                        favourite,
                    });
                }
            }
            Action::NewAccount => {
                // The registry's first provider, as the form's provider list shows first.
                let first = ProviderId::all().next().expect("providers are registered");
                state.editor =
                    Some(Editor::new_account(first).offering(state.credential_sets.clone()));
            }
            Action::EditAccount(id) => {
                if let Some(account) = state.account(id) {
                    state.editor =
                        Some(Editor::edit(account).offering(state.credential_sets.clone()));
                    self.worker.send(Command::LoadSecretStatus { account: id });
                }
            }
            Action::DuplicateAccount(id) => {
                if let Some(account) = state.account(id) {
                    let taken = |name: &str| {
                        state
                            .accounts
                            .iter()
                            .any(|other| other.name.eq_ignore_ascii_case(name))
                    };
                    state.editor = Some(
                        Editor::duplicate(account, taken).offering(state.credential_sets.clone()),
                    );
                }
            }
            Action::AskDelete(id) => {
                if let Some(account) = state.account(id) {
                    state.pending_delete = Some((id, account.name.clone()));
                }
            }
            Action::ConfirmDelete(id) => {
                state.pending_delete = None;
                self.worker.send(Command::DeleteAccount { account: id });
            }
            Action::CancelDelete => state.pending_delete = None,
            Action::SaveEditor => {
                if let Some(editor) = &mut state.editor
                    && !editor.saving
                {
                    editor.save_attempted = true;
                    if editor.problems().is_empty() {
                        let command = editor.save_command();
                        self.worker.send(command);
                    }
                }
            }
            Action::CloseEditor => {
                if let Some(editor) = &mut state.editor
                    && !editor.saving
                {
                    if !editor.is_dirty() {
                        state.editor = None;
                    } else {
                        editor.confirm_discard = true;
                    }
                }
            }
            Action::DiscardEdits => state.editor = None,
            Action::KeepEditing => {
                if let Some(editor) = &mut state.editor {
                    editor.confirm_discard = false;
                }
            }
            Action::DiscoverServices => {
                if let Some(editor) = &mut state.editor {
                    self.next_request += 1;
                    editor.discovery.request = Some(self.next_request);
                    let account = editor.account();
                    self.worker.send(Command::Discover {
                        request: self.next_request,
                        account,
                    });
                }
            }
            Action::Choose { request, choice } => {
                state.choice = None;
                self.worker.send(Command::Choose { request, choice });
            }
            Action::RefreshToken(id) => {
                state.token_messages.remove(&id);
                self.worker.send(Command::RefreshToken { account: id });
            }
            Action::SignOut(id) => {
                state.token_messages.remove(&id);
                self.worker.send(Command::SignOut { account: id });
            }
            Action::RefreshAll => {
                state.refresh_all = Some((0, 0));
                self.worker.send(Command::RefreshAll {
                    per_second: views::tokens::REFRESH_ALL_PER_SECOND,
                });
            }
            Action::FocusSearch => {
                state.tab = Tab::Accounts;
                ctx.memory_mut(|memory| memory.request_focus(views::accounts::search_id()));
            }
            Action::SelectNext => state.move_selection(1),
            Action::SelectPrevious => state.move_selection(-1),
            // Esc: the search first, then the marks.
            Action::ClearSearch if state.list.query.is_empty() => state.list.marked.clear(),
            Action::ClearSearch => state.list.query.clear(),
            Action::ShowTab(tab) => state.tab = tab,
            Action::ApplySettings => {
                state.settings_message = None;
                let change = SettingsChange::between(&state.settings, &state.settings_draft);
                // Shown at once (the theme, the text size); the file follows.
                state.settings = change.applied_to(&state.settings);
                self.worker.send(Command::ChangeSettings(change));
            }
            Action::ZoomIn | Action::ZoomOut | Action::ZoomReset => {
                let current = state.settings.text_scale.unwrap_or(1.0);
                let scale = match action {
                    Action::ZoomIn => current + 0.1,
                    Action::ZoomOut => current - 0.1,
                    _ => 1.0,
                };
                let scale = (scale * 20.0).round() / 20.0;
                let settings = Settings {
                    text_scale: Some(
                        scale.clamp(*TEXT_SCALE_RANGE.start(), *TEXT_SCALE_RANGE.end()),
                    ),
                    ..state.settings.clone()
                };
                // Shown at once; saved in the background (only the text size).
                let change = SettingsChange::between(&state.settings, &settings);
                state.settings = settings;
                state.settings_draft = change.applied_to(&state.settings_draft);
                self.worker.send(Command::ChangeSettings(change));
            }
            Action::CheckVault => self.worker.send(Command::CheckVault),
            Action::Reload => self.worker.send(Command::Reload),
            Action::DismissNotice => state.notice_at = None,
            Action::TryDemo => {
                let started = std::env::current_exe()
                    .and_then(|exe| std::process::Command::new(exe).arg("--demo").spawn());
                state.notice(match started {
                    Ok(mut demo) => {
                        // Reaped when it ends, so no zombie is left behind.
                        std::thread::spawn(move || demo.wait());
                        "The demo opens in a window of its own.".to_string()
                    }
                    Err(err) => format!("Could not start the demo: {err}."),
                });
            }
            Action::CopyShownLink(id) => {
                let shown = match state.launches.get(&id) {
                    Some(LaunchState::Done(Ok(report))) => report.shown_link.clone(),
                    _ => None,
                };
                if let Some(link) = shown {
                    self.worker
                        .send(Command::CopyShownLink { account: id, link });
                }
            }
            Action::ShowVaultHelp => state.vault_help = true,
            Action::CloseVaultHelp => state.vault_help = false,
            Action::UseVaultFile => {
                state.vault_help = false;
                self.worker.send(Command::UseVaultFile);
            }
            Action::UnlockVault | Action::SetUpVault => self.worker.send(Command::UnlockVault),
            Action::LockVault => self.worker.send(Command::LockVault),
            Action::AnswerPassphrase(request) | Action::CreateVault(request) => {
                if let Some(passphrase) = state
                    .passphrase
                    .as_mut()
                    .and_then(|dialog| dialog.take_answer(request))
                {
                    state.passphrase = None;
                    self.worker.send(Command::AnswerPassphrase {
                        request,
                        passphrase: Some(passphrase),
                    });
                }
            }
            Action::DeclinePassphrase(request) => {
                state.passphrase = None;
                self.worker.send(Command::AnswerPassphrase {
                    request,
                    passphrase: None,
                });
            }
            Action::Quit => self.quit(ctx),
        }
    }
}

impl SsoApp {
    /// Folds the worker's events into the state; no drawing.
    pub fn update_state(&mut self, ctx: &egui::Context) {
        for event in self.worker.drain() {
            self.before_event(ctx, &event);
            self.state.apply(event);
        }
        self.resolve_link();
        self.desktop_logic(ctx);
        let pointer_on_list = match (ctx.pointer_hover_pos(), self.state.list_rect) {
            (Some(pointer), Some(rect)) => rect.contains(pointer),
            _ => false,
        };
        self.state.arrange_list(pointer_on_list);
        self.apply_look(ctx);
        self.schedule_repaint(ctx);
    }

    /// Draws the window and performs what was clicked or typed.
    pub fn draw(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.keep_hidden(&ctx);
        if self.window.quick_mode {
            return self.draw_quick(ui);
        }
        ctx.accesskit_node_builder(egui::accesskit_root_id(), |node| {
            node.set_label(self.title.as_str())
        });
        let mut actions = Vec::new();
        self.shortcuts(&ctx, &mut actions);
        if let Some(failure) = self.state.start_failure.clone() {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.heading("sso-launcher could not start");
                ui.colored_label(ui.visuals().error_fg_color, views::failure_text(&failure));
                action_button(ui, Action::Quit, None, true, &mut actions);
            });
            // Ctrl+Q and the zoom keys work here too.
            for action in actions {
                self.perform(&ctx, action);
            }
            return;
        }
        egui::Panel::top("tabs").show(ui, |ui| {
            ui.horizontal(|ui| {
                for tab in Tab::ALL {
                    if ui
                        .selectable_label(self.state.tab == tab, tab.label())
                        .clicked()
                    {
                        actions.push(Action::ShowTab(tab));
                    }
                }
            });
        });
        egui::Panel::bottom("status").show(ui, |ui| {
            views::status::show(ui, &self.state, &mut actions);
        });
        egui::CentralPanel::default().show(ui, |ui| match self.state.tab {
            Tab::Accounts => views::accounts::show(ui, &mut self.state, &mut actions),
            Tab::Tokens => views::tokens::show(ui, &self.state, &mut actions),
            Tab::Activity => views::activity::show(ui, &mut self.state, &mut actions),
            Tab::Settings => views::settings::show(ui, &mut self.state, &mut actions),
        });
        if let Some(editor) = &mut self.state.editor {
            let place = views::secrets_place(self.state.vault.as_ref());
            views::editor::show(ui, editor, place, &mut actions);
        }
        views::dialogs::show(ui, &mut self.state, &mut actions);
        if let Some(dialog) = &mut self.state.import {
            views::import::show(ui, dialog, &mut actions);
        }
        views::bulk::dialog(ui, &mut self.state, &mut actions);
        if self.state.vault_help {
            views::status::vault_help(ui, &self.state, &mut actions);
        }
        if let Some(dialog) = &mut self.state.passphrase {
            views::vault::passphrase_dialog(ui, dialog, &mut actions);
        }
        views::link::show(ui, &self.state, &mut actions);
        views::stage::question(ui, &mut self.state, &mut actions);
        for action in actions {
            self.perform(&ctx, action);
        }
        if self.first_frame_report.is_some() {
            report_first_frame(self.first_frame_report.take());
        }
    }
}

/// Names a file that receives the Unix time (in nanoseconds) of the first frame; used by
/// `scripts/bench-window` to measure time to first frame from outside the process.
pub const FIRST_FRAME_ENV: &str = "SSO_LAUNCHER_FIRST_FRAME_FILE";

/// Writes the first frame's time to `path` (see [`FIRST_FRAME_ENV`]).
pub fn report_first_frame(path: Option<std::path::PathBuf>) {
    let Some(path) = path else { return };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    if let Err(err) = std::fs::write(&path, now.to_string()) {
        tracing::warn!(path = %path.display(), "could not report the first frame: {err}");
    }
}
