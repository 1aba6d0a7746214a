//! The sandbox's fixed credentials and the demo accounts that use them. These are test
//! values for a local fake, published on purpose; they open nothing real.

use crate::core::account::Account;
use crate::core::secret::SecretString;

pub mod assuresign {
    pub const API_USERNAME: &str = "sandbox-api-user";
    pub const API_KEY: &str = "sbx-apikey-4f1c9e27d8b3";
    /// Users of the sandbox account; the first is the demo's context user.
    pub const CONTEXT_USERS: [&str; 2] = ["demo.user@example.com", "second.user@example.com"];
    pub const USERNAME: &str = "demo.user";
    pub const PASSWORD: &str = "sbx-password-92be71";
}

pub mod sovos {
    /// A confidential client (client_secret_basic), allowed every grant.
    pub const CLIENT_ID: &str = "sandbox-sovos-client";
    pub const CLIENT_SECRET: &str = "sbx-sovos-secret-5d20c8";
    /// A public client (no secret), allowed the browser sign-in only.
    pub const PUBLIC_CLIENT_ID: &str = "sandbox-sovos-public";
    pub const AUDIENCE: &str = "signer.trust.sovos.com";
    /// The person who signs in on the sandbox's login page.
    pub const USER_EMAIL: &str = "signer.demo@example.com";
    pub const USER_PASSWORD: &str = "sbx-user-pass-31f7";
    /// Registered redirect path; any loopback port is accepted (RFC 8252 §7.3).
    pub const REDIRECT_PATH: &str = "/callback";
}

pub mod signnow {
    pub const CLIENT_ID: &str = "sandbox-signnow-client";
    pub const CLIENT_SECRET: &str = "sbx-signnow-secret-8e41";
    /// The dashboard's Basic token: base64("CLIENT_ID:CLIENT_SECRET").
    pub const BASIC_TOKEN: &str =
        "c2FuZGJveC1zaWdubm93LWNsaWVudDpzYngtc2lnbm5vdy1zZWNyZXQtOGU0MQ==";
    pub const USER_EMAIL: &str = "sign.demo@example.com";
    pub const USER_PASSWORD: &str = "sbx-signnow-pass-77d2";
}

pub mod licensespring {
    pub const API_KEY: &str = "sbx-ls-apikey-0c6a2f";
    pub const SHARED_KEY: &str = "sbx-ls-sharedkey-b71d93e4";
    /// The OAuth alternative to request signing.
    pub const OAUTH_TOKEN: &str = "sbx-ls-oauth-5e08";
    pub const PRODUCT: &str = "sandbox-product";
    pub const CUSTOMER: &str = "sandbox-customer";
    /// The license user who signs in on the hosted page.
    pub const USER_EMAIL: &str = "license.user@example.com";
    pub const USER_PASSWORD: &str = "sbx-ls-user-pass-4d1e";
    pub const LICENSE_KEY: &str = "SBX-7Q2M-K9TX-4WLR";
}

pub mod ags {
    pub const TENANT: &str = "sandbox-tenant";
    pub const SERVICE_ID: &str = "sandbox-idp";
    pub const SERVICE_NAME: &str = "Sandbox Identity";
    pub const SESSION_TOKEN: &str = "sbx-ags-session-3b9f";
    /// Signs on to one account.
    pub const USERNAME: &str = "operator@example.com";
    /// Matches two accounts: the sign-on answers 300.
    pub const HOUSEHOLD_USERNAME: &str = "family@example.com";
    pub const PASSWORD: &str = "sbx-ags-pass-71c2";
    /// (accountId, name); a session-token or single-account sign-on lands on the first.
    pub const ACCOUNTS: [(&str, &str); 2] = [("1663", "Home"), ("1664", "Office")];
    /// Signs the sandbox's JWT-shaped tokens.
    pub const JWT_KEY: &str = "sbx-ags-jwt-key-0f5d2a";

    /// A parameter: (name, mandatory, isPassword).
    pub type Parameter = (&'static str, bool, bool);

    /// The service's endpoints: (name, path, parameters).
    pub fn endpoints() -> Vec<(&'static str, &'static str, Vec<Parameter>)> {
        vec![
            (
                "SIGNON",
                "/signOn",
                vec![
                    ("Username", true, false),
                    ("Password", true, true),
                    ("Region", false, false),
                ],
            ),
            (
                "SIGNONWITHSESSIONTOKEN",
                "/signOnWithSessionToken",
                vec![("sessionToken", true, true), ("Region", false, false)],
            ),
        ]
    }
}

pub const ASSURESIGN_DEMO: &str = "AssureSign demo";
pub const SOVOS_DEMO: &str = "Sovos demo";
pub const SOVOS_API_DEMO: &str = "Sovos API demo";
pub const SIGNNOW_DEMO: &str = "signNow demo";
pub const AGS_DEMO: &str = "AGS demo";
pub const LICENSESPRING_DEMO: &str = "LicenseSpring demo";

/// The demo accounts, pointed at a running sandbox, with their secrets.
pub fn demo_accounts(
    sandbox: &crate::sandbox::Sandbox,
) -> Vec<(Account, Vec<(String, SecretString)>)> {
    let assuresign_origin = sandbox.assuresign_origin();
    let mut account = Account::new(ASSURESIGN_DEMO, crate::core::provider::assuresign::ID);
    account.tags = vec!["demo".into()];
    account.favourite = true;
    account.notes = "Signs in to the built-in sandbox; nothing leaves this computer.".into();
    for (key, value) in [
        ("auth_base_url", assuresign_origin),
        ("api_base_url", assuresign_origin),
        ("api_username", assuresign::API_USERNAME),
        ("context_username", assuresign::CONTEXT_USERS[0]),
    ] {
        account.settings.insert(key.into(), value.into());
    }
    let assuresign_demo = (
        account,
        vec![("api_key".into(), SecretString::new(assuresign::API_KEY))],
    );

    let sovos_demo = {
        let mut account = Account::new(SOVOS_DEMO, crate::core::provider::sovos::ID);
        account.tags = vec!["demo".into()];
        account.notes = "Signs in through your browser on the sandbox's Sovos login page.".into();
        account
            .settings
            .insert("issuer".into(), sandbox.sovos_issuer().into());
        account
            .settings
            .insert("client_id".into(), sovos::PUBLIC_CLIENT_ID.into());
        (account, Vec::new())
    };
    let sovos_api_demo = {
        let mut account = Account::new(SOVOS_API_DEMO, crate::core::provider::sovos::ID);
        account.tags = vec!["demo".into()];
        account.notes = "An API token for the sandbox's Sovos Signer (client_credentials).".into();
        for (key, value) in [
            ("issuer", sandbox.sovos_issuer()),
            ("client_id", sovos::CLIENT_ID),
            ("grant", "client_credentials"),
        ] {
            account.settings.insert(key.into(), value.into());
        }
        let secret = (
            "client_secret".into(),
            SecretString::new(sovos::CLIENT_SECRET),
        );
        (account, vec![secret])
    };
    let signnow_demo = {
        let mut account = Account::new(SIGNNOW_DEMO, crate::core::provider::signnow::ID);
        account.tags = vec!["demo".into()];
        account.notes = "A signNow token (password grant) from the sandbox.".into();
        for (key, value) in [
            ("api_base_url", sandbox.signnow_origin()),
            ("app_base_url", sandbox.signnow_origin()),
            ("username", signnow::USER_EMAIL),
        ] {
            account.settings.insert(key.into(), value.into());
        }
        let secrets = vec![
            (
                "basic_token".into(),
                SecretString::new(signnow::BASIC_TOKEN),
            ),
            ("password".into(), SecretString::new(signnow::USER_PASSWORD)),
        ];
        (account, secrets)
    };
    let ags_demo = {
        let mut account = Account::new(AGS_DEMO, crate::core::provider::ags::ID);
        account.tags = vec!["demo".into()];
        account.notes = "An AGS session kept fresh with access and refresh tokens.".into();
        for (key, value) in [
            ("base_url", sandbox.ags_origin()),
            ("tenant_id", ags::TENANT),
            ("auth_service_id", ags::SERVICE_ID),
        ] {
            account.settings.insert(key.into(), value.into());
        }
        let secret = (
            "session_token".into(),
            SecretString::new(ags::SESSION_TOKEN),
        );
        (account, vec![secret])
    };
    let licensespring_demo = {
        let mut account =
            Account::new(LICENSESPRING_DEMO, crate::core::provider::licensespring::ID);
        account.tags = vec!["demo".into()];
        account.notes =
            "Signs in on the sandbox's license page, then activates the license here.".into();
        let vendor_key = sandbox.licensespring_vendor_key();
        for (key, value) in [
            ("api_base_url", sandbox.licensespring_origin()),
            ("product", licensespring::PRODUCT),
            ("customer_account_code", licensespring::CUSTOMER),
            ("response_type", "code"),
            ("activate", "true"),
            ("vendor_public_key", vendor_key.as_str()),
        ] {
            account.settings.insert(key.into(), value.into());
        }
        let secrets = vec![
            ("api_key".into(), SecretString::new(licensespring::API_KEY)),
            (
                "shared_key".into(),
                SecretString::new(licensespring::SHARED_KEY),
            ),
        ];
        (account, secrets)
    };
    vec![
        assuresign_demo,
        sovos_demo,
        sovos_api_demo,
        signnow_demo,
        ags_demo,
        licensespring_demo,
    ]
}
