//! The sandbox's fixed credentials and the demo accounts that use them. These are test
//! values for a local fake, published on purpose; they open nothing real.

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
