//! The providers, registered in one list. The store, the CLI, the window, search and audit ask
//! here; none of them names a provider. A provider added later adds its line here.

use super::Provider;
use crate::core::account::ProviderId;

static PROVIDERS: &[&dyn Provider] = &[
    &super::assuresign::AssureSign,
    &super::ags::Ags,
    &super::licensespring::LicenseSpring,
    &super::signnow::SignNow,
    &super::sovos::SOVOS,
    &super::oidc::OIDC,
];

/// Every registered provider, in the order lists show them.
pub fn all() -> impl Iterator<Item = &'static dyn Provider> {
    PROVIDERS.iter().copied()
}

/// The provider with this id.
pub fn get(id: ProviderId) -> &'static dyn Provider {
    all()
        .find(|provider| provider.spec().id == id)
        .unwrap_or_else(|| panic!("provider '{id}' is declared but not registered"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_names_and_badges_are_unique_and_read_back() {
        let ids: Vec<ProviderId> = ProviderId::all().collect();
        for (index, id) in ids.iter().enumerate() {
            assert_eq!(id.id().parse::<ProviderId>().unwrap(), *id);
            assert_eq!(get(*id).spec().id, *id);
            for other in &ids[index + 1..] {
                let (one, two) = (get(*id).spec(), get(*other).spec());
                assert_ne!(one.id, two.id);
                assert_ne!(one.display_name, two.display_name);
                assert_ne!(one.badge.text, two.badge.text);
            }
        }
        assert!("nonesuch".parse::<ProviderId>().is_err());
    }

    /// Secrets are entries of the one field list, labelled there, and never settings.
    #[test]
    fn secrets_live_in_the_field_list_and_are_not_settings() {
        use crate::core::provider::form::{FieldKind, secret_label, setting_fields};
        for id in ProviderId::all() {
            let secrets: Vec<_> = get(id).spec().secrets().collect();
            assert!(!secrets.is_empty(), "{id} has secrets");
            for secret in &secrets {
                assert_eq!(secret.kind, FieldKind::Secret);
                assert_eq!(secret_label(secret.key), secret.label);
                assert!(!secret.label.is_empty() && secret.label != secret.key);
                assert!(setting_fields(id).all(|field| field.key != secret.key));
            }
        }
        assert_eq!(secret_label("api_key"), "API key");
        assert_eq!(secret_label("no_such_secret"), "no_such_secret");
    }
}
