import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeOrg, createApiKey, setUpPlatform, type PlatformAdmin } from '../support/factories';
import type { Schemas } from '../../generated/client';
import { agentBody, createAgentFor, createGlobal, createGlobalProviders, type GlobalProviders, type ProviderBody } from '../support/dashboard';
import { startTestServer, type TestServer } from '../support/server';
import { expectErrorBody } from '../support/spec';

let server: TestServer;
let admin: PlatformAdmin;
let globals: GlobalProviders;
beforeAll(async () => {
  server = await startTestServer();
  admin = await setUpPlatform(server);
  globals = await createGlobalProviders(admin);
});
afterAll(() => server.stop());

const uniqueName = (prefix: string) => `${prefix} ${Math.random().toString(36).slice(2, 8)}`;

describe('global providers (superadmin)', () => {
  it('creates a global provider with sealed credentials that no response shows', async () => {
    const { data, response } = await admin.client.POST('/admin/providers', {
      body: {
        category: 'llm',
        providerKey: 'openai',
        name: uniqueName('Platform OpenAI'),
        credentials: { apiKey: 'sk-platform-very-secret' },
        models: [{ modelId: 'gpt-4.1', label: 'GPT-4.1' }],
        settings: { baseUrl: 'https://proxy.example.com/v1' },
      },
    });
    expect(response.status).toBe(201);
    expect(data).toMatchObject({ source: 'global', hasCredentials: true, active: true, settings: { baseUrl: 'https://proxy.example.com/v1' } });
    expect(JSON.stringify(data)).not.toContain('sk-platform-very-secret');

    const row = await server.app.svc.db.selectFrom('providers').select(['org_id', 'credentials']).where('id', '=', data!._id).executeTakeFirstOrThrow();
    expect(row.org_id).toBeNull();
    expect(row.credentials).not.toContain('sk-platform-very-secret');
    expect(server.app.svc.box.openJson(row.credentials!)).toEqual({ apiKey: 'sk-platform-very-secret' });
    expect(server.logs.join('\n')).not.toContain('sk-platform-very-secret');
  });

  it('lists every global provider, inactive ones too, optionally by category', async () => {
    const inactive = await createGlobal(admin, {
      category: 'stt',
      providerKey: 'deepgram',
      name: uniqueName('Old Deepgram'),
      credentials: { apiKey: 'k' },
      models: [{ modelId: 'nova-2', label: 'Nova 2' }],
      active: false,
    });
    const all = await admin.client.GET('/admin/providers');
    expect(all.data!.map((p) => p._id)).toEqual(expect.arrayContaining([globals.ollama._id, globals.deepgram._id, inactive._id]));
    expect(all.data!.every((p) => p.source === 'global')).toBe(true);

    const stt = await admin.client.GET('/admin/providers', { params: { query: { category: 'stt' } } });
    expect(stt.data!.length).toBeGreaterThanOrEqual(2);
    expect(stt.data!.every((p) => p.category === 'stt')).toBe(true);
  });

  it('gets, updates and deletes a global provider', async () => {
    const created = await createGlobal(admin, {
      category: 'tts',
      providerKey: 'openai',
      name: uniqueName('OpenAI voices'),
      credentials: { apiKey: 'first' },
      models: [{ modelId: 'alloy', label: 'Alloy' }],
    });
    const got = await admin.client.GET('/admin/providers/{id}', { params: { path: { id: created._id } } });
    expect(got.data).toEqual(created);

    const newName = uniqueName('OpenAI speech');
    const updated = await admin.client.PATCH('/admin/providers/{id}', {
      params: { path: { id: created._id } },
      body: { name: newName, active: false, models: [{ modelId: 'nova', label: 'Nova' }], credentials: { apiKey: 'second' } },
    });
    expect(updated.response.status).toBe(200);
    expect(updated.data).toMatchObject({ name: newName, active: false, models: [{ modelId: 'nova', label: 'Nova' }], hasCredentials: true });
    const row = await server.app.svc.db.selectFrom('providers').select('credentials').where('id', '=', created._id).executeTakeFirstOrThrow();
    expect(server.app.svc.box.openJson(row.credentials!)).toEqual({ apiKey: 'second' });

    const deleted = await admin.client.DELETE('/admin/providers/{id}', { params: { path: { id: created._id } } });
    expect(deleted.response.status).toBe(204);
    const gone = await admin.client.GET('/admin/providers/{id}', { params: { path: { id: created._id } } });
    expect(gone.response.status).toBe(404);
  });

  it('answers 404 for an unknown id and for a client provider id', async () => {
    const org = await activeOrg(server, 'pro');
    const { data: own } = await org.client.POST('/dashboard/providers', {
      body: { category: 'llm', providerKey: 'ollama', name: 'Own Ollama', models: [{ modelId: 'qwen2.5:7b', label: 'Qwen' }] },
    });
    for (const id of ['does-not-exist', own!._id]) {
      const got = await admin.client.GET('/admin/providers/{id}', { params: { path: { id } } });
      expect(got.response.status, id).toBe(404);
      const patched = await admin.client.PATCH('/admin/providers/{id}', { params: { path: { id } }, body: { active: false } });
      expect(patched.response.status, id).toBe(404);
      const deleted = await admin.client.DELETE('/admin/providers/{id}', { params: { path: { id } } });
      expect(deleted.response.status, id).toBe(404);
    }
    const list = await admin.client.GET('/admin/providers');
    expect(list.data!.map((p) => p._id)).not.toContain(own!._id);
  });

  it('refuses to delete a provider agents of any organization use (409 naming them)', async () => {
    const first = await activeOrg(server, 'pro');
    const second = await activeOrg(server, 'pro');
    const stt = await createGlobal(admin, {
      category: 'stt',
      providerKey: 'deepgram',
      name: uniqueName('Shared Deepgram'),
      credentials: { apiKey: 'k' },
      models: [{ modelId: 'nova-2', label: 'Nova 2' }],
    });
    const a = await createAgentFor(first, agentBody(globals, { name: 'First Bot', sttProviderId: stt._id }));
    const b = await createAgentFor(second, agentBody(globals, { name: 'Second Bot', sttProviderId: stt._id }));

    const { error, response } = await admin.client.DELETE('/admin/providers/{id}', { params: { path: { id: stt._id } } });
    expect(response.status).toBe(409);
    expect(error).toMatchObject({ code: 'provider_in_use', error: 'Provider is used by 2 agents' });
    expect((error as Schemas['ProviderInUseError']).agents).toEqual(
      expect.arrayContaining([
        { _id: a._id, name: 'First Bot' },
        { _id: b._id, name: 'Second Bot' },
      ]),
    );
  });

  it('answers 409 for a name the platform already uses in the category, ignoring case', async () => {
    const { error, response } = await admin.client.POST('/admin/providers', {
      body: { category: 'llm', providerKey: 'ollama', name: 'OLLAMA', models: [{ modelId: 'x', label: 'X' }] },
    });
    expect(response.status).toBe(409);
    expect(error).toMatchObject({ code: 'provider_name_taken' });
    const otherCategory = await admin.client.POST('/admin/providers', {
      body: { category: 'tts', providerKey: 'edge', name: 'Ollama', models: [{ modelId: 'x', label: 'X' }] },
    });
    expect(otherCategory.response.status).toBe(201);
  });

  it('validates the body like a client provider (400)', async () => {
    const base = { category: 'llm' as const, providerKey: 'openai', name: uniqueName('Bad'), models: [{ modelId: 'm', label: 'M' }] };
    const cases: ProviderBody[] = [
      { ...base, providerKey: 'nope', credentials: { apiKey: 'k' } },
      { ...base, credentials: {} },
      { ...base, credentials: { apiKey: 'k', secret: 'x' } },
      { ...base, credentials: { apiKey: 'k' }, settings: { baseUrl: 'ftp://files.example.com' } },
      { ...base, credentials: { apiKey: 'k' }, models: [] },
    ];
    for (const body of cases) {
      const { response } = await admin.client.POST('/admin/providers', { body: body });
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
  });
});

describe('who reaches /admin/providers', () => {
  it('refuses organization admins and API keys, even of the platform organization (403)', async () => {
    const org = await activeOrg(server, 'enterprise');
    const orgKey = await createApiKey(org);
    const platformKey = (await admin.client.POST('/dashboard/api-keys', { body: { name: 'ops' } })).data!.rawKey;
    for (const client of [org.client, server.client({ apiKey: orgKey }), server.client({ apiKey: platformKey })]) {
      const list = await client.GET('/admin/providers');
      expect(list.response.status).toBe(403);
      const create = await client.POST('/admin/providers', {
        body: { category: 'llm', providerKey: 'ollama', name: 'Sneaky', models: [{ modelId: 'x', label: 'X' }] },
      });
      expect(create.response.status).toBe(403);
      const remove = await client.DELETE('/admin/providers/{id}', { params: { path: { id: globals.ollama._id } } });
      expect(remove.response.status).toBe(403);
    }
  });

  it('answers 401 without credentials', async () => {
    const response = await fetch(`${server.apiUrl}/admin/providers`);
    expect(response.status).toBe(401);
    await expectErrorBody(response);
  });
});
