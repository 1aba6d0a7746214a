//! The vault file in the window: the passphrase dialog it asks with (twice for a new file),
//! and its part of the status bar.

use egui::{Id, Modal, RichText, Ui};
use zeroize::Zeroize;

use crate::core::protocol::{PassphraseQuestion, VaultStatus};
use crate::core::secret::SecretString;
use crate::core::store::vault::LockState;
use crate::gui::commands::{Action, action_button, primary_button};

/// The passphrase being typed; wiped when answered or dropped.
#[derive(Debug)]
pub struct PassphraseDialog {
    pub request: u64,
    pub question: PassphraseQuestion,
    pub typed: String,
    pub again: String,
    /// What was wrong with the last try (the two differ, it is empty).
    pub problem: Option<&'static str>,
    focus_asked: bool,
}

impl PassphraseDialog {
    pub fn new(request: u64, question: PassphraseQuestion) -> Self {
        Self {
            request,
            question,
            typed: String::new(),
            again: String::new(),
            problem: None,
            focus_asked: false,
        }
    }

    /// The passphrase to send, or `None` with the problem shown (empty, or a new one typed
    /// differently twice).
    pub fn take_answer(&mut self, request: u64) -> Option<SecretString> {
        if request != self.request {
            return None;
        }
        self.problem = if self.typed.is_empty() {
            Some("Type the passphrase.")
        } else if self.question.creating && self.typed != self.again {
            Some("The two passphrases differ.")
        } else {
            None
        };
        if self.problem.is_some() {
            return None;
        }
        self.again.zeroize();
        Some(SecretString::new(std::mem::take(&mut self.typed)))
    }
}

impl Drop for PassphraseDialog {
    fn drop(&mut self) {
        self.typed.zeroize();
        self.again.zeroize();
    }
}

pub fn passphrase_dialog(ui: &mut Ui, dialog: &mut PassphraseDialog, actions: &mut Vec<Action>) {
    let request = dialog.request;
    let id = Id::unique("vault-passphrase").with(request);
    let modal = Modal::new(id).show(ui.ctx(), |ui| {
        ui.set_max_width(480.0);
        let creating = dialog.question.creating;
        ui.heading(if creating {
            "Choose a passphrase for your secrets"
        } else {
            "Unlock your secrets"
        });
        ui.label(if creating {
            "Secrets will be kept in one encrypted file. It opens only with this passphrase, \
             which cannot be recovered if forgotten: several words are best."
        } else {
            "The vault file opens with its passphrase; it stays open while you use the app."
        });
        ui.label(RichText::new(dialog.question.vault.display().to_string()).weak());
        if dialog.question.retry {
            ui.colored_label(
                ui.visuals().error_fg_color,
                "That passphrase does not open the vault file. Try again.",
            );
        }
        let field = |ui: &mut Ui, label: &str, text: &mut String| {
            let label = ui.label(label);
            ui.add(
                egui::TextEdit::singleline(text)
                    .password(true)
                    .desired_width(320.0),
            )
            .labelled_by(label.id)
        };
        let first = field(ui, "Passphrase", &mut dialog.typed);
        if !dialog.focus_asked {
            first.request_focus();
            dialog.focus_asked = true;
        }
        let mut submitted =
            first.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter));
        if creating {
            let again = field(ui, "The same passphrase again", &mut dialog.again);
            submitted |=
                again.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter));
        }
        if let Some(problem) = dialog.problem {
            ui.colored_label(ui.visuals().error_fg_color, problem);
        }
        ui.horizontal(|ui| {
            let answer = if creating {
                Action::CreateVault(request)
            } else {
                Action::AnswerPassphrase(request)
            };
            primary_button(ui, answer.clone(), None, true, actions);
            action_button(ui, Action::DeclinePassphrase(request), None, true, actions);
            if submitted {
                actions.push(answer);
            }
        });
    });
    if modal.should_close() {
        actions.push(Action::DeclinePassphrase(request));
    }
}

/// The status bar's words for a vault file, and its Unlock or Lock button.
pub fn file_status(ui: &mut Ui, status: &VaultStatus, actions: &mut Vec<Action>) {
    let place = status
        .location
        .as_ref()
        .map_or(String::new(), |path| path.display().to_string());
    let chosen = status
        .chosen_by
        .map_or(String::new(), |chosen| format!(" Chosen by {chosen}."));
    let (words, hover) = match status.lock {
        LockState::Open => (
            "Secrets: vault file, unlocked",
            format!("{place}. Forgotten after a while without use.{chosen}"),
        ),
        LockState::Locked => (
            "Secrets: vault file, locked",
            format!("{place}. Its passphrase is asked when a secret is needed.{chosen}"),
        ),
        LockState::NotCreated => (
            "Secrets: vault file, not created yet",
            format!("{place}. The first secret saved asks for a new passphrase.{chosen}"),
        ),
    };
    let label = ui.weak(words).on_hover_text(&hover);
    label.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::Label, true, format!("{words}. {hover}"))
    });
    match status.lock {
        LockState::Open => action_button(ui, Action::LockVault, None, true, actions),
        LockState::Locked => action_button(ui, Action::UnlockVault, None, true, actions),
        LockState::NotCreated => action_button(ui, Action::SetUpVault, None, true, actions),
    };
}
