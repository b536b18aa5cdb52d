import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { activeOrg, createApiKey } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';
import { expectErrorBody } from '../support/spec';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('API keys', () => {
  it('creates a key whose raw value is shown once and works at once', async () => {
    const org = await activeOrg(server, 'free');
    const { data, response } = await org.client.POST('/dashboard/api-keys', { body: { name: 'Production Key' } });
    expect(response.status).toBe(201);
    expect(data!.rawKey).toMatch(/^vx_[0-9a-f]{48}$/);
    expect(data).toMatchObject({ name: 'Production Key', keyPrefix: data!.rawKey.slice(0, 11), lastUsedAt: null });

    const viaKey = server.client({ apiKey: data!.rawKey });
    const me = await viaKey.GET('/dashboard/organization');
    expect(me.data!._id).toBe(org.orgId);

    const row = await server.app.svc.db.selectFrom('api_keys').selectAll().where('id', '=', data!._id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(data!.rawKey);
  });

  it('lists keys newest first with prefix, name and dates, never a hash or the raw key', async () => {
    const org = await activeOrg(server, 'free');
    const first = await createApiKey(org, 'First');
    const second = await createApiKey(org, 'Second');
    await server.app.svc.db.updateTable('api_keys').set({ created_at: '2020-01-01T00:00:00.000Z' }).where('name', '=', 'First').execute();
    // A request with the second key marks it used; the mark is written beside the request, not before it answers.
    await server.client({ apiKey: second }).GET('/dashboard/plan');
    const data = await vi.waitFor(async () => {
      const { data } = await org.client.GET('/dashboard/api-keys');
      expect(data![0]!.lastUsedAt).not.toBeNull();
      return data!;
    });
    expect(data.map((k) => k.name)).toEqual(['Second', 'First']);
    expect(data[1]!.lastUsedAt).toBeNull();
    for (const key of data) expect(Object.keys(key).sort()).toEqual(['_id', 'createdAt', 'keyPrefix', 'lastUsedAt', 'name']);
    const text = JSON.stringify(data);
    expect(text).not.toContain(first);
    expect(text).not.toContain(second);
  });

  it('revokes a key with immediate effect (401 on its next request)', async () => {
    const org = await activeOrg(server, 'free');
    const raw = await createApiKey(org, 'Doomed');
    const viaKey = server.client({ apiKey: raw });
    expect((await viaKey.GET('/dashboard/api-keys')).response.status).toBe(200);
    const id = (await org.client.GET('/dashboard/api-keys')).data!.find((k) => k.name === 'Doomed')!._id;

    const { response } = await org.client.DELETE('/dashboard/api-keys/{id}', { params: { path: { id } } });
    expect(response.status).toBe(204);
    const after = await viaKey.GET('/dashboard/api-keys');
    expect(after.response.status).toBe(401);
    expect((await org.client.GET('/dashboard/api-keys')).data!.map((k) => k._id)).not.toContain(id);
    const again = await org.client.DELETE('/dashboard/api-keys/{id}', { params: { path: { id } } });
    expect(again.response.status).toBe(404);
  });

  it('lets an API key manage keys, revoking itself included', async () => {
    const org = await activeOrg(server, 'free');
    const raw = await createApiKey(org, 'Self');
    const viaKey = server.client({ apiKey: raw });
    const created = await viaKey.POST('/dashboard/api-keys', { body: { name: 'Made by a key' } });
    expect(created.response.status).toBe(201);
    const self = (await viaKey.GET('/dashboard/api-keys')).data!.find((k) => k.name === 'Self')!;
    expect((await viaKey.DELETE('/dashboard/api-keys/{id}', { params: { path: { id: self._id } } })).response.status).toBe(204);
    expect((await viaKey.GET('/dashboard/api-keys')).response.status).toBe(401);
  });

  it('answers 400 for a missing, empty or overlong name and unknown fields', async () => {
    const org = await activeOrg(server, 'free');
    for (const body of [{}, { name: '' }, { name: 'x'.repeat(101) }, { name: 'ok', rawKey: 'vx_' }]) {
      const { response } = await org.client.POST('/dashboard/api-keys', { body: body as never });
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('answers 401 for a malformed or unknown key', async () => {
    for (const key of ['vx_short', `vx_${'0'.repeat(48)}`, 'not-a-key']) {
      const response = await fetch(`${server.apiUrl}/dashboard/api-keys`, { headers: { 'x-api-key': key } });
      expect(response.status, key).toBe(401);
      await expectErrorBody(response);
    }
  });
});
