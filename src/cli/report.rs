//! One place that turns every failure into a message, a hint and an exit code.

use serde_json::json;

use crate::core::server_text::printable;

use crate::core::error::{ErrorKind, UserFacing};

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
            hint: err.hint(),
        }
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
