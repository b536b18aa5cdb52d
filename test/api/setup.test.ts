import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const setupBody = (email = uniqueEmail('root')) => ({
  name: 'Platform Admin',
  email,
  password: 'platform-admin-password',
  orgName: 'Voicex Ops',
});

// One platform per file: the tests below run in order over the same database.
describe('platform setup', () => {
  it('refuses an incomplete body with 400 and stays open', async () => {
    const { response, error } = await server.client().POST('/setup', {
      body: { name: 'A', email: uniqueEmail(), password: 'platform-admin-password' } as never,
    });
    expect(response.status).toBe(400);
    expect(error!.error).toContain('body.orgName');
    expect((await server.client().GET('/setup/status')).data).toEqual({ completed: false });
  });

  it('lets exactly one of 10 concurrent POST /setup through; the other nine answer 409', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 10 }, () => server.client().POST('/setup', { body: setupBody() })),
    );
    const statuses = attempts.map((a) => a.response.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    for (const refused of attempts.filter((a) => a.response.status === 409)) {
      expect(refused.error).toMatchObject({ code: 'setup_completed' });
    }
    const users = await server.app.svc.db.selectFrom('users').select(['role']).execute();
    expect(users).toEqual([{ role: 'superadmin' }]);
    expect(await server.app.svc.db.selectFrom('organizations').select('id').execute()).toHaveLength(1);
  });

  it('reports setup as completed afterwards', async () => {
    expect((await server.client().GET('/setup/status')).data).toEqual({ completed: true });
  });

  it('answers 409 to a later attempt, with a fresh email too', async () => {
    const { response, error } = await server.client().POST('/setup', { body: setupBody() });
    expect(response.status).toBe(409);
    expect(error!.error).toMatch(/already been completed/);
  });

  it('made a superadmin whose organization is active on the enterprise plan', async () => {
    const row = await server.app.svc.db.selectFrom('users').select(['email', 'password_hash']).executeTakeFirstOrThrow();
    const signIn = await server.client().POST('/auth/signin', {
      body: { email: row.email, password: 'platform-admin-password' },
    });
    expect(signIn.response.status).toBe(200);
    expect(signIn.data!.user.role).toBe('superadmin');
    expect(signIn.data!.organization).toMatchObject({ status: 'active', planSlug: 'enterprise', planName: 'Enterprise' });

    const admin = server.client({ token: signIn.data!.token });
    const me = await admin.GET('/auth/me');
    expect(me.data!.organization).toMatchObject({ status: 'active', planSlug: 'enterprise' });
    const orgs = await admin.GET('/admin/organizations');
    expect(orgs.response.status).toBe(200);
    expect(orgs.data!.items.map((o) => o._id)).toEqual([signIn.data!.organization._id]);
  });
});
