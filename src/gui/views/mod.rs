//! The views: each draws from the state and pushes [`Action`](crate::gui::commands::Action)s;
//! they change nothing but their own input buffers.

pub mod account_detail;
pub mod accounts;
pub mod activity;
pub mod bulk;
pub mod dialogs;
pub mod editor;
pub mod import;
pub mod link;
pub mod list_parts;
pub mod settings;
pub mod stage;
pub mod status;
pub mod tokens;
pub mod vault;

use crate::core::protocol::Failure;

/// Where secrets are kept, in words ("in the OS keyring").
pub fn secrets_place(vault: Option<&crate::core::protocol::VaultStatus>) -> &'static str {
    use crate::core::store::vault::VaultBackend;
    match vault.map(|status| status.backend) {
        Some(VaultBackend::Memory) => "in memory until the app quits",
        Some(VaultBackend::File) => "in the encrypted vault file",
        _ => "in the OS keyring",
    }
}

/// A failure as one paragraph: the message, then what to do.
pub fn failure_text(failure: &Failure) -> String {
    crate::gui::remedies::failure_text(failure)
}

/// A text field named by the label before it.
pub fn labelled_text(ui: &mut egui::Ui, label: &str, text: &mut String) -> egui::Response {
    ui.horizontal(|ui| {
        let label = ui.label(label);
        ui.text_edit_singleline(text).labelled_by(label.id)
    })
    .inner
}
