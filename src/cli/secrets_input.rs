//! Getting secrets from the user: a no-echo prompt, or `NAME=VALUE` lines on stdin.
//! Never from arguments, which other users of the machine can read.

use std::io::{IsTerminal, Read};

use super::args::SecretArgs;
use super::report::CliError;
use crate::core::error::ErrorKind;
use crate::core::secret::SecretString;

/// Reads the secrets (of the `known` names) the command line asks for; with `required`,
/// prompts on a terminal for those still missing, and fails naming them when there is no
/// terminal.
pub fn collect(
    known: &[&str],
    fields: &SecretArgs,
    required: &[&str],
) -> Result<Vec<(String, SecretString)>, CliError> {
    let mut secrets = Vec::new();
    if fields.secrets_from_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|err| CliError::usage(format!("could not read secrets from stdin: {err}")))?;
        secrets = parse_secret_lines(&text, known).map_err(|message| {
            CliError::usage(message).with_hint(format!(
                "Send one NAME=VALUE line per secret; names: {}.",
                known.join(", ")
            ))
        })?;
    }
    let mut to_prompt: Vec<&str> = fields.prompt_secrets.iter().map(String::as_str).collect();
    for name in &to_prompt {
        if !known.contains(name) {
            return Err(CliError::usage(format!(
                "unknown secret '{name}'; known: {}",
                known.join(", ")
            )));
        }
    }
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|name| !secrets.iter().any(|(have, _)| have == name) && !to_prompt.contains(name))
        .collect();
    let can_prompt = !fields.secrets_from_stdin && std::io::stdin().is_terminal();
    if !missing.is_empty() {
        if !can_prompt {
            return Err(CliError::usage(format!("the secret {} is needed", missing.join(", ")))
                .with_hint("Pipe NAME=VALUE lines with --secrets-from-stdin, or run in a terminal to be prompted."));
        }
        to_prompt.extend(missing);
    }
    for name in to_prompt {
        if secrets.iter().any(|(have, _)| have == name) {
            continue;
        }
        let value = rpassword::prompt_password(format!("{name}: ")).map_err(|err| {
            CliError::new(
                ErrorKind::Usage,
                format!("could not read {name} from the terminal: {err}"),
            )
        })?;
        if value.is_empty() {
            return Err(CliError::usage(format!("{name} was left empty")));
        }
        secrets.push((name.to_string(), SecretString::new(value)));
    }
    Ok(secrets)
}

/// Parses `NAME=VALUE` lines: split at the first `=`, `\r` stripped, blank lines skipped,
/// unknown or repeated names refused. Error messages never quote a line (it may be a secret).
pub fn parse_secret_lines(
    text: &str,
    known: &[&str],
) -> Result<Vec<(String, SecretString)>, String> {
    let mut secrets: Vec<(String, SecretString)> = Vec::new();
    for (index, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let number = index + 1;
        let Some((name, value)) = line.split_once('=') else {
            return Err(format!(
                "line {number} of stdin has no '=' (expected NAME=VALUE)"
            ));
        };
        let name = name.trim();
        if !known.contains(&name) {
            return Err(format!(
                "line {number} of stdin names an unknown secret '{}'; known: {}",
                printable(name),
                known.join(", ")
            ));
        }
        if secrets.iter().any(|(have, _)| have == name) {
            return Err(format!("the secret '{name}' is given twice on stdin"));
        }
        if value.is_empty() {
            return Err(format!(
                "the secret '{name}' on line {number} of stdin is empty"
            ));
        }
        secrets.push((name.to_string(), SecretString::new(value)));
    }
    Ok(secrets)
}

/// A name as typed, cut short: names are not secret, but a mistyped line might be one.
fn printable(name: &str) -> String {
    if name.len() > 32 || name.contains(char::is_whitespace) {
        "(not a secret name)".into()
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["api_key", "password"];

    #[test]
    fn splits_at_first_equals_and_strips_carriage_returns() {
        let parsed = parse_secret_lines("api_key=a=b=c\r\n\npassword=p w\r\n", KNOWN).unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].0, "api_key");
        assert_eq!(parsed[0].1.expose_secret(), "a=b=c");
        assert_eq!(parsed[1].1.expose_secret(), "p w");
    }

    #[test]
    fn refuses_unknown_repeated_and_malformed_lines_without_echoing_them() {
        let unknown = parse_secret_lines("token=abc", KNOWN).unwrap_err();
        assert!(unknown.contains("unknown secret 'token'"), "{unknown}");
        let repeated = parse_secret_lines("api_key=1\napi_key=2", KNOWN).unwrap_err();
        assert!(repeated.contains("twice"), "{repeated}");
        let malformed = parse_secret_lines("hunter2-no-equals", KNOWN).unwrap_err();
        assert!(!malformed.contains("hunter2"), "{malformed}");
        let long_name =
            parse_secret_lines("a very secret value typed by mistake=x", KNOWN).unwrap_err();
        assert!(!long_name.contains("secret value"), "{long_name}");
        assert!(parse_secret_lines("api_key=", KNOWN).is_err());
    }
}
