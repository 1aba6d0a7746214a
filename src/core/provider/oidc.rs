//! Any OpenID Connect identity provider (Keycloak, Microsoft Entra ID, Okta, Google, panva's
//! `oidc-provider` ...): discovery from the issuer, the browser sign-in with PKCE and a
//! validated ID token, refresh, client credentials where the client has them, and an optional
//! landing page (see `oidc_flow.rs`).

use std::time::Duration;

use super::form::FormField;
use super::oidc_flow::{OidcFormText, OidcProfile, OidcProvider, oidc_form};
use super::{Badge, ProviderSpec};
use crate::core::account::ProviderId;

/// This provider in files and on the command line.
pub const ID: ProviderId = ProviderId::declare("oidc");

const FORM: &[FormField] = &oidc_form(OidcFormText {
    issuer: "The OpenID issuer, e.g. https://login.example.com/realms/acme; discovery is read from it.",
    issuer_required: true,
    client_id: "The client id registered with the identity provider.",
    scopes: "Space-separated scopes for the browser sign-in (default: openid profile email offline_access).",
    acr_values: "Optional authentication context classes the identity provider knows.",
    audience: "Optional audience (resource) for client_credentials, where the provider asks for one.",
});

const SPEC: ProviderSpec = ProviderSpec {
    discovery: None,
    form: FORM,
    id: ID,
    display_name: "OpenID Connect",
    badge: Badge {
        text: "ID",
        rgb: [0x3d, 0x6b, 0x35],
    },
};

pub(super) static PROFILE: OidcProfile = OidcProfile {
    spec: &SPEC,
    default_issuer: None,
    default_audience: None,
    default_scopes: "openid profile email offline_access",
    // An answer without expires_in: assume the common hour, refreshed when due.
    token_lifetime: Duration::from_secs(60 * 60),
};

pub(super) static OIDC: OidcProvider = OidcProvider::new(&PROFILE);
