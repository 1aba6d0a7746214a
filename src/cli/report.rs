//! One place that turns every failure into a message, a hint and an exit code.

use serde_json::json;

use crate::core::server_text::printable;

use crate::core::error::{ErrorKind, Remedy, UserFacing};

/// An error as the user sees it.
#[derive(Debug)]
pub struct CliError {
    pub kind: ErrorKind,
    pub message: String,
    pub hint: Option<String>,
}

impl CliError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            hint: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl<E: UserFacing> From<E> for CliError {
    fn from(err: E) -> Self {
        Self {
            kind: err.kind(),
            message: err.to_string(),
            hint: err.remedy().as_ref().map(cli_words),
        }
    }
}

/// The remedy as the command line says it: with the command that does it.
pub fn cli_words(remedy: &Remedy) -> String {
    match remedy {
        Remedy::Advice(text) => text.clone(),
        Remedy::FixSettings => "Fix the setting with `sso-launcher accounts edit NAME --set KEY=VALUE`.".into(),
        Remedy::StoreSecret(_) => "Store it with `sso-launcher accounts edit NAME --secrets-from-stdin` (or without that flag to be prompted).".into(),
        Remedy::ReenterSecret => "Set the secret again with `sso-launcher accounts edit NAME --secrets-from-stdin`.".into(),
        Remedy::SignInAgain => "Sign in again with `sso-launcher accounts check NAME`; if it persists, the API user may have lost access.".into(),
        Remedy::SignInWithBrowser => "Run `sso-launcher login NAME` in a desktop session.".into(),
        Remedy::LaunchInstead => "Use `sso-launcher launch NAME` to sign in through the browser.".into(),
        Remedy::ChooseAccount => "Choose one with `--pick TEXT` (part of its name, or its number from 1); the choice is remembered for the next sign-in.".into(),
        Remedy::InstallPrivateBrowser => "Install Firefox or Chromium, or give the account a browser command: --set browser=command --set browser_command=\"firefox --private-window {url}\".".into(),
        Remedy::ChooseAnotherBrowser => "Set a browser command with --browser \"firefox {url}\", or use --print-url or --copy.".into(),
        Remedy::StartKeyring => "Start a Secret Service (GNOME Keyring or KeePassXC) in your desktop session, \
             or keep secrets in a passphrase-protected file: `--vault file`, or `vault = \"file\"` in settings.toml. \
             `sso-launcher doctor` checks the vault."
            .into(),
        Remedy::CheckVault => "Check the vault with `sso-launcher doctor`.".into(),
        Remedy::GivePassphrase => "Run the command in a terminal to be asked, or set \
             SSO_LAUNCHER_VAULT_PASSPHRASE_FILE to a file only you can read that holds the passphrase."
            .into(),
        Remedy::RestoreVaultFile => "Restore the file from a backup, or move it away and enter the secrets again \
             (`vault_file` in settings.toml names another place)."
            .into(),
        Remedy::FixPassphraseFile(path) => format!(
            "Make the file readable only by you (chmod 600 {}) and check that it holds the passphrase.",
            path.display()
        ),
        Remedy::ListAccounts => "List the accounts with `sso-launcher accounts list`.".into(),
        Remedy::SeeUsage => "See `sso-launcher accounts add --help`.".into(),
        Remedy::LeaveDemo => "Start sso-launcher without the demo for that.".into(),
        Remedy::ListCredentialSets => "See the sets with `sso-launcher credentials list`; add one with `sso-launcher credentials add NAME --provider PROVIDER`.".into(),
        Remedy::FixRowsOrSkipThem => "Fix those rows, or pass --skip-invalid to import the good ones (it exits 3 when it skipped any).".into(),
        Remedy::GiveTicket => "Give the ticket you work on: `--ticket INC-123` (require_ticket in settings.toml asks for one).".into(),
        Remedy::FinishOtherSignIn => "Finish or cancel that sign-in, then try again (lock_wait_seconds in settings.toml sets how long to wait).".into(),
    }
}

/// Prints the error on stderr (text, or `{"error":{..}}` with `--json`) and returns the exit code.
pub fn report(err: &CliError, json_output: bool) -> i32 {
    // An error may quote a server: a terminal must not obey what it sent.
    let message = printable(&err.message);
    let hint = err.hint.as_deref().map(printable);
    if json_output {
        let body = json!({"error": {
            "code": err.kind.code(),
            "message": message,
            "hint": hint,
        }});
        eprintln!("{body}");
    } else {
        eprintln!("error: {message}");
        if let Some(hint) = &hint {
            eprintln!("hint: {hint}");
        }
    }
    err.kind.exit_code()
}

pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  ok
  1  internal error
  2  usage (bad command line)
  3  config (config file, settings or account settings)
  4  vault / keyring
  5  rejected by the provider
  6  network or timeout
  7  malformed provider answer
  8  browser flow denied, cancelled or timed out
  9  account not found or ambiguous";

#[cfg(test)]
mod remedy_tests {
    use super::*;
    use crate::core::engine::EngineError;
    use crate::core::provider::ProviderError;

    /// The command line's advice names the command that does it.
    #[test]
    fn cli_advice_names_the_command() {
        let err = EngineError::from(ProviderError::MissingSecret {
            name: "api_key".into(),
        });
        let cli = CliError::from(err);
        assert!(
            cli.hint
                .unwrap()
                .contains("sso-launcher accounts edit NAME")
        );
        assert!(cli_words(&Remedy::ChooseAccount).contains("--pick"));
        assert_eq!(cli_words(&Remedy::advice("Plain words.")), "Plain words.");
    }
}
