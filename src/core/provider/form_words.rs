//! The form's words for what the core calls by key: secret labels, setting keys in
//! messages, and whom an account signs in as.

use super::form::{FormField, form_fields};
use crate::core::account::{Account, ProviderId};

/// What the form calls a secret ("API key" for `api_key`).
pub fn secret_label(name: &str) -> &str {
    match name {
        "api_key" => "API key",
        "password" => "Password",
        "session_token" => "Session token",
        "basic_token" => "Basic token",
        "client_secret" => "Client secret",
        "shared_key" => "Shared key",
        "oauth_token" => "OAuth token",
        other => other,
    }
}

/// A provider's message about the settings, in the form's words: each setting key it names
/// becomes the field's label ("api_base_url" becomes "DocumentNOW host").
pub fn in_form_words(provider: ProviderId, message: &str) -> String {
    let mut fields: Vec<&FormField> = form_fields(provider).collect();
    // Longer keys first, so `api_base_url` is replaced before a key it contains.
    fields.sort_by_key(|field| std::cmp::Reverse(field.key.len()));
    let mut words = message.to_string();
    for field in fields {
        words = replace_word(&words, field.key, field.label);
    }
    words
}

/// Replaces `word` where it stands alone (not inside a longer identifier).
fn replace_word(text: &str, word: &str, with: &str) -> String {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + word.len()..].chars().next();
        out.push_str(&rest[..at]);
        if before.is_some_and(is_ident) || after.is_some_and(is_ident) {
            out.push_str(word);
        } else {
            out.push_str(with);
        }
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

/// Whom the account signs in as, for its summary: the first identifying setting it has,
/// with the form's label for it.
pub fn signs_in_as(account: &Account) -> Option<(&'static str, &str)> {
    const WHO: [&str; 5] = [
        "context_username",
        "username",
        "param.Username",
        "customer_account_code",
        "client_id",
    ];
    WHO.iter().find_map(|key| {
        let value = account.setting(key).filter(|value| !value.is_empty())?;
        let label = form_fields(account.provider)
            .find(|field| field.key == *key)
            .map_or("User name", |field| field.label);
        Some((label, value))
    })
}

/// Every provider's settings and secrets, as `accounts add --help` lists them: from the same
/// field list the editor draws, with each setting's help line.
pub fn settings_reference() -> String {
    use super::form::{FieldKind, choice_label, form_fields};
    use std::fmt::Write as _;
    let mut text = String::from("Provider settings (--set KEY=VALUE) and secrets:\n");
    for provider in ProviderId::all() {
        let _ = write!(
            text,
            "\n{} (--provider {}):\n",
            provider.display_name(),
            provider.id()
        );
        for field in form_fields(provider) {
            let mut notes = Vec::new();
            if field.required {
                notes.push("required".to_string());
            }
            if let Some((key, values)) = field.shown_when {
                notes.push(format!("with {key}={}", values.join("|")));
            }
            if let FieldKind::Choice(values) = field.kind {
                let named: Vec<String> = values
                    .iter()
                    .map(|value| match choice_label(field, value) {
                        label if label == *value => value.to_string(),
                        label if label.contains(&format!("({value})")) => label.to_string(),
                        label => format!("{value} ({label})"),
                    })
                    .collect();
                notes.push(format!("one of {}", named.join(", ")));
            }
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!(" [{}]", notes.join("; "))
            };
            let _ = writeln!(
                text,
                "  {:<20} {}{notes}\n  {:<20} {}",
                field.key, field.label, "", field.help
            );
        }
        let spec = super::require_provider(provider).spec();
        // Settings the form fills in another way (AGS's discovered `param.NAME`).
        for setting in super::form::setting_fields(provider).filter(|field| !field.listed) {
            let _ = writeln!(text, "  {:<20} {}", setting.key, setting.help);
        }
        for secret in spec.secrets {
            let _ = writeln!(
                text,
                "  {:<20} secret: {}\n  {:<20} {}",
                secret.name,
                secret_label(secret.name),
                "",
                secret.help
            );
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setting_keys_in_messages_become_the_form_labels() {
        let words = in_form_words(
            crate::core::provider::assuresign::ID,
            "choose the environment (www, na1) or set api_base_url; auth_base_url_x stays",
        );
        assert_eq!(
            words,
            "choose the Environment (www, na1) or set DocumentNOW host; auth_base_url_x stays"
        );
        assert_eq!(secret_label("api_key"), "API key");
    }

    #[test]
    fn the_reference_lists_every_provider_setting_and_secret() {
        let text = settings_reference();
        for provider in ProviderId::all() {
            assert!(text.contains(&format!("--provider {}", provider.id())));
            for setting in super::super::form::setting_fields(provider) {
                let key = setting.key.trim_end_matches("NAME").trim_end_matches('.');
                assert!(text.contains(key), "{}: {key} missing", provider.id());
            }
        }
        assert!(
            text.contains("one of www (US West), na1 (US East)") || text.contains("US East (na1)"),
            "{text}"
        );
        assert!(
            text.contains("api_key              secret: API key"),
            "{text}"
        );
    }
}
