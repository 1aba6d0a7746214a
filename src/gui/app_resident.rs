//! The app's resident behaviour: requests from the tray and from later starts, links waiting
//! for confirmation, the quick-launch window, closing to the tray, notifications. Runs in
//! [`eframe::App::logic`], which eframe keeps calling while the window is hidden.

use egui::ViewportCommand;

use crate::core::link::{LinkRequest, parse};
use crate::core::protocol::{Command, Event, Via};
use crate::desktop::instance::InstanceRequest;
use crate::desktop::notifications::Note;
use crate::gui::app::SsoApp;
use crate::gui::quick::{self, QuickAction, QuickState};
use crate::gui::resident::Request;
use crate::gui::state::{LaunchState, LinkPrompt, PendingLaunch};
use crate::gui::views;

impl SsoApp {
    /// What a start or the tray asked for: show the window, the quick-launch window, or a
    /// link's confirmation. (Public so tests can hand the window a request.)
    pub fn handle_request(&mut self, ctx: &egui::Context, request: InstanceRequest) {
        match request {
            InstanceRequest::Show => self.show_window(ctx),
            InstanceRequest::QuickLaunch => self.open_quick(ctx),
            InstanceRequest::Link(link) => {
                self.state.link = Some(LinkPrompt::Unchecked(link));
                self.state.link_seq += 1;
                self.resolve_link();
                self.show_window(ctx);
            }
        }
        ctx.request_repaint();
    }

    /// Launches with the operator's ticket, unless the launch needs an answer first (its
    /// stage is in `confirm_stages`, or `require_ticket` is on and no ticket is fresh): then
    /// the window comes up and asks, wherever the launch came from.
    pub(crate) fn request_launch(&mut self, ctx: &egui::Context, pending: PendingLaunch) {
        let settings = &self.state.settings;
        let asks = !pending.confirmed
            && self
                .state
                .account(pending.account)
                .is_some_and(|account| settings.confirms_stage(account.stage()));
        let ticket = self.state.ticket.current();
        let needs_ticket = settings.require_ticket && ticket.is_none();
        if !asks && !needs_ticket {
            return self.start_launch(pending, ticket);
        }
        self.state.launch_question = Some(pending);
        if pending.via != Via::Window {
            self.show_window(ctx);
        }
        ctx.request_repaint();
    }

    /// Sends the launch, with the ticket (kept fresh by its use); one from the window shows
    /// its progress in the list.
    pub(crate) fn start_launch(&mut self, pending: PendingLaunch, ticket: Option<String>) {
        let PendingLaunch {
            account,
            target,
            via,
            ..
        } = pending;
        if ticket.is_some() {
            self.state.ticket.touch();
        }
        if via == Via::Window {
            if self.state.is_running(account) {
                return;
            }
            self.state.launches.insert(
                account,
                LaunchState::Running {
                    target,
                    step: None,
                    waiting_for_browser: false,
                },
            );
        }
        self.worker.send(Command::Launch {
            account,
            target,
            via,
            ticket,
        });
    }

    /// Checks a waiting link once the account list is here.
    pub(crate) fn resolve_link(&mut self) {
        let Some(LinkPrompt::Unchecked(link)) = &self.state.link else {
            return;
        };
        if let Some(failure) = &self.state.accounts_failure {
            self.state.link = Some(LinkPrompt::Refused(format!(
                "The account list cannot be read, so the link cannot be checked: {}",
                crate::gui::remedies::failure_text(failure)
            )));
            return;
        }
        if !self.state.loaded {
            return;
        }
        self.state.link = Some(match parse(link) {
            Ok(LinkRequest::Launch(id)) if self.state.account(id).is_some() => {
                LinkPrompt::Confirm(id)
            }
            Ok(LinkRequest::Launch(id)) => LinkPrompt::Refused(format!(
                "No account here has the id {id}. The link may come from someone else's account list, or the account was removed; nothing was run."
            )),
            Err(err) => LinkPrompt::Refused(format!(
                "{} Nothing was run.",
                crate::core::error::sentence(&err.to_string())
            )),
        });
    }

    /// Sees events before they are folded in: launches from outside the window end with a
    /// notification, and a question from a sign-in brings the window up.
    pub(crate) fn before_event(&mut self, ctx: &egui::Context, event: &Event) {
        let Some(resident) = &self.resident else {
            return;
        };
        match event {
            Event::LaunchFinished {
                account,
                via: via @ (Via::Tray | Via::QuickLaunch | Via::Link),
                result,
            } => {
                // The stage rides along: "Launched 'Acme' · production" says where it went.
                let name = self.state.account(*account).map_or_else(
                    || "an account".into(),
                    |account| match account.stage() {
                        Some(stage) => format!("'{}' · {stage}", account.name),
                        None => format!("'{}'", account.name),
                    },
                );
                let from = match via {
                    Via::Tray => "from the tray",
                    Via::QuickLaunch => "from quick launch",
                    _ => "from a link",
                };
                resident.notify(match result {
                    Ok(report) => Note {
                        summary: format!("Launched {name}"),
                        body: format!("{} ({from})", report.summary),
                        failed: false,
                    },
                    Err(failure) => Note {
                        summary: format!("Could not launch {name}"),
                        body: crate::gui::remedies::failure_text(failure),
                        failed: true,
                    },
                });
            }
            Event::ChoiceNeeded { .. } => self.show_window(ctx),
            _ => {}
        }
    }

    /// The tray, later starts, closing to the tray and starting hidden.
    pub(crate) fn desktop_logic(&mut self, ctx: &egui::Context) {
        let Some(resident) = self.resident.as_mut() else {
            return;
        };
        let requests = resident.requests();
        let tray_shown = resident.tray_shown();
        self.state.tray_absent = resident.tray_absence();
        for request in requests {
            tracing::debug!(?request, "the window was asked");
            match request {
                Request::Instance(request) => self.handle_request(ctx, request),
                Request::Launch(pending) => self.request_launch(ctx, pending),
                Request::Quit => self.quit(ctx),
            }
        }
        let close_asked = ctx.input(|input| input.viewport().close_requested());
        if close_asked {
            tracing::debug!(
                tray_shown,
                quitting = self.window.quitting,
                "closing the window"
            );
        }
        if close_asked && !self.window.quitting {
            if self.window.quick_mode {
                ctx.send_viewport_cmd(ViewportCommand::CancelClose);
                self.close_quick(ctx);
            } else if tray_shown && self.state.settings.close_to_tray {
                ctx.send_viewport_cmd(ViewportCommand::CancelClose);
                self.hide_window(ctx);
            } else {
                // No tray to go back to: closing quits, as in any windowed app.
                self.window.quitting = true;
            }
        }
        if !self.window.hidden && !self.window.quick_mode {
            self.window.main_size =
                ctx.input(|input| input.viewport().inner_rect.map(|rect| rect.size()));
        }
        let focused = ctx.input(|input| input.viewport().focused) == Some(true);
        if focused && !self.window.hidden && !self.state.attention_seen {
            self.state.attention_seen = true;
            self.state.changes += 1;
        }
        if let Some(resident) = self.resident.as_mut() {
            resident.sync_tray(&self.state);
        }
    }

    /// Quick launch: the window in its quick form when the app is in the tray; with the main
    /// window open, its own search box (the same search) instead.
    fn open_quick(&mut self, ctx: &egui::Context) {
        if self.window.quick_mode {
            ctx.send_viewport_cmd(ViewportCommand::Focus);
            return;
        }
        if !self.window.hidden {
            self.state.quick = None;
            self.show_window(ctx);
            self.state.tab = crate::gui::commands::Tab::Accounts;
            ctx.memory_mut(|memory| memory.request_focus(views::accounts::search_id()));
            return;
        }
        self.window.quick_mode = true;
        self.window.hidden = false;
        self.state.quick = Some(QuickState::default());
        for command in [
            ViewportCommand::Title(quick::TITLE.into()),
            ViewportCommand::MinInnerSize(quick::MIN_SIZE.into()),
            ViewportCommand::InnerSize(quick::SIZE.into()),
            ViewportCommand::WindowLevel(egui::WindowLevel::AlwaysOnTop),
            ViewportCommand::Visible(true),
            ViewportCommand::Focus,
        ] {
            ctx.send_viewport_cmd(command);
        }
    }

    /// Back from the quick form: hidden in the tray again, with the main window's title and
    /// size ready for when it is next shown.
    pub(crate) fn close_quick(&mut self, ctx: &egui::Context) {
        if !self.window.quick_mode {
            return;
        }
        self.window.quick_mode = false;
        self.state.quick = None;
        self.hide_window(ctx);
        let size = self.window.main_size.unwrap_or(egui::vec2(960.0, 640.0));
        for command in [
            ViewportCommand::Title(self.title.clone()),
            ViewportCommand::WindowLevel(egui::WindowLevel::Normal),
            ViewportCommand::MinInnerSize(crate::gui::MIN_SIZE.into()),
            ViewportCommand::InnerSize(size),
        ] {
            ctx.send_viewport_cmd(command);
        }
    }

    /// Draws the quick form and does what was done in it.
    pub(crate) fn draw_quick(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        ctx.accesskit_node_builder(egui::accesskit_root_id(), |node| {
            node.set_label(quick::TITLE)
        });
        for action in quick::show(ui, &mut self.state) {
            self.close_quick(&ctx);
            if let QuickAction::Launch(account, target) = action {
                self.request_launch(
                    &ctx,
                    PendingLaunch {
                        account,
                        target,
                        via: Via::QuickLaunch,
                        confirmed: false,
                    },
                );
            }
        }
    }

    /// A frame of the main window is being drawn although it should be hidden (eframe shows
    /// the window after its first frame, whatever it was asked): hide it again.
    pub(crate) fn keep_hidden(&mut self, ctx: &egui::Context) {
        // A few frames, not every one: a viewport command asks for another frame itself.
        if self.window.hidden && self.window.hide_passes > 0 {
            self.window.hide_passes -= 1;
            ctx.send_viewport_cmd(ViewportCommand::Visible(false));
        }
    }

    pub(crate) fn show_window(&mut self, ctx: &egui::Context) {
        self.close_quick(ctx);
        if self.window.hidden {
            ctx.send_viewport_cmd(ViewportCommand::Visible(true));
            self.window.hidden = false;
        }
        ctx.send_viewport_cmd(ViewportCommand::Minimized(false));
        ctx.send_viewport_cmd(ViewportCommand::Focus);
        ctx.request_repaint();
    }

    fn hide_window(&mut self, ctx: &egui::Context) {
        ctx.send_viewport_cmd(ViewportCommand::Visible(false));
        self.window.hidden = true;
    }

    /// Ends the app (closing, not killing, lets eframe keep the window's size and place).
    pub(crate) fn quit(&mut self, ctx: &egui::Context) {
        // The main window's size, not the quick form's, is what is kept for the next start.
        self.close_quick(ctx);
        self.window.quitting = true;
        ctx.send_viewport_cmd(ViewportCommand::Close);
        ctx.request_repaint();
    }
}
