// A real OpenID provider (panva's oidc-provider) on loopback for sso-launcher's end-to-end
// test. Prints {"issuer": ...} on stdout once listening. Hooks for the negative cases
// (everything else is stock): E2E_FAIL_TOKEN=1 makes the token endpoint fail with 500;
// E2E_TAMPER_STATE=1 rewrites the state in the redirect back to the app, as an attacker would.
import http from 'node:http';
import Provider from 'oidc-provider';

const server = http.createServer();
await new Promise((resolve) => server.listen(Number(process.env.PORT || 0), '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'e2e-native',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  }, {
    // A confidential client for client_credentials (client_secret_basic, the default).
    client_id: 'e2e-service',
    client_secret: 'e2e-service-secret-7b1d',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
  }],
  claims: { email: ['email'], openid: ['sub'] },
  scopes: ['openid', 'email', 'offline_access'],
  cookies: { keys: ['sso-launcher-e2e-cookie-key'] },
  ttl: {
    AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, RefreshToken: 86400,
    Grant: 86400, Interaction: 600, Session: 86400,
  },
  features: { devInteractions: { enabled: true }, clientCredentials: { enabled: true } },
  async findAccount(_ctx, sub) {
    return { accountId: sub, claims: async () => ({ sub, email: `${sub}@example.com` }) };
  },
  // As documented: refresh tokens only for offline_access (granted with prompt=consent).
  async issueRefreshToken(_ctx, client, code) {
    return client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access');
  },
});

if (process.env.E2E_FAIL_TOKEN) {
  provider.use(async (ctx, next) => {
    if (ctx.method === 'POST' && ctx.path === '/token') {
      ctx.status = 500;
      ctx.body = { error: 'server_error', error_description: 'e2e: the token endpoint is failing' };
      return;
    }
    await next();
  });
}

if (process.env.E2E_TAMPER_STATE) {
  provider.use(async (ctx, next) => {
    await next();
    const location = ctx.response.get('location');
    if (location && location.startsWith('http://127.0.0.1:') && location.includes('state=')) {
      const forged = new URL(location);
      forged.searchParams.set('state', 'forged-state');
      ctx.redirect(forged.toString());
    }
  });
}

server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
