//! What the window tells a person to do about an error: the core's [`Remedy`] in the
//! window's words (its controls, never a command line).

use crate::core::error::Remedy;
use crate::core::protocol::Failure;

/// The remedy as the window says it.
pub fn window_words(remedy: &Remedy) -> String {
    match remedy {
        Remedy::Advice(text) => text.clone(),
        Remedy::FixSettings => "Fix the setting in the account's editor (Edit).".into(),
        Remedy::StoreSecret(_) => {
            "Enter it in the account's editor (Edit) and save; it goes to the keyring.".into()
        }
        Remedy::ReenterSecret => "Enter the secret again in the account's editor (Edit) and save.".into(),
        Remedy::SignInAgain => "Launch again to sign in afresh; if it persists, the API user may have lost access.".into(),
        Remedy::SignInWithBrowser | Remedy::LaunchInstead => {
            "Launch the account to sign in through the browser.".into()
        }
        Remedy::ChooseAccount => {
            "Launch again and pick one in the list shown; the choice is remembered.".into()
        }
        Remedy::InstallPrivateBrowser => "Install Firefox or Chromium, or choose \"Browser command\" in the account's editor.".into(),
        Remedy::ChooseAnotherBrowser => "Choose another browser in the account's editor or a default browser command in Settings, or use Copy link.".into(),
        Remedy::StartKeyring | Remedy::CheckVault => "Start a Secret Service (GNOME Keyring or KeePassXC) in your desktop session, then press Check again in the status bar; \
             or keep secrets in a passphrase-protected file instead (in the same place)."
            .into(),
        Remedy::GivePassphrase => "Press Unlock in the status bar and give the vault's passphrase.".into(),
        Remedy::RestoreVaultFile => "Restore the file from a backup, or move it away and enter the secrets again.".into(),
        Remedy::FixPassphraseFile(_) => "Make the passphrase file readable only by you, and check that it holds the passphrase.".into(),
        Remedy::ListAccounts => {
            "It may have been removed meanwhile; the list shows the accounts there are.".into()
        }
        Remedy::SeeUsage => "Check the account's settings in its editor (Edit).".into(),
        Remedy::LeaveDemo => "Close the demo and start the app as usual for that.".into(),
        Remedy::FinishOtherSignIn => "Finish or cancel that sign-in, then launch again.".into(),
        Remedy::GiveTicket => "Launch again and give the ticket you work on.".into(),
        Remedy::ListCredentialSets => {
            "In the account's editor, choose a credential set that is saved here, or its own secrets.".into()
        }
        Remedy::FixRowsOrSkipThem => "Fix those rows in the file, then import it again.".into(),
    }
}

/// What to do about a failure, in the window's words.
pub fn hint(failure: &Failure) -> Option<String> {
    failure.remedy.as_ref().map(window_words)
}

/// The failure and what to do about it, as one notice.
pub fn failure_text(failure: &Failure) -> String {
    match hint(failure) {
        Some(hint) => format!("{} {hint}", failure.message),
        None => failure.message.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::browser::BrowserError;
    use crate::core::engine::EngineError;
    use crate::core::provider::ProviderError;
    use crate::core::store::{StoreError, vault::VaultError};

    /// The window's users have no command line to type into: its hints name none.
    #[test]
    fn window_hints_name_no_command_line() {
        let provider = "AssureSign";
        let detail = || "detail".to_string();
        let errors: Vec<EngineError> = vec![
            ProviderError::Settings {
                provider,
                message: detail(),
            }
            .into(),
            ProviderError::MissingSecret { name: detail() }.into(),
            ProviderError::SessionRejected { provider }.into(),
            ProviderError::NeedsBrowser { provider }.into(),
            ProviderError::NoSession { provider }.into(),
            ProviderError::ChoiceNeeded {
                provider,
                choices: vec![detail()],
            }
            .into(),
            VaultError::Unavailable { detail: detail() }.into(),
            VaultError::Corrupt {
                entry: detail(),
                detail: detail(),
            }
            .into(),
            VaultError::Failed { detail: detail() }.into(),
            VaultError::NeedsPassphrase {
                path: "/home/a/.config/sso-launcher/vault.age".into(),
                creating: false,
            }
            .into(),
            VaultError::WrongPassphrase {
                path: detail().into(),
            }
            .into(),
            VaultError::EmptyPassphrase.into(),
            VaultError::FileDamaged {
                path: detail().into(),
                detail: detail(),
            }
            .into(),
            VaultError::PassphraseFile {
                path: "/home/a/sso-launcher.pass".into(),
                detail: detail(),
            }
            .into(),
            StoreError::NotFound(detail()).into(),
            BrowserError::System(detail()).into(),
            BrowserError::NoPrivateBrowser {
                looked_for: detail(),
            }
            .into(),
            EngineError::Usage(detail()),
            EngineError::LockBusy(detail()),
            EngineError::DemoOnly("detail"),
        ];
        for err in &errors {
            let hint = hint(&Failure::from_error(err)).expect("each of these has advice");
            assert!(
                !hint.contains("sso-launcher ") && !hint.contains("--") && !hint.contains('`'),
                "{err}: {hint}"
            );
        }
    }
}
