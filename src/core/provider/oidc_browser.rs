//! The OpenID Connect browser sign-in: OpenID Connect authorization code with PKCE S256, `state` and
//! `nonce`, through the system browser and the loopback listener; the ID token is validated
//! (signature from JWKS, `iss`, `aud`, `exp`, `nonce`, and `at_hash` when present).

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdTokenVerifier, CoreProviderMetadata,
    CoreTokenResponse,
};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, RedirectUrl, RefreshToken, Scope, TokenResponse,
};

use super::oauth::{discovery_error, token_error};
use super::oidc_flow::Config;
use super::{IdClaims, ProviderContext, ProviderError, Secrets, SessionToken};
use crate::core::loopback::LoopbackListener;
use crate::core::secret::{AccessToken, OneTimeUrl, SecretString};

/// Signs the user in through the browser and returns the validated session.
pub(super) async fn sign_in(
    ctx: ProviderContext<'_>,
    config: &Config,
    secrets: &Secrets,
) -> Result<SessionToken, ProviderError> {
    let name = config.profile.name();
    let browser = ctx
        .browser
        .ok_or(ProviderError::NeedsBrowser { provider: name })?;
    let client = client(ctx, config, secrets).await?;
    let mut options = config.listener.clone();
    options.timeout = browser.timeout();
    let listener = LoopbackListener::bind(options)?;
    let client = client.set_redirect_uri(RedirectUrl::from_url(listener.redirect_uri().clone()));
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge);
    for scope in config.scopes.iter().filter(|scope| *scope != "openid") {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    for (parameter, value) in [
        ("acr_values", &config.acr_values),
        ("prompt", &config.prompt),
        ("ui_locales", &config.ui_locales),
    ] {
        if let Some(value) = value {
            request = request.add_extra_param(parameter, value.clone());
        }
    }
    let (authorize_url, state, nonce) = request.url();
    browser.started(listener.cancel_handle());
    browser.open(&OneTimeUrl::new(authorize_url));
    let answer = listener
        .wait_for_redirect_async(SecretString::new(state.secret().clone()))
        .await?;
    let code = answer.get("code").ok_or_else(|| ProviderError::Malformed {
        provider: name,
        what: "the sign-in came back without a code".into(),
    })?;
    let issued_at = ctx.clock.now();
    let tokens = client
        .exchange_code(AuthorizationCode::new(code.expose_secret().to_string()))
        .map_err(|err| ProviderError::malformed(name, format!("cannot exchange the code: {err}")))?
        .set_pkce_verifier(verifier)
        .request_async(ctx.http)
        .await
        .map_err(|err| token_error(name, err))?;
    let claims = validate_id_token(name, &client.id_token_verifier(), &tokens, Some(&nonce))?
        .ok_or_else(|| ProviderError::malformed(name, "the token answer has no id_token"))?;
    Ok(session(config, &tokens, issued_at, Some(claims), None))
}

/// What a browser sign-in needs, checked without a browser: discovery, published signing
/// keys, and the redirect port.
pub(super) async fn probe(
    ctx: ProviderContext<'_>,
    config: &Config,
) -> Result<Vec<String>, ProviderError> {
    let name = config.profile.name();
    let metadata = CoreProviderMetadata::discover_async(config.issuer.clone(), ctx.http)
        .await
        .map_err(|err| discovery_error(name, err))?;
    let keys = metadata.jwks().keys().len();
    if keys == 0 {
        return Err(ProviderError::malformed(
            name,
            "its key set (jwks_uri) holds no keys to check ID tokens with",
        ));
    }
    let listener = LoopbackListener::bind(config.listener.clone())?;
    let redirect_uri = listener.redirect_uri().to_string();
    drop(listener);
    Ok(vec![
        format!("OpenID discovery at {} answered", config.issuer.as_str()),
        format!("{keys} signing key(s) published"),
        format!("the redirect address {redirect_uri} can be listened on"),
    ])
}

/// Renews the session with its refresh token (a new ID token, when sent, is validated too).
pub(super) async fn refresh(
    ctx: ProviderContext<'_>,
    config: &Config,
    secrets: &Secrets,
    stale: &SessionToken,
) -> Result<SessionToken, ProviderError> {
    let name = config.profile.name();
    let refresh_token = stale
        .refresh_token
        .as_ref()
        .ok_or_else(|| ProviderError::malformed(name, "no refresh token is held"))?;
    let client = client(ctx, config, secrets).await?;
    let issued_at = ctx.clock.now();
    let tokens = client
        .exchange_refresh_token(&RefreshToken::new(
            refresh_token.expose_secret().to_string(),
        ))
        .map_err(|err| ProviderError::malformed(name, format!("cannot refresh: {err}")))?
        .request_async(ctx.http)
        .await
        .map_err(|err| token_error(name, err))?;
    let renewed = validate_id_token(
        name,
        &client.id_token_verifier().require_issuer_match(true),
        &tokens,
        None,
    )?;
    // OpenID Connect Core §12.2: a refreshed ID token is for the same user, from the same
    // issuer, as the one the sign-in gave; anything else is not this session any more.
    if let (Some(renewed), Some(first)) = (&renewed, &stale.id_claims)
        && (renewed.sub != first.sub || renewed.iss != first.iss)
    {
        return Err(ProviderError::InvalidIdToken {
            provider: name,
            detail: "the refreshed ID token names another user than the sign-in did, so the \
                     session was not renewed"
                .into(),
        });
    }
    let claims = renewed.or_else(|| stale.id_claims.clone());
    Ok(session(
        config,
        &tokens,
        issued_at,
        claims,
        stale.refresh_token.clone(),
    ))
}

type DiscoveredClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

async fn client(
    ctx: ProviderContext<'_>,
    config: &Config,
    secrets: &Secrets,
) -> Result<DiscoveredClient, ProviderError> {
    let name = config.profile.name();
    let metadata = CoreProviderMetadata::discover_async(config.issuer.clone(), ctx.http)
        .await
        .map_err(|err| discovery_error(name, err))?;
    // A public client has no secret; the token requests then name the client in the body.
    let secret = secrets
        .get("client_secret")
        .map(|secret| ClientSecret::new(secret.expose_secret().to_string()));
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(config.client_id.clone()),
        secret,
    ))
}

/// Validates the ID token when one came: signature, issuer, audience, expiry, nonce (on
/// sign-in) and `at_hash` when present.
fn validate_id_token(
    name: &'static str,
    verifier: &CoreIdTokenVerifier<'_>,
    tokens: &CoreTokenResponse,
    nonce: Option<&Nonce>,
) -> Result<Option<IdClaims>, ProviderError> {
    let Some(id_token) = tokens.id_token() else {
        return Ok(None);
    };
    let invalid = |detail: String| ProviderError::InvalidIdToken {
        provider: name,
        detail,
    };
    let claims = match nonce {
        Some(nonce) => id_token.claims(verifier, nonce),
        None => id_token.claims(verifier, |_: Option<&Nonce>| Ok(())),
    }
    .map_err(|err| invalid(err.to_string()))?;
    if let Some(expected) = claims.access_token_hash() {
        let algorithm = id_token
            .signing_alg()
            .map_err(|err| invalid(err.to_string()))?;
        let key = id_token
            .signing_key(verifier)
            .map_err(|err| invalid(err.to_string()))?;
        let actual = AccessTokenHash::from_token(tokens.access_token(), algorithm, key)
            .map_err(|err| invalid(err.to_string()))?;
        if actual != *expected {
            return Err(invalid("at_hash does not match the access token".into()));
        }
    }
    Ok(Some(IdClaims {
        iss: claims.issuer().to_string(),
        sub: claims.subject().to_string(),
        aud: claims
            .audiences()
            .iter()
            .map(|audience| audience.to_string())
            .collect(),
        exp: claims.expiration().timestamp(),
        email: claims.email().map(|email| email.to_string()),
    }))
}

fn session(
    config: &Config,
    tokens: &CoreTokenResponse,
    issued_at: time::OffsetDateTime,
    id_claims: Option<IdClaims>,
    previous_refresh: Option<SecretString>,
) -> SessionToken {
    let mut session = SessionToken::new(
        AccessToken::new(tokens.access_token().secret().as_str()),
        "Bearer",
        issued_at,
        tokens.expires_in().unwrap_or(config.profile.token_lifetime),
    );
    // A provider that rotates sends a new refresh token; one that does not keeps the old.
    session.refresh_token = tokens
        .refresh_token()
        .map(|token| SecretString::new(token.secret().as_str()))
        .or(previous_refresh);
    session.id_claims = id_claims;
    session
}
