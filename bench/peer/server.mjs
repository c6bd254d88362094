// node-oidc-provider set up like Sigil for bench/run: the same clients, scopes,
// token lifetimes and refresh-token rotation, signing algorithm, JWT access tokens, and
// an in-memory store.
// Before it listens it mints the tokens the load needs and writes them to files.
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const out = process.env.OUT;
const count = Number(process.env.REFRESH_TOKENS || 10000);
const issuer = `http://127.0.0.1:${port}`;

// The library's own memory adapter is an LRU of 1000 entries, too small to hold the
// tokens a load test uses; this one keeps everything, like Sigil's database does.
const stores = new Map();
class MapAdapter {
  constructor(name) { this.name = name; if (!stores.has(name)) stores.set(name, new Map()); this.m = stores.get(name); }
  async upsert(id, payload) { this.m.set(id, payload); }
  async find(id) { return this.m.get(id); }
  async findByUserCode() { return undefined; }
  async findByUid(uid) { for (const v of this.m.values()) if (v.uid === uid) return v; return undefined; }
  async consume(id) { const v = this.m.get(id); if (v) v.consumed = Math.floor(Date.now() / 1000); }
  async destroy(id) { this.m.delete(id); }
  async revokeByGrantId(grantId) { for (const [k, v] of this.m) if (v.grantId === grantId) this.m.delete(k); }
}

const alg = process.env.ALG || 'RS256';
const jwtAccess = (process.env.PEER_ACCESS_TOKENS || 'jwt') === 'jwt';
const resource = 'https://api.rp.example/';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
const ed = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
const provider = new Provider(issuer, {
  adapter: MapAdapter,
  jwks: {
    keys: [
      { ...rsa, kid: 'rs1', alg: 'RS256', use: 'sig' },
      { ...ec, kid: 'ec1', alg: 'ES256', use: 'sig' },
      { ...ed, kid: 'ed1', alg: 'EdDSA', use: 'sig' },
    ],
  },
  enabledJWA: { idTokenSigningAlgValues: ['RS256', 'ES256', 'EdDSA'] },
  clients: [
    {
      client_id: 'web', client_secret: 'web-secret-web-secret-web-secret-42',
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
      redirect_uris: ['https://rp.example/callback'], token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: alg,
    },
    {
      client_id: 'svc', client_secret: 'svc-secret-svc-secret-svc-secret-42',
      grant_types: ['client_credentials'], response_types: [], redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  features: {
    // Sigil's access tokens are JWTs (RFC 9068) signed like its ID tokens; with
    // PEER_ACCESS_TOKENS=jwt (the default) the peer issues the same for the tokens the
    // load obtains, for one resource server; =opaque leaves the peer's own default.
    resourceIndicators: {
      enabled: jwtAccess,
      defaultResource: async () => resource,
      useGrantedResource: async () => true,
      getResourceServerInfo: async () => ({
        scope: 'openid profile email',
        audience: resource,
        accessTokenTTL: 300,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg } },
      }),
    },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    userinfo: { enabled: true },
    devInteractions: { enabled: false },
  },
  scopes: ['openid', 'offline_access', 'profile', 'email'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'given_name', 'family_name', 'nickname', 'preferred_username', 'birthdate', 'updated_at'],
    email: ['email', 'email_verified'],
  },
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({
      sub: id, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', nickname: 'ada',
      preferred_username: 'ada', email: 'ada@example.org', email_verified: false, updated_at: 1700000000,
    }),
  }),
  rotateRefreshToken: true,
  ttl: { AccessToken: 300, ClientCredentials: 300, IdToken: 3600, RefreshToken: 30 * 86400, Grant: 30 * 86400 },
});

const client = await provider.Client.find('web');
const grant = new provider.Grant({ accountId: 'ada', clientId: 'web' });
grant.addOIDCScope('openid profile email offline_access');
if (jwtAccess) grant.addResourceScope(resource, 'openid profile email');
const grantId = await grant.save();
const now = Math.floor(Date.now() / 1000);
const access = await new provider.AccessToken({
  accountId: 'ada', client, grantId, scope: 'openid profile email', gty: 'authorization_code',
}).save();
const refresh = [];
for (let i = 0; i < count; i += 1) {
  refresh.push(await new provider.RefreshToken({
    accountId: 'ada', client, grantId, scope: 'openid profile email offline_access',
    gty: 'authorization_code', authTime: now, iiat: now, rotations: 0,
    ...(jwtAccess ? { resource } : {}),
  }).save());
}
writeFileSync(`${out}/peer-access-token`, access);
writeFileSync(`${out}/peer-refresh-tokens`, refresh.join('\n') + '\n');
provider.listen(port, '127.0.0.1', () => console.log(`peer listening on ${issuer}`));
