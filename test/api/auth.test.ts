import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setOrgState, signUpOrg, uniqueEmail } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';
import { expectErrorBody } from '../support/spec';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('POST /auth/signup', () => {
  it('creates a pending organization and its admin, and returns a working JWT', async () => {
    const email = uniqueEmail('John.Doe');
    const { data, response } = await server.client().POST('/auth/signup', {
      body: { name: 'John Doe', email, password: 'min8chars', orgName: 'Acme Corp' },
    });
    expect(response.status).toBe(201);
    expect(data!.user).toMatchObject({ name: 'John Doe', email: email.toLowerCase(), role: 'admin' });
    expect(data!.organization).toMatchObject({ name: 'Acme Corp', status: 'pending', planSlug: 'free', planName: 'Free' });
    expect(data!.user.orgId).toBe(data!.organization._id);
    expect(JSON.stringify(data)).not.toMatch(/password|min8chars/i);

    const me = await server.client({ token: data!.token }).GET('/auth/me');
    expect(me.data!.user._id).toBe(data!.user._id);
  });

  it('answers 409 for an email already registered, whatever its case', async () => {
    const org = await signUpOrg(server);
    const { error, response } = await server.client().POST('/auth/signup', {
      body: { name: 'Other', email: org.email.toUpperCase(), password: 'another-password', orgName: 'Other' },
    });
    expect(response.status).toBe(409);
    expect(error!.error).toMatch(/already registered/);
  });

  it.each([
    ['a missing field', { name: 'A', email: 'a@example.com', password: 'min8chars' }, 'body.orgName'],
    ['a short password', { name: 'A', email: 'a@example.com', password: 'short', orgName: 'O' }, 'body.password'],
    ['a malformed email', { name: 'A', email: 'not-an-email', password: 'min8chars', orgName: 'O' }, 'body.email'],
    ['an empty name', { name: '', email: 'a@example.com', password: 'min8chars', orgName: 'O' }, 'body.name'],
    ['an unknown field', { name: 'A', email: 'a@example.com', password: 'min8chars', orgName: 'O', role: 'superadmin' }, 'body.role'],
  ])('answers 400 for %s', async (_case, body, path) => {
    const { error, response } = await server.client().POST('/auth/signup', { body: body as never });
    expect(response.status).toBe(400);
    expect(error!.error).toContain(path);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const response = await fetch(`${server.apiUrl}/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(response.status).toBe(400);
    await expectErrorBody(response);
  });
});

describe('POST /auth/signin', () => {
  it('returns user, organization with status, and a JWT, also for a pending organization', async () => {
    const org = await signUpOrg(server);
    const { data, response } = await server.client().POST('/auth/signin', {
      body: { email: org.email.toUpperCase(), password: org.password },
    });
    expect(response.status).toBe(200);
    expect(data!.organization).toMatchObject({ _id: org.orgId, status: 'pending' });
    expect(data!.user._id).toBe(org.userId);
    expect(typeof data!.token).toBe('string');
  });

  it('answers the same 401 for a wrong password and an unknown email', async () => {
    const org = await signUpOrg(server);
    const wrong = await server.client().POST('/auth/signin', { body: { email: org.email, password: 'wrong-password' } });
    const unknown = await server.client().POST('/auth/signin', { body: { email: uniqueEmail(), password: 'wrong-password' } });
    expect(wrong.response.status).toBe(401);
    expect(unknown.response.status).toBe(401);
    expect(wrong.error).toEqual(unknown.error);
  });

  it('answers 400 without a password', async () => {
    const { response } = await server.client().POST('/auth/signin', { body: { email: 'a@example.com' } as never });
    expect(response.status).toBe(400);
  });
});

describe('GET /auth/me and token checks', () => {
  it('answers 401 without a token', async () => {
    const { response, error } = await server.client().GET('/auth/me');
    expect(response.status).toBe(401);
    expect(error!.error).toBeTruthy();
  });

  it('answers 401 for a malformed Authorization header', async () => {
    const response = await fetch(`${server.apiUrl}/auth/me`, { headers: { authorization: 'Token abc' } });
    expect(response.status).toBe(401);
    await expectErrorBody(response);
  });

  it('refuses tokens that are unsigned, signed with another secret or algorithm, tampered or expired', async () => {
    const org = await signUpOrg(server);
    const claims = { typ: 'session', org: org.orgId, sub: org.userId };
    const secret = server.config.jwtSecret;
    const [header, payload, signature] = org.token.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, org: 'other' })).toString('base64url')}.${signature}`;
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    const tokens = [
      unsigned,
      jwt.sign(claims, 'another-secret-another-secret-another-secret'),
      jwt.sign(claims, secret, { algorithm: 'HS512' }),
      tampered,
      jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 }, secret),
      jwt.sign({ ...claims, typ: 'stream' }, secret),
    ];
    for (const token of tokens) {
      const { response } = await server.client({ token }).GET('/auth/me');
      expect(response.status, token).toBe(401);
    }
  });

  it('refuses the token of a user that no longer exists', async () => {
    const org = await signUpOrg(server);
    await server.app.svc.db.deleteFrom('users').where('id', '=', org.userId).execute();
    server.app.svc.caches.users.clear();
    const { response } = await org.client.GET('/auth/me');
    expect(response.status).toBe(401);
  });

  it('lets a pending organization see itself but not the dashboard (403)', async () => {
    const org = await signUpOrg(server);
    const me = await org.client.GET('/auth/me');
    expect(me.data!.organization.status).toBe('pending');
    const dashboard = await org.client.GET('/dashboard/organization');
    expect(dashboard.response.status).toBe(403);
    expect(dashboard.error!.error).toMatch(/pending/);
  });

  it('blocks a suspended organization at once (403), even with a token issued before', async () => {
    const org = await signUpOrg(server);
    await setOrgState(server, org.orgId, { status: 'active' });
    await setOrgState(server, org.orgId, { status: 'suspended' });
    const { response, error } = await org.client.GET('/dashboard/organization');
    expect(response.status).toBe(403);
    expect(error!.error).toMatch(/suspended/);
  });
});
