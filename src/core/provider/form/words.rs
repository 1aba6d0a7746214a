//! The form's words for what the core calls by key: secret labels, setting keys in
//! messages, and whom an account signs in as.

use super::{FormField, form_fields};
use crate::core::account::{Account, ProviderId};

/// What the form calls a secret ("API key" for `api_key`), as the providers' field lists
/// label it.
pub fn secret_label(name: &str) -> &str {
    ProviderId::all()
        .flat_map(|provider| {
            crate::core::provider::require_provider(provider)
                .spec()
                .secrets()
        })
        .find(|field| field.key == name)
        .map_or(name, |field| field.label)
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
}
