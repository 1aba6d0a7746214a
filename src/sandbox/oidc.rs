//! A strict fake of a generic OpenID Connect identity provider, shaped like Keycloak (its
//! paths under `/protocol/openid-connect/`), for the `oidc` provider: [`OidcIdp`] with its own
//! clients, user and keys' id, on its own port.

use std::time::Duration;

use super::fake::{DemoAccount, demo_account};
use super::oidc_idp::{IdpClients, IdpEndpoints, IdpFake, IdpFakeSpec, IdpProfile};
use crate::core::account::ProviderId;

pub const DISCOVERY: &str = "oidc.discovery";
pub const JWKS: &str = "oidc.jwks";
pub const TOKEN: &str = "oidc.token";
pub const AUTHORIZE: &str = "oidc.authorize";
pub const LOGIN: &str = "oidc.login";
pub const TOKEN_PATH: &str = "/protocol/openid-connect/token";
pub const DEMO: &str = "OpenID Connect demo";

/// The registered clients and the user who signs in.
pub mod fixtures {
    pub const CLIENT_ID: &str = "sandbox-oidc-client";
    pub const CLIENT_SECRET: &str = "sbx-oidc-secret-a93e17";
    pub const PUBLIC_CLIENT_ID: &str = "sandbox-oidc-public";
    pub const USER_EMAIL: &str = "oidc.demo@example.com";
    pub const USER_PASSWORD: &str = "sbx-oidc-pass-4c02";
    pub const REDIRECT_PATH: &str = "/callback";
}
use fixtures as fx;

static PROFILE: IdpProfile = IdpProfile {
    title: "OpenID Connect",
    endpoints: IdpEndpoints {
        discovery: DISCOVERY,
        jwks: JWKS,
        token: TOKEN,
        authorize: AUTHORIZE,
        login: LOGIN,
    },
    authorize_path: "/protocol/openid-connect/auth",
    token_path: TOKEN_PATH,
    login_path: "/login-actions/authenticate",
    signing_key_id: "sandbox-oidc-1",
    clients: IdpClients {
        client_id: fx::CLIENT_ID,
        client_secret: fx::CLIENT_SECRET,
        public_client_id: fx::PUBLIC_CLIENT_ID,
        audience: None,
        user_email: fx::USER_EMAIL,
        user_password: fx::USER_PASSWORD,
        redirect_path: fx::REDIRECT_PATH,
    },
    subject: "oidc-user-0001",
    other_subject: "oidc-user-9999",
    access_token_lifetime: Duration::from_secs(5 * 60),
};

/// What tells this fake from the other OpenID fakes.
pub struct GenericIdp;

/// The fake the sandbox serves.
pub type OidcFake = IdpFake<GenericIdp>;

impl IdpFakeSpec for GenericIdp {
    const PROVIDER: ProviderId = crate::core::provider::oidc::ID;
    const PROFILE: &'static IdpProfile = &PROFILE;

    fn demo_accounts(origin: &str) -> Vec<DemoAccount> {
        let browser = demo_account(
            DEMO,
            Self::PROVIDER,
            "Signs in through your browser on the sandbox's OpenID Connect login page.",
            &[("issuer", origin), ("client_id", fx::PUBLIC_CLIENT_ID)],
        );
        vec![(browser, Vec::new())]
    }
}
