/**
 * Auth attacks on every route family (dashboard, admin, Twilio webhook, media stream): forged JWTs (alg none,
 * HS512, RS256 and its HMAC confusion, another secret, tampered payload, expired, a deleted user's, a stream token
 * used as a session), revoked and unknown API keys, pending and suspended organizations. Then mass assignment on
 * every PATCH (orgId, role, status, plan, ids, credentials echoed back). Every attempt is counted; none may get in.
 */
import { generateKeyPairSync, createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeOrg, createApiKey, setOrgState, type TestOrg } from '../support/factories';
import { connect, phoneOrg, ring, startPhoneWorld, type PhoneOrg, type PhoneWorld } from '../support/phone';
import { assertResponseMatchesSpec } from '../support/spec';

let world: PhoneWorld;
let secret: string;
let victim: PhoneOrg;
let other: TestOrg;
let admin: { userId: string; token: string };

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const unsigned = (header: object, payload: object) => `${b64(header)}.${b64(payload)}.`;
const hmacToken = (header: object, payload: object, key: string, hash = 'sha256') => {
  const body = `${b64(header)}.${b64(payload)}`;
  return `${body}.${createHmac(hash, key).update(body).digest('base64url')}`;
};
const now = () => Math.floor(Date.now() / 1000);

/** Every forged session credential, claiming `userId` of `orgId`. */
function forgedSessions(userId: string, orgId: string, genuine: string): Record<string, string> {
  const claims = { typ: 'session', org: orgId, sub: userId, iat: now(), exp: now() + 3600 };
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const [header, , signature] = genuine.split('.');
  return {
    'alg none': unsigned({ alg: 'none', typ: 'JWT' }, claims),
    'alg None (case)': unsigned({ alg: 'None', typ: 'JWT' }, claims),
    'HS512 with the real secret': jwt.sign(claims, secret, { algorithm: 'HS512' }),
    'RS256 with an attacker key': jwt.sign(claims, privateKey, { algorithm: 'RS256' }),
    'RS256 header, HMAC with a public key': hmacToken({ alg: 'RS256', typ: 'JWT' }, claims, publicPem),
    'RS256 header, HMAC with the real secret': hmacToken({ alg: 'RS256', typ: 'JWT' }, claims, secret),
    'HS256 with another secret': jwt.sign(claims, 'attacker-secret-0123456789abcdef0123456789', { algorithm: 'HS256' }),
    'tampered payload, genuine signature': `${header}.${b64(claims)}.${signature}`,
    expired: jwt.sign({ ...claims, exp: now() - 60 }, secret, { algorithm: 'HS256' }),
    'not yet valid': jwt.sign({ ...claims, nbf: now() + 3600 }, secret, { algorithm: 'HS256' }),
    'no typ claim': jwt.sign({ org: orgId, sub: userId }, secret, { algorithm: 'HS256', expiresIn: 3600 }),
    garbage: 'not.a.jwt',
  };
}

interface Outcome {
  family: string;
  attack: string;
  gotIn: boolean;
  detail: string;
}
const outcomes: Outcome[] = [];
const record = (family: string, attack: string, gotIn: boolean, detail: string) => outcomes.push({ family, attack, gotIn, detail });

/** A raw request (attacks are not typed), its answer validated against openapi.yaml. */
async function send(method: string, schemaPath: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Response> {
  const response = await fetch(`${world.server.apiUrl}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  await assertResponseMatchesSpec(method, schemaPath, response.clone());
  return response;
}

beforeAll(async () => {
  world = await startPhoneWorld();
  secret = world.server.config.jwtSecret;
  victim = await phoneOrg(world);
  other = await activeOrg(world.server);
  const superadmin = await world.server.app.svc.db.selectFrom('users').select(['id', 'email']).where('role', '=', 'superadmin').executeTakeFirstOrThrow();
  const signedIn = await world.server.client().POST('/auth/signin', { body: { email: superadmin.email, password: 'platform-admin-password' } });
  admin = { userId: superadmin.id, token: signedIn.data!.token };
});
afterAll(async () => {
  const byFamily = new Map<string, { tried: number; gotIn: number }>();
  for (const o of outcomes) {
    const entry = byFamily.get(o.family) ?? { tried: 0, gotIn: 0 };
    entry.tried++;
    if (o.gotIn) entry.gotIn++;
    byFamily.set(o.family, entry);
  }
  for (const [family, { tried, gotIn }] of byFamily) console.log(`[auth-attacks] ${family}: ${tried} tried, ${gotIn} got in`);
  await world?.stop();
});

/** The HTTP routes a session credential could open, one per family. */
const SESSION_ROUTES = (orgId: string) => [
  { family: 'dashboard', method: 'GET', schemaPath: '/auth/me', path: '/auth/me' },
  { family: 'dashboard', method: 'GET', schemaPath: '/dashboard/agents', path: '/dashboard/agents' },
  { family: 'dashboard', method: 'PATCH', schemaPath: '/dashboard/organization', path: '/dashboard/organization', body: { name: 'pwned' } },
  { family: 'admin', method: 'GET', schemaPath: '/admin/organizations', path: '/admin/organizations' },
  { family: 'admin', method: 'PATCH', schemaPath: '/admin/organizations/{id}', path: `/admin/organizations/${orgId}`, body: { planSlug: 'enterprise' } },
];

describe('forged and stale session tokens', () => {
  it('open no dashboard or admin route, whoever they claim to be', async () => {
    const member = await activeOrg(world.server);
    const targets = [
      { who: 'a member', userId: member.userId, orgId: member.orgId },
      { who: 'the superadmin', userId: admin.userId, orgId: (await world.server.app.svc.db.selectFrom('users').select('org_id').where('id', '=', admin.userId).executeTakeFirstOrThrow()).org_id },
    ];
    for (const target of targets) {
      for (const [attack, token] of Object.entries(forgedSessions(target.userId, target.orgId, member.token))) {
        for (const route of SESSION_ROUTES(member.orgId)) {
          const response = await send(route.method, route.schemaPath, route.path, { authorization: `Bearer ${token}` }, route.body);
          record(route.family, `${attack} as ${target.who}: ${route.method} ${route.schemaPath}`, response.ok, String(response.status));
          expect(response.status, `${attack} as ${target.who} on ${route.method} ${route.path}`).toBe(401);
        }
      }
    }
    // The control: the member's genuine token works where a member may go.
    expect((await send('GET', '/dashboard/agents', '/dashboard/agents', { authorization: `Bearer ${member.token}` })).status).toBe(200);
  });

  it('of a deleted user, and a stream token used as a session, are refused', async () => {
    const doomed = await activeOrg(world.server);
    expect((await send('GET', '/auth/me', '/auth/me', { authorization: `Bearer ${doomed.token}` })).status).toBe(200);
    await world.server.app.svc.db.deleteFrom('users').where('id', '=', doomed.userId).execute();
    world.server.app.svc.caches.users.delete(doomed.userId);
    const answer = await ring(world, victim);
    const streamToken = answer.parameters.token!;
    for (const [attack, token] of [
      ['deleted user', doomed.token],
      ['stream token as session', streamToken],
    ] as const) {
      for (const route of SESSION_ROUTES(doomed.orgId)) {
        const response = await send(route.method, route.schemaPath, route.path, { authorization: `Bearer ${token}` }, route.body);
        record(route.family, `${attack}: ${route.method} ${route.schemaPath}`, response.ok, String(response.status));
        expect(response.status, `${attack} on ${route.path}`).toBe(401);
      }
    }
  });
});

describe('API keys', () => {
  it('revoked, unknown and malformed keys open nothing, webhook included', async () => {
    const org = await phoneOrg(world);
    const revoked = await createApiKey(org, 'to revoke');
    const { data: keys } = await org.client.GET('/dashboard/api-keys');
    const id = keys!.find((k) => k.name === 'to revoke')!._id;
    expect((await org.client.DELETE('/dashboard/api-keys/{id}', { params: { path: { id } } })).response.status).toBe(204);
    const attacks = {
      revoked,
      unknown: `vx_${'a'.repeat(48)}`,
      malformed: 'vx_not-a-key',
      'session token as API key': org.token,
    };
    for (const [attack, key] of Object.entries(attacks)) {
      const dashboard = await send('GET', '/dashboard/agents', '/dashboard/agents', { 'x-api-key': key });
      record('dashboard', `${attack} API key`, dashboard.ok, String(dashboard.status));
      const adminRoute = await send('GET', '/admin/organizations', '/admin/organizations', { 'x-api-key': key });
      record('admin', `${attack} API key`, adminRoute.ok, String(adminRoute.status));
      const webhook = await ring(world, { apiKey: key });
      record('webhook', `${attack} API key`, webhook.streamUrl !== null, String(webhook.status));
      // Administration tells any API key that keys never administer (403) before looking at it.
      expect([dashboard.status, adminRoute.status, webhook.status, webhook.streamUrl], attack).toEqual([401, 403, 401, null]);
    }
    // A genuine key reaches the dashboard but never administration.
    const adminByKey = await send('GET', '/admin/organizations', '/admin/organizations', { 'x-api-key': org.apiKey });
    record('admin', 'genuine organization API key', adminByKey.ok, String(adminByKey.status));
    expect(adminByKey.status).toBe(403);
  });
});

describe('pending and suspended organizations', () => {
  it('get 403 on dashboard and admin routes, a refusal on the webhook and a closed stream', async () => {
    for (const status of ['pending', 'suspended'] as const) {
      const org = await phoneOrg(world);
      // A call reserved while active, whose stream connects after the organization lost its standing.
      const reserved = await ring(world, org);
      expect(reserved.streamUrl).toBeTruthy();
      await setOrgState(world.server, org.orgId, { status });
      for (const [kind, headers] of [
        ['JWT', { authorization: `Bearer ${org.token}` }],
        ['API key', { 'x-api-key': org.apiKey }],
      ] as const) {
        for (const route of SESSION_ROUTES(org.orgId).filter((r) => r.path !== '/auth/me')) {
          const response = await send(route.method, route.schemaPath, route.path, headers, route.body);
          record(route.family, `${status} organization, ${kind}: ${route.method} ${route.schemaPath}`, response.ok, String(response.status));
          expect(response.status, `${status} ${kind} ${route.path}`).toBe(403);
        }
      }
      const webhook = await ring(world, org);
      record('webhook', `${status} organization`, webhook.streamUrl !== null, String(webhook.status));
      expect(webhook.streamUrl).toBeNull();
      const stream = await connect(world, reserved);
      const code = await stream.closed;
      record('stream', `${status} organization, call reserved before`, code !== 1008, String(code));
      expect(code).toBe(1008);
    }
  });
});

describe('media stream tokens', () => {
  it('a forged stream token never attaches to the call; the genuine one does', async () => {
    const answer = await ring(world, victim);
    const callId = answer.parameters.callId!;
    const claims = { typ: 'stream', org: victim.orgId, sub: callId, iat: now(), exp: now() + 60 };
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const [header, , signature] = answer.parameters.token!.split('.');
    const otherCall = await ring(world, victim);
    const forged: Record<string, string> = {
      'alg none': unsigned({ alg: 'none', typ: 'JWT' }, claims),
      'HS512 with the real secret': jwt.sign(claims, secret, { algorithm: 'HS512' }),
      'RS256 with an attacker key': jwt.sign(claims, privateKey, { algorithm: 'RS256' }),
      'RS256 header, HMAC with the real secret': hmacToken({ alg: 'RS256', typ: 'JWT' }, claims, secret),
      'HS256 with another secret': jwt.sign(claims, 'attacker-secret-0123456789abcdef0123456789', { algorithm: 'HS256' }),
      'tampered payload, genuine signature': `${header}.${b64({ ...claims, org: other.orgId })}.${signature}`,
      expired: jwt.sign({ ...claims, exp: now() - 5 }, secret, { algorithm: 'HS256' }),
      'session token as stream token': victim.token,
      "another call's token": otherCall.parameters.token!,
      empty: '',
    };
    for (const [attack, token] of Object.entries(forged)) {
      const stream = await connect(world, answer, { ...answer.parameters, token });
      const code = await stream.closed;
      record('stream', attack, code !== 1008, String(code));
      expect(code, attack).toBe(1008);
    }
    const row = await world.server.app.svc.db.selectFrom('calls').select(['connected_at']).where('id', '=', callId).executeTakeFirstOrThrow();
    expect(row.connected_at).toBeNull();

    // The control: the genuine token attaches and the greeting plays.
    const genuine = await connect(world, answer);
    genuine.startLine();
    await genuine.waitFor((s) => s.events.some((e) => e.event === 'mark'), 10_000, 'greeting');
    await genuine.hangUp();
  });
});

describe('mass assignment on every PATCH', () => {
  const FORBIDDEN = {
    orgId: 'ORG',
    org_id: 'ORG',
    _id: 'x1',
    role: 'superadmin',
    status: 'active',
    plan: 'enterprise',
    planSlug: 'enterprise',
    createdAt: '2000-01-01T00:00:00.000Z',
    source: 'global',
    hasCredentials: true,
    twilioAuthTokenSet: true,
    slug: 'hijacked',
    passwordHash: 'x',
  };

  it('refuses every field a caller must not set, changes nothing, and never echoes credentials', async () => {
    const owner = await activeOrg(world.server, 'pro');
    const ownAgent = await phoneOrg(world);
    const provider = (await ownAgent.client.POST('/dashboard/providers', {
      body: { category: 'llm', providerKey: 'openai', name: 'Own', credentials: { apiKey: 'sk-own-provider-secret' }, models: [{ modelId: 'm', label: 'M' }] },
    })).data!;
    const global = (await world.server.client({ token: admin.token }).GET('/admin/providers')).data!.find((p) => p.providerKey === 'elevenlabs')!;
    const patches: Array<{ who: string; token: string; schemaPath: string; path: string; valid: Record<string, unknown>; legit: string[] }> = [
      { who: 'org admin', token: ownAgent.token, schemaPath: '/dashboard/organization', path: '/dashboard/organization', valid: { name: 'Renamed' }, legit: [] },
      { who: 'org admin', token: ownAgent.token, schemaPath: '/dashboard/agents/{id}', path: `/dashboard/agents/${ownAgent.agent._id}`, valid: { name: 'Renamed' }, legit: [] },
      { who: 'org admin', token: ownAgent.token, schemaPath: '/dashboard/providers/{id}', path: `/dashboard/providers/${provider._id}`, valid: { name: 'Renamed' }, legit: [] },
      { who: 'superadmin', token: admin.token, schemaPath: '/admin/organizations/{id}', path: `/admin/organizations/${ownAgent.orgId}`, valid: { status: 'active' }, legit: ['status', 'planSlug'] },
      { who: 'superadmin', token: admin.token, schemaPath: '/admin/plans/{slug}', path: '/admin/plans/pro', valid: { description: 'Pro' }, legit: [] },
      { who: 'superadmin', token: admin.token, schemaPath: '/admin/providers/{id}', path: `/admin/providers/${global._id}`, valid: { name: global.name }, legit: [] },
    ];
    for (const patch of patches) {
      for (const [field, value] of Object.entries(FORBIDDEN)) {
        if (patch.legit.includes(field)) continue;
        const injected = value === 'ORG' ? owner.orgId : value;
        const response = await send('PATCH', patch.schemaPath, patch.path, { authorization: `Bearer ${patch.token}` }, { ...patch.valid, [field]: injected });
        record('mass assignment', `${field} on PATCH ${patch.schemaPath}`, response.ok, String(response.status));
        expect(response.status, `${field} on ${patch.path}`).toBe(400);
      }
    }
    // An organization's admin cannot reach the platform's PATCHes at all (role escalation by route).
    for (const patch of patches.filter((p) => p.who === 'superadmin')) {
      const response = await send('PATCH', patch.schemaPath, patch.path, { authorization: `Bearer ${ownAgent.token}` }, patch.valid);
      record('mass assignment', `org admin on PATCH ${patch.schemaPath}`, response.ok, String(response.status));
      expect(response.status).toBe(403);
    }

    // Nothing moved: organization, agent and providers keep their owner, status and plan.
    const db = world.server.app.svc.db;
    expect(await db.selectFrom('organizations').select(['status', 'plan_slug']).where('id', '=', ownAgent.orgId).executeTakeFirstOrThrow()).toEqual({ status: 'active', plan_slug: 'pro' });
    expect((await db.selectFrom('agents').select('org_id').where('id', '=', ownAgent.agent._id).executeTakeFirstOrThrow()).org_id).toBe(ownAgent.orgId);
    expect((await db.selectFrom('providers').select('org_id').where('id', '=', provider._id).executeTakeFirstOrThrow()).org_id).toBe(ownAgent.orgId);
    expect((await db.selectFrom('providers').select('org_id').where('id', '=', global._id).executeTakeFirstOrThrow()).org_id).toBeNull();
    expect((await db.selectFrom('users').select('role').where('id', '=', ownAgent.userId).executeTakeFirstOrThrow()).role).toBe('admin');

    // Credentials go in and never come back out.
    const echoes: Array<[string, Response]> = [
      ['organization Twilio token', await send('PATCH', '/dashboard/organization', '/dashboard/organization', { authorization: `Bearer ${ownAgent.token}` }, { twilioAuthToken: 'twilio-secret-echo-0123456789' })],
      ['provider credentials', await send('PATCH', '/dashboard/providers/{id}', `/dashboard/providers/${provider._id}`, { authorization: `Bearer ${ownAgent.token}` }, { credentials: { apiKey: 'sk-echo-provider-secret' } })],
      ['global provider credentials', await send('PATCH', '/admin/providers/{id}', `/admin/providers/${global._id}`, { authorization: `Bearer ${admin.token}` }, { credentials: { apiKey: 'sk-echo-global-secret' } })],
    ];
    for (const [what, response] of echoes) {
      const text = await response.text();
      const echoed = /secret-echo|echo-provider-secret|echo-global-secret|sk-own-provider-secret/.test(text);
      record('credentials echo', what, echoed, String(response.status));
      expect(response.status, what).toBe(200);
      expect(echoed, what).toBe(false);
    }
  });
});

describe('tally', () => {
  it('no attempt got in', () => {
    expect(outcomes.length).toBeGreaterThan(200);
    expect(outcomes.filter((o) => o.gotIn).map((o) => `${o.family}: ${o.attack} -> ${o.detail}`)).toEqual([]);
  });
});
