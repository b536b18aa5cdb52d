/**
 * One-time and unique rules under 20 requests sent at once, beside the plan limits of limits.test.ts and the
 * concurrent-call limit of test/calls/webhook.test.ts. What holds them: on Postgres a unique index, or the
 * organization's row lock (an UPDATE of its row first thing in the transaction) before counting; on SQLite the one
 * connection runs one transaction at a time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialect } from '../support/database';
import { activeOrg, uniqueEmail } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const PARALLEL = 20;
const tally = (statuses: number[]) => statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});
const report = (what: string, statuses: number[], stored: number, allowed: number) =>
  console.log(`race (${testDialect()}) ${what}: ${JSON.stringify(tally(statuses))}, ${stored} stored; limits exceeded: ${Math.max(0, stored - allowed)}`);

describe(`${PARALLEL} parallel requests`, () => {
  it('setup: exactly one platform admin and one platform organization', async () => {
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, () =>
        server.client().POST('/setup', { body: { name: 'Root', email: uniqueEmail('root'), password: 'platform-admin-password', orgName: 'Ops' } }),
      ),
    );
    const statuses = results.map((r) => r.response.status);
    const admins = await server.app.svc.db.selectFrom('users').select('id').where('role', '=', 'superadmin').execute();
    report('setup', statuses, admins.length, 1);
    expect(tally(statuses)).toEqual({ 201: 1, 409: PARALLEL - 1 });
    expect(admins).toHaveLength(1);
    expect(await server.app.svc.db.selectFrom('organizations').select('id').execute()).toHaveLength(1);
  });

  it('sign-ups with one email in different cases: exactly one account', async () => {
    const email = uniqueEmail('twin');
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        server.client().POST('/auth/signup', {
          body: { name: 'Twin', email: i % 2 ? email.toUpperCase() : email, password: 'twin-password-123', orgName: `Twin ${i}` },
        }),
      ),
    );
    const statuses = results.map((r) => r.response.status);
    const users = await server.app.svc.db.selectFrom('users').select('id').where('email', '=', email).execute();
    report('sign-up of one email', statuses, users.length, 1);
    expect(tally(statuses)).toEqual({ 201: 1, 409: PARALLEL - 1 });
    expect(users).toHaveLength(1);
    for (const refused of results.filter((r) => r.response.status === 409)) expect(refused.error!.code).toBe('email_taken');
  });

  it('API key creation: every key distinct, stored once and working', async () => {
    const org = await activeOrg(server, 'pro');
    const results = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => org.client.POST('/dashboard/api-keys', { body: { name: `Key ${i}` } })));
    const statuses = results.map((r) => r.response.status);
    const keys = results.map((r) => r.data!);
    const { data: listed } = await org.client.GET('/dashboard/api-keys');
    report('API key creation', statuses, listed!.length, PARALLEL);
    expect(tally(statuses)).toEqual({ 201: PARALLEL });
    expect(new Set(keys.map((k) => k.rawKey)).size).toBe(PARALLEL);
    expect(new Set(keys.map((k) => k._id)).size).toBe(PARALLEL);
    expect(listed!.map((k) => k._id).sort()).toEqual(keys.map((k) => k._id).sort());
    const uses = await Promise.all(keys.map((k) => server.client({ apiKey: k.rawKey }).GET('/dashboard/organization')));
    expect(uses.map((u) => u.data?._id)).toEqual(keys.map(() => org.orgId));
  });

  it('revocations of one key: one 204, the rest 404, and the key is refused at once', async () => {
    const org = await activeOrg(server, 'pro');
    const { data: key } = await org.client.POST('/dashboard/api-keys', { body: { name: 'Doomed' } });
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, () => org.client.DELETE('/dashboard/api-keys/{id}', { params: { path: { id: key!._id } } })),
    );
    const statuses = results.map((r) => r.response.status);
    report('revocation of one key', statuses, statuses.filter((s) => s === 204).length, 1);
    expect(tally(statuses)).toEqual({ 204: 1, 404: PARALLEL - 1 });
    expect((await server.client({ apiKey: key!.rawKey }).GET('/dashboard/organization')).response.status).toBe(401);
  });
});
