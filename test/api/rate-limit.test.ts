/**
 * Rate limits: per client address, per API key and per user, sign-in brute force, sign-ups, setup and the Twilio
 * webhook; the 429 answer and its headers; and counters shared by two server instances through Postgres or Redis
 * (memory, the control, is per instance). Each block prints requests sent and refused.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { sendVoiceWebhook } from '../../scripts/lib/twilio-caller';
import { createApp, type App } from '../../src/app';
import { parseConfig } from '../../src/config';
import { createRateLimiters } from '../../src/services/rate-limiters';
import { freshDatabaseUrl, testDialect } from '../support/database';
import { activeOrg, createApiKey, signUpOrg, uniqueEmail } from '../support/factories';
import { PUBLIC_URL, TWILIO_TOKEN } from '../support/phone';
import { rateLimitHeadersOf, tally, type Tally } from '../support/rate-limits';
import { startTestServer, type TestServer } from '../support/server';
import { assertResponseMatchesSpec, expectErrorBody } from '../support/spec';

const report = (what: string, t: Tally) => console.log(`[rate-limit] ${what}: sent ${t.sent}, refused ${t.refused}`);
const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

let servers: TestServer[] = [];
async function server(env: Record<string, string>): Promise<TestServer> {
  const started = await startTestServer(env);
  servers.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
});

describe('per client address', () => {
  it('refuses what is past the limit with 429, Retry-After and RateLimit-* headers', async () => {
    const s = await server({ RATE_LIMIT_IP: '20/60' });
    const first = await fetch(`${s.apiUrl}/health`);
    expect(first.status).toBe(200);
    expect(rateLimitHeadersOf(first)).toMatchObject({ limit: 20, remaining: 19, retryAfter: null });

    const t = await tally(29, () => fetch(`${s.apiUrl}/health`));
    report('per address 20/60 (GET /health)', { ...t, sent: t.sent + 1 });
    expect(t.refused).toBe(10);
    expect(t.others.every((status) => status === 200)).toBe(true);

    const refused = await fetch(`${s.apiUrl}/plans`);
    expect(refused.status).toBe(429);
    await assertResponseMatchesSpec('GET', '/plans', refused);
    expect(await expectErrorBody(refused)).toMatchObject({ code: 'rate_limited' });
    const headers = rateLimitHeadersOf(refused);
    expect(headers).toMatchObject({ limit: 20, remaining: 0 });
    expect(headers.retryAfter).toBeGreaterThan(0);
    expect(headers.retryAfter).toBeLessThanOrEqual(60);
    // Routes outside the API (metrics, docs) and unknown paths count too.
    expect((await fetch(`${s.url}/metrics`)).status).toBe(429);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
    const s = await server({ RATE_LIMIT_IP: '5/60' });
    const t = await tally(8, (i) => fetch(`${s.apiUrl}/health`, { headers: { 'x-forwarded-for': `203.0.113.${i}` } }));
    report('per address, spoofed X-Forwarded-For without TRUST_PROXY', t);
    expect(t.refused).toBe(3);
  });

  it('behind a trusted proxy counts the address the proxy appended, not one the client wrote', async () => {
    const s = await server({ RATE_LIMIT_IP: '5/60', TRUST_PROXY: 'true' });
    const as = (chain: string) => () => fetch(`${s.apiUrl}/health`, { headers: { 'x-forwarded-for': chain } });
    const first = await tally(7, as('198.51.100.7'));
    const forged = await tally(3, (i) => as(`10.9.9.${i}, 198.51.100.7`)());
    const other = await tally(3, as('198.51.100.8'));
    report('per address behind TRUST_PROXY', { sent: 13, refused: first.refused + forged.refused + other.refused, others: [] });
    expect([first.refused, forged.refused, other.refused]).toEqual([2, 3, 0]);
  });
});

describe('per caller', () => {
  it('counts each API key and each user apart', async () => {
    const s = await server({ RATE_LIMIT_CALLER: '12/60' });
    const org = await activeOrg(s);
    const [keyA, keyB] = [await createApiKey(org, 'A'), await createApiKey(org, 'B')]; // 2 of the user's 12
    const list = (headers: Record<string, string>) => () => fetch(`${s.apiUrl}/dashboard/agents`, { headers });

    const byKeyA = await tally(15, list({ 'x-api-key': keyA }));
    const byKeyB = await tally(3, list({ 'x-api-key': keyB }));
    const byUser = await tally(12, list({ authorization: `Bearer ${org.token}` }));
    const other = await activeOrg(s);
    const byOtherUser = await tally(3, list({ authorization: `Bearer ${other.token}` }));
    report('per API key 12/60', byKeyA);
    report('per user 12/60 (2 spent creating keys)', byUser);
    expect([byKeyA.refused, byKeyB.refused, byUser.refused, byOtherUser.refused]).toEqual([3, 0, 2, 0]);
    expect([...byKeyA.others, ...byKeyB.others, ...byUser.others, ...byOtherUser.others].every((st) => st === 200)).toBe(true);

    const refused = await s.client({ apiKey: keyA }).GET('/dashboard/agents');
    expect(refused.response.status).toBe(429);
    expect(rateLimitHeadersOf(refused.response)).toMatchObject({ limit: 12, remaining: 0 });
  });

  it('does not spend a caller budget on bad credentials', async () => {
    const s = await server({ RATE_LIMIT_CALLER: '3/60' });
    const org = await activeOrg(s);
    const key = await createApiKey(org);
    const wrong = await tally(10, () => fetch(`${s.apiUrl}/dashboard/agents`, { headers: { 'x-api-key': `vx_${'0'.repeat(48)}` } }));
    expect(wrong.refused).toBe(0);
    expect(wrong.others.every((st) => st === 401)).toBe(true);
    expect((await fetch(`${s.apiUrl}/dashboard/agents`, { headers: { 'x-api-key': key } })).status).toBe(200);
  });
});

describe('sign-in, sign-up and setup', () => {
  it('locks an email from an address after the attempts, even with the right password; others go on', async () => {
    const s = await server({ RATE_LIMIT_SIGNIN: '5/900' });
    const victim = await signUpOrg(s);
    const bystander = await signUpOrg(s);
    const signIn = (email: string, password: string) => fetch(`${s.apiUrl}/auth/signin`, json({ email, password }));

    const guesses = await tally(5, (i) => signIn(victim.email, `guess-${i}`));
    expect(guesses).toMatchObject({ refused: 0, others: [401, 401, 401, 401, 401] });
    const right = await signIn(victim.email, victim.password);
    expect(right.status).toBe(429);
    await assertResponseMatchesSpec('POST', '/auth/signin', right.clone());
    const headers = rateLimitHeadersOf(right);
    expect(headers.retryAfter).toBeGreaterThan(800);
    expect(headers.retryAfter).toBeLessThanOrEqual(900);
    expect((await signIn(victim.email.toUpperCase(), victim.password)).status).toBe(429);
    expect((await signIn(bystander.email, bystander.password)).status).toBe(200);
    report('sign-in 5/900 per address+email', { sent: 8, refused: 2, others: [] });
  });

  it('limits sign-ups and setup per address', async () => {
    const s = await server({ RATE_LIMIT_SIGNIN: '4/900' });
    const signUp = () => fetch(`${s.apiUrl}/auth/signup`, json({ name: 'N', email: uniqueEmail(), password: 'long enough pass', orgName: 'O' }));
    const signUps = await tally(7, signUp);
    report('sign-up 4/900 per address', signUps);
    expect(signUps).toMatchObject({ refused: 3, others: [201, 201, 201, 201] });

    const setup = () => fetch(`${s.apiUrl}/setup`, json({ name: 'R', email: uniqueEmail(), password: 'long enough pass', orgName: 'Ops' }));
    const setups = await tally(7, setup);
    report('setup 4/900 per address', setups);
    expect(setups).toMatchObject({ refused: 3, others: [201, 409, 409, 409] });
  });
});

describe('Twilio webhook', () => {
  it('limits each API key on the webhook and leaves other keys alone', async () => {
    const s = await server({ RATE_LIMIT_WEBHOOK: '5/60', PUBLIC_URL, TWILIO_AUTH_TOKEN: TWILIO_TOKEN });
    const [a, b] = [await activeOrg(s), await activeOrg(s)];
    const [keyA, keyB] = [await createApiKey(a), await createApiKey(b)];
    const ring = (apiKey: string) => sendVoiceWebhook({ serverUrl: s.url, publicUrl: PUBLIC_URL, apiKey, authToken: TWILIO_TOKEN });
    const statusesA: number[] = [];
    for (let i = 0; i < 8; i++) statusesA.push((await ring(keyA)).status);
    const statusesB = [(await ring(keyB)).status, (await ring(keyB)).status];
    report('webhook 5/60 per API key', { sent: 8, refused: statusesA.filter((st) => st === 429).length, others: [] });
    expect(statusesA).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(statusesB).toEqual([200, 200]);
  });
});

describe('counters shared by server instances', () => {
  /** Two app instances over one database, as two processes behind a load balancer. */
  async function twoInstances(env: Record<string, string>): Promise<{ urls: string[]; stop(): Promise<void> }> {
    const database = await freshDatabaseUrl();
    const apps: App[] = [];
    const urls: string[] = [];
    for (let i = 0; i < 2; i++) {
      const config = parseConfig({
        NODE_ENV: 'test',
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: database.url,
        JWT_SECRET: 'shared-store-jwt-secret-0123456789abcdef0123',
        ENCRYPTION_KEY: 'cd'.repeat(32),
        RATE_LIMIT_IP: '10/60',
        ...env,
      });
      const app = await createApp(config);
      apps.push(app);
      urls.push((await app.start()).url);
    }
    return {
      urls,
      stop: async () => {
        for (const app of apps) await app.stop();
        await database.drop();
      },
    };
  }

  async function alternate(env: Record<string, string>, label: string): Promise<Tally> {
    const pair = await twoInstances(env);
    try {
      const t = await tally(20, (i) => fetch(`${pair.urls[i % 2]}/api/health`));
      report(`two instances, 10/60 per address, ${label}`, t);
      return t;
    } finally {
      await pair.stop();
    }
  }

  it('in memory each instance counts alone (the control)', async () => {
    expect((await alternate({ RATE_LIMIT_STORE: 'memory' }, 'memory store')).refused).toBe(0);
  });

  it.runIf(testDialect() === 'postgres')('in Postgres both count against one limit', async () => {
    expect((await alternate({ RATE_LIMIT_STORE: 'postgres' }, 'Postgres store')).refused).toBe(10);
  });

  it('in Redis both count against one limit', async () => {
    const prefix = `voicex-test-${randomBytes(4).toString('hex')}`;
    const t = await alternate({ REDIS_URL: 'redis://127.0.0.1:6379', RATE_LIMIT_PREFIX: prefix }, 'Redis store');
    expect(t.refused).toBe(10);
  });
});

describe('a shared store that is down', () => {
  it('falls back to counting in memory instead of failing requests', async () => {
    const rule = { points: 2, durationSec: 60 };
    const limiters = createRateLimiters({
      ip: rule,
      caller: rule,
      signin: rule,
      webhook: rule,
      store: 'redis',
      redisUrl: 'redis://127.0.0.1:1', // nothing listens there
      keyPrefix: `down-${randomBytes(4).toString('hex')}`,
    });
    try {
      const decisions = [];
      for (let i = 0; i < 3; i++) decisions.push((await limiters.consume('ip', '192.0.2.1')).allowed);
      expect(decisions).toEqual([true, true, false]);
    } finally {
      await limiters.close();
    }
  });
});

describe('configuration', () => {
  it('refuses malformed limits and stores that cannot work', () => {
    const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40), ENCRYPTION_KEY: 'ab'.repeat(32) };
    expect(() => parseConfig({ ...base, RATE_LIMIT_IP: '100' })).toThrow(/RATE_LIMIT_IP/);
    expect(() => parseConfig({ ...base, RATE_LIMIT_SIGNIN: '0/60' })).toThrow(/RATE_LIMIT_SIGNIN/);
    expect(() => parseConfig({ ...base, RATE_LIMIT_STORE: 'redis' })).toThrow(/REDIS_URL/);
    expect(() => parseConfig({ ...base, RATE_LIMIT_STORE: 'postgres', DATABASE_URL: 'sqlite::memory:' })).toThrow(/postgres/);
    expect(parseConfig({ ...base, DATABASE_URL: 'postgres://h/db' }).rateLimits.store).toBe('postgres');
    expect(parseConfig({ ...base, DATABASE_URL: 'sqlite::memory:' }).rateLimits.store).toBe('memory');
    expect(parseConfig({ ...base, REDIS_URL: 'redis://127.0.0.1:6379' }).rateLimits).toMatchObject({ store: 'redis', ip: { points: 1200, durationSec: 60 } });
  });
});
