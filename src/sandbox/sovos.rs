//! A strict fake of Sovos Signer's identity provider (see `shared/providers.md` §5): an
//! OpenID provider on its own port. This step serves discovery and the signing keys.

use openidconnect::core::{CoreJsonWebKeySet, CoreRsaPrivateSigningKey};
use openidconnect::{JsonWebKeyId, PrivateSigningKey};
use serde_json::json;

use super::server::{Reply, Request};
use super::state::{SandboxState, fault_reply};

pub const DISCOVERY: &str = "sovos.discovery";
pub const JWKS: &str = "sovos.jwks";
pub const ENDPOINTS: [&str; 2] = [DISCOVERY, JWKS];

pub const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";
pub const JWKS_PATH: &str = "/.well-known/jwks.json";
pub const SIGNING_KEY_ID: &str = "sandbox-sovos-1";
/// A published test key: it signs sandbox tokens only, and is parsed, never generated, at start.
const SIGNING_KEY_PEM: &str = include_str!("../../assets/sandbox/oidc-signing-key.pem");

pub struct SovosFake {
    issuer: String,
    signing_key: CoreRsaPrivateSigningKey,
}

impl SovosFake {
    pub fn new(issuer: String) -> Self {
        let signing_key = CoreRsaPrivateSigningKey::from_pem(
            SIGNING_KEY_PEM,
            Some(JsonWebKeyId::new(SIGNING_KEY_ID.into())),
        )
        .expect("the bundled sandbox key is a valid PKCS#1 RSA key");
        Self {
            issuer,
            signing_key,
        }
    }

    pub async fn handle(&self, state: &SandboxState, request: &Request) -> Reply {
        let endpoint = match request.path.as_str() {
            DISCOVERY_PATH => DISCOVERY,
            JWKS_PATH => JWKS,
            _ => return error(404, "not_found", &format!("no route for {}", request.path)),
        };
        if let Some(fault) = state.record_call(endpoint)
            && let Some(reply) =
                fault_reply(fault, || error(500, "server_error", "internal error")).await
        {
            return reply;
        }
        if request.method != "GET" {
            return error(405, "invalid_request", "use GET");
        }
        match endpoint {
            DISCOVERY => Reply::json(200, &self.discovery()),
            _ => {
                let keys = CoreJsonWebKeySet::new(vec![self.signing_key.as_verification_key()]);
                Reply::json(200, &serde_json::to_value(keys).expect("JWKS serialises"))
            }
        }
    }

    fn discovery(&self) -> serde_json::Value {
        let at = |path: &str| format!("{}{path}", self.issuer);
        json!({
            "issuer": self.issuer,
            "authorization_endpoint": at("/oauth2/auth"),
            "token_endpoint": at("/oauth2/token"),
            "jwks_uri": at(JWKS_PATH),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email", "phone", "birthdate", "credential", "offline", "offline_access"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "none"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "code_challenge_methods_supported": ["S256"],
            "acr_values_supported": ["urn:acr:face", "urn:acr:fpt", "urn:acr:moc-fpt"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "at_hash", "name", "email", "phone_number", "birthdate"],
        })
    }
}

/// The OAuth error body Sovos documents.
fn error(status: u16, code: &str, description: &str) -> Reply {
    Reply::json(
        status,
        &json!({"error": code, "error_description": description}),
    )
}
