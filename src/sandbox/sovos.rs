//! A strict fake of Sovos Signer's identity provider (see `shared/providers.md` §5): an
//! OpenID provider on its own port ([`OidcIdp`] with Sovos's paths and clients).

use std::time::Duration;

use super::fake::{DemoAccount, demo_account};
use super::fixtures::sovos as fx;
use super::oidc_idp::{IdpClients, IdpEndpoints, IdpFake, IdpFakeSpec, IdpProfile};
use crate::core::account::ProviderId;
use crate::core::secret::SecretString;

pub use super::oidc_idp::{DISCOVERY_PATH, JWKS_PATH};

pub const DISCOVERY: &str = "sovos.discovery";
pub const JWKS: &str = "sovos.jwks";
pub const TOKEN: &str = "sovos.token";
pub const AUTHORIZE: &str = "sovos.authorize";
pub const LOGIN: &str = "sovos.login";
pub const TOKEN_PATH: &str = "/oauth2/token";
pub const SIGNING_KEY_ID: &str = "sandbox-sovos-1";
/// "OAuth tokens are valid for 60 minutes."
pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(60 * 60);

static PROFILE: IdpProfile = IdpProfile {
    title: "Sovos",
    endpoints: IdpEndpoints {
        discovery: DISCOVERY,
        jwks: JWKS,
        token: TOKEN,
        authorize: AUTHORIZE,
        login: LOGIN,
    },
    authorize_path: "/oauth2/auth",
    token_path: TOKEN_PATH,
    login_path: "/oauth2/login",
    signing_key_id: SIGNING_KEY_ID,
    clients: IdpClients {
        client_id: fx::CLIENT_ID,
        client_secret: fx::CLIENT_SECRET,
        public_client_id: fx::PUBLIC_CLIENT_ID,
        audience: Some(fx::AUDIENCE),
        user_email: fx::USER_EMAIL,
        user_password: fx::USER_PASSWORD,
        redirect_path: fx::REDIRECT_PATH,
    },
    subject: "sovos-user-0001",
    other_subject: "sovos-user-9999",
    access_token_lifetime: ACCESS_TOKEN_LIFETIME,
};

/// What tells this fake from the other OpenID fakes.
pub struct SovosIdp;

/// The fake the sandbox serves.
pub type SovosFake = IdpFake<SovosIdp>;

impl IdpFakeSpec for SovosIdp {
    const PROVIDER: ProviderId = crate::core::provider::sovos::ID;
    const PROFILE: &'static IdpProfile = &PROFILE;

    fn demo_accounts(origin: &str) -> Vec<DemoAccount> {
        let browser = demo_account(
            super::fixtures::SOVOS_DEMO,
            Self::PROVIDER,
            "Signs in through your browser on the sandbox's Sovos login page.",
            &[("issuer", origin), ("client_id", fx::PUBLIC_CLIENT_ID)],
        );
        let api = demo_account(
            super::fixtures::SOVOS_API_DEMO,
            Self::PROVIDER,
            "An API token for the sandbox's Sovos Signer (client_credentials).",
            &[
                ("issuer", origin),
                ("client_id", fx::CLIENT_ID),
                ("grant", "client_credentials"),
            ],
        );
        let secret = ("client_secret".into(), SecretString::new(fx::CLIENT_SECRET));
        vec![(browser, Vec::new()), (api, vec![secret])]
    }
}
