//! What an account editor shows for each provider: its fields, what each accepts, when it
//! applies, and the redirect URI to register. Field checks run as the user types; the
//! provider's own `validate` gives the final word on the whole account.

use crate::core::account::{Account, ProviderId};
use crate::core::browser::BrowserMode;
use crate::core::provider::require_provider;

/// What a field accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    /// An absolute http(s) URL.
    Url,
    Email,
    /// A whole number within bounds.
    Number {
        min: u32,
        max: u32,
    },
    /// One of these values (the first is the default).
    Choice(&'static [&'static str]),
    /// `true` or `false`.
    Flag,
    /// A secret: kept in the vault, never in the account file; the editor draws it as a
    /// password row, the CLI reads it from a prompt or stdin.
    Secret,
}

/// One field of a provider's form.
#[derive(Debug, Clone, Copy)]
pub struct FormField {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: FieldKind,
    /// Must be filled in (while shown).
    pub required: bool,
    /// Shown only while the setting `.0` has one of the values `.1` (an empty value counts
    /// as the choice's default).
    pub shown_when: Option<(&'static str, &'static [&'static str])>,
    /// What a choice shows for each of its values (a value not listed shows as it is).
    pub choice_labels: &'static [(&'static str, &'static str)],
    /// A choice with no default: until one is picked, the form says "Choose…".
    pub no_default: bool,
    /// What it is for, as the editor's hover and the settings reference say it.
    pub help: &'static str,
    /// Names the customer an account is for (a customer code, a tenant, a context user):
    /// the account list's search matches it.
    pub identifies: bool,
    /// May be shared by many accounts, as one API user acts for many customers.
    pub shareable: bool,
    /// Drawn by the editor as a row of its own (a family of keys such as AGS's `param.NAME`
    /// is filled in another way).
    pub listed: bool,
}

impl FormField {
    /// Whether a setting key is this one or, for a key ending in `.NAME`, one of its family
    /// (`param.NAME` covers `param.Username`, `param.Region` ...).
    pub fn matches(&self, key: &str) -> bool {
        match self.key.strip_suffix("NAME") {
            Some(prefix) if prefix.ends_with('.') => key
                .strip_prefix(prefix)
                .is_some_and(|rest| !rest.is_empty()),
            _ => self.key == key,
        }
    }
}

pub(super) const fn field(
    key: &'static str,
    label: &'static str,
    kind: FieldKind,
    help: &'static str,
) -> FormField {
    FormField {
        key,
        label,
        kind,
        help,
        listed: true,
        identifies: false,
        shareable: false,
        required: false,
        shown_when: None,
        choice_labels: &[],
        no_default: false,
    }
}

/// A secret the provider understands (kept in the vault).
pub(super) const fn secret(
    key: &'static str,
    label: &'static str,
    help: &'static str,
) -> FormField {
    field(key, label, FieldKind::Secret, help)
}

/// A setting that names the customer (searched).
pub(super) const fn identifies(mut field: FormField) -> FormField {
    field.identifies = true;
    field
}

/// A setting many accounts may share.
pub(super) const fn shareable(mut field: FormField) -> FormField {
    field.shareable = true;
    field
}

/// A setting the editor does not draw as a row of its own.
pub(super) const fn unlisted(mut field: FormField) -> FormField {
    field.listed = false;
    field
}

pub(super) const fn no_default(mut field: FormField) -> FormField {
    field.no_default = true;
    field
}

pub(super) const fn labelled(
    mut field: FormField,
    labels: &'static [(&'static str, &'static str)],
) -> FormField {
    field.choice_labels = labels;
    field
}

pub(super) const fn required(mut field: FormField) -> FormField {
    field.required = true;
    field
}

pub(super) const fn when(
    mut field: FormField,
    key: &'static str,
    values: &'static [&'static str],
) -> FormField {
    field.shown_when = Some((key, values));
    field
}

use FieldKind::{Choice, Email, Flag, Number, Secret, Text, Url};

const BROWSER: &[FormField] = &[
    field(
        "browser",
        "Browser",
        Choice(BrowserMode::VALUES),
        "How links open: default (browser_command, else settings.toml, else the system browser), system, command, private (a private window of Firefox or Chromium) or copy (copy the link, open nothing).",
    ),
    when(
        required(field(
            "browser_command",
            "Browser command",
            Text,
            "Browser command for this account, with {url} where the URL goes.",
        )),
        "browser",
        &["command"],
    ),
];

/// What a choice shows for one of its values.
pub fn choice_label<'a>(field: &FormField, value: &'a str) -> &'a str {
    if let Some((_, label)) = field.choice_labels.iter().find(|(v, _)| *v == value) {
        return label;
    }
    match field.key {
        "browser" => BrowserMode::label(value),
        _ => value,
    }
}

mod words;
pub use words::{in_form_words, secret_label, signs_in_as};

/// Every setting an account of the provider may have: its own, then those every account
/// has (its secrets are not settings: [`super::ProviderSpec::secrets`]).
pub fn setting_fields(provider: ProviderId) -> impl Iterator<Item = &'static FormField> {
    require_provider(provider)
        .spec()
        .form
        .iter()
        .filter(|field| field.kind != FieldKind::Secret)
        .chain(BROWSER)
}

/// The settings the editor draws as rows, in order.
pub fn form_fields(provider: ProviderId) -> impl Iterator<Item = &'static FormField> {
    setting_fields(provider).filter(|field| field.listed)
}

/// Whether the field applies to the account as it stands.
pub fn is_shown(field: &FormField, account: &Account) -> bool {
    let Some((key, values)) = field.shown_when else {
        return true;
    };
    let value = account.setting(key).unwrap_or("");
    let value = if value.is_empty() {
        default_of(account.provider, key)
    } else {
        value
    };
    values.contains(&value)
}

/// The value an empty choice stands for.
fn default_of(provider: ProviderId, key: &str) -> &'static str {
    form_fields(provider)
        .find(|field| field.key == key)
        .and_then(|field| match field.kind {
            Choice(values) => values.first().copied(),
            Flag => Some("false"),
            _ => None,
        })
        .unwrap_or("")
}

/// Checks one field's value as typed; `Err` says what is wrong.
pub fn check_field(field: &FormField, value: &str) -> Result<(), String> {
    let value = value.trim();
    if value.is_empty() {
        return if field.required {
            Err(format!("{} is required.", field.label))
        } else {
            Ok(())
        };
    }
    match field.kind {
        Text | Secret => Ok(()),
        Url => match url::Url::parse(value) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(()),
            Ok(_) => Err("Use an http(s) address, like https://host.example.com.".into()),
            Err(_) => Err("Not an address; write it like https://host.example.com.".into()),
        },
        Email => {
            let (user, domain) = value.split_once('@').unwrap_or(("", ""));
            if user.is_empty() || !domain.contains('.') || value.contains(char::is_whitespace) {
                Err("Not an e-mail address; write it like name@example.com.".into())
            } else {
                Ok(())
            }
        }
        Number { min, max } => match value.parse::<u32>() {
            Ok(number) if (min..=max).contains(&number) => Ok(()),
            _ => Err(format!("A whole number from {min} to {max}.")),
        },
        Choice(values) if values.contains(&value) => Ok(()),
        Choice(values) => Err(format!("One of: {}.", values.join(", "))),
        Flag if matches!(value, "true" | "false") => Ok(()),
        Flag => Err("true or false.".into()),
    }
}

/// The redirect URI the user must register with the provider for this account, where one
/// is needed and known in advance.
pub fn redirect_uri_to_register(account: &Account) -> Option<String> {
    require_provider(account.provider).redirect_uri_to_register(account)
}

/// A loopback redirect URI from an account's `redirect_host`, `redirect_port` and
/// `redirect_path` settings (a port of 0 or none means any free port).
pub(super) fn loopback_redirect_uri(account: &Account) -> String {
    let setting = |key: &str| account.setting(key).filter(|value| !value.is_empty());
    let path = setting("redirect_path").unwrap_or("/callback");
    let host = match setting("redirect_host").unwrap_or("127.0.0.1") {
        "::1" => "[::1]",
        host => host,
    };
    match setting("redirect_port") {
        Some(port) if port != "0" => format!("http://{host}:{port}{path}"),
        // Port 0 picks a free port each time: register the loopback with any port.
        _ => format!("http://{host}{path} (any port)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_has_its_help() {
        for provider in ProviderId::all() {
            for field in setting_fields(provider) {
                assert!(!field.help.is_empty(), "{provider}: {}", field.key);
            }
        }
    }

    #[test]
    fn fields_check_what_is_typed() {
        let url = form_fields(crate::core::provider::ags::ID)
            .find(|f| f.key == "base_url")
            .unwrap();
        assert!(check_field(url, "").unwrap_err().contains("required"));
        assert!(check_field(url, "gateway").is_err());
        assert!(check_field(url, "ftp://gateway.example").is_err());
        assert!(check_field(url, "https://gateway.example").is_ok());
        let email = form_fields(crate::core::provider::signnow::ID)
            .find(|f| f.key == "username")
            .unwrap();
        assert!(check_field(email, "alice").is_err());
        assert!(check_field(email, "alice@example.com").is_ok());
        let minutes = form_fields(crate::core::provider::assuresign::ID)
            .find(|f| f.key == "session_minutes")
            .unwrap();
        assert!(check_field(minutes, "0").is_err());
        assert!(check_field(minutes, "90").is_ok());
    }

    #[test]
    fn fields_follow_the_mode_chosen() {
        let mut account = Account::new("A", crate::core::provider::assuresign::ID);
        let username = form_fields(crate::core::provider::assuresign::ID)
            .find(|f| f.key == "username")
            .unwrap();
        let api_user = form_fields(crate::core::provider::assuresign::ID)
            .find(|f| f.key == "api_username")
            .unwrap();
        assert!(is_shown(api_user, &account) && !is_shown(username, &account));
        account
            .settings
            .insert("auth_mode".into(), "credentials".into());
        assert!(!is_shown(api_user, &account) && is_shown(username, &account));
    }

    #[test]
    fn redirect_uris_to_register() {
        let mut account = Account::new("S", crate::core::provider::signnow::ID);
        assert_eq!(redirect_uri_to_register(&account), None);
        account
            .settings
            .insert("grant".into(), "authorization_code".into());
        account
            .settings
            .insert("redirect_port".into(), "8765".into());
        assert_eq!(
            redirect_uri_to_register(&account).unwrap(),
            "http://127.0.0.1:8765/callback"
        );
        let mut sovos = Account::new("V", crate::core::provider::sovos::ID);
        sovos.settings.insert("redirect_port".into(), "9000".into());
        assert_eq!(
            redirect_uri_to_register(&sovos).unwrap(),
            "http://127.0.0.1:9000/callback"
        );
    }
}
