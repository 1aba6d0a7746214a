//! The settings reference `accounts add --help` prints: every provider's settings and
//! secrets, from the same field lists the editor draws.

use std::fmt::Write as _;

use crate::core::account::ProviderId;
use crate::core::provider::form::{FieldKind, choice_label, form_fields, setting_fields};
use crate::core::provider::require_provider;

/// Every provider's settings and secrets, as `accounts add --help` lists them: from the same
/// field list the editor draws, with each setting's help line.
pub fn settings_reference() -> String {
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
        let spec = require_provider(provider).spec();
        // Settings the form fills in another way (AGS's discovered `param.NAME`).
        for setting in setting_fields(provider).filter(|field| !field.listed) {
            let _ = writeln!(text, "  {:<20} {}", setting.key, setting.help);
        }
        for secret in spec.secrets() {
            let _ = writeln!(
                text,
                "  {:<20} secret: {}\n  {:<20} {}",
                secret.key, secret.label, "", secret.help
            );
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_lists_every_provider_setting_and_secret() {
        let text = settings_reference();
        for provider in ProviderId::all() {
            assert!(text.contains(&format!("--provider {}", provider.id())));
            for setting in setting_fields(provider) {
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
