//! Sovos Signer: OpenID Connect (see `oidc_flow.rs`). The browser sign-in (authorization
//! code with PKCE) gives ID, access and refresh tokens; `client_credentials` with an audience
//! gives an API token for the Signer API. Tokens are cached for their lifetime.

use std::time::Duration;

use super::form::FormField;
use super::oidc_flow::{OidcFormText, OidcProfile, OidcProvider, oidc_form};
use super::{Badge, ProviderSpec};
use crate::core::account::ProviderId;

pub const DEFAULT_ISSUER: &str = "https://accounts.trust.sovos.com";
pub const DEFAULT_AUDIENCE: &str = "signer.trust.sovos.com";
pub const DEFAULT_SCOPES: &str = "openid profile email phone offline_access";

/// This provider in files and on the command line.
pub const ID: ProviderId = ProviderId::declare("sovos");

const FORM: &[FormField] = &oidc_form(OidcFormText {
    issuer: "The OpenID issuer (default https://accounts.trust.sovos.com); discovery is read from it.",
    issuer_required: false,
    client_id: "The client id Sovos gave you.",
    scopes: "Space-separated scopes for the browser sign-in (default: openid profile email phone offline_access).",
    acr_values: "Optional, e.g. urn:acr:face, urn:acr:fpt or urn:acr:moc-fpt.",
    audience: "Audience for client_credentials (default signer.trust.sovos.com).",
});

const SPEC: ProviderSpec = ProviderSpec {
    discovery: None,
    form: FORM,
    id: ID,
    display_name: "Sovos Signer",
    badge: Badge {
        text: "SV",
        rgb: [0xb8, 0x32, 0x80],
    },
};

pub(super) static PROFILE: OidcProfile = OidcProfile {
    spec: &SPEC,
    default_issuer: Some(DEFAULT_ISSUER),
    default_audience: Some(DEFAULT_AUDIENCE),
    default_scopes: DEFAULT_SCOPES,
    // The docs: "OAuth tokens are valid for 60 minutes"; used when the answer has no expires_in.
    token_lifetime: Duration::from_secs(60 * 60),
};

pub(super) static SOVOS: OidcProvider = OidcProvider::new(&PROFILE);
