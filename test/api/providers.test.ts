import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Schemas } from '../../generated/client';
import { activeOrg, createApiKey, setUpPlatform, type PlatformAdmin } from '../support/factories';
import {
  agentBody,
  clientProviderBody,
  createAgentFor,
  createClientProvider,
  createGlobal,
  createGlobalProviders,
  type GlobalProviders,
  type ProviderBody,
} from '../support/dashboard';
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

describe('GET /dashboard/providers/registry', () => {
  it('lists the catalog with models, key requirement and settings fields, with a JWT or an API key', async () => {
    const org = await activeOrg(server, 'free');
    const viaKey = server.client({ apiKey: await createApiKey(org) });
    for (const client of [org.client, viaKey]) {
      const { data, response } = await client.GET('/dashboard/providers/registry');
      expect(response.status).toBe(200);
      expect(data!.map((e) => `${e.category}/${e.providerKey}`).sort()).toEqual(
        ['llm/groq', 'llm/ollama', 'llm/openai', 'stt/deepgram', 'tts/edge', 'tts/elevenlabs', 'tts/openai'].sort(),
      );
      const openai = data!.find((e) => e.category === 'llm' && e.providerKey === 'openai')!;
      expect(openai).toMatchObject({ requiresKey: true, credentialFields: ['apiKey'], defaultBaseUrl: 'https://api.openai.com/v1' });
      expect(openai.models).toContainEqual({ modelId: 'gpt-4o-mini', label: 'GPT-4o Mini' });
      expect(openai.settingsFields.map((f) => f.key)).toEqual(['baseUrl']);
    }
  });
});

describe('POST /dashboard/providers', () => {
  it('creates a client provider; credentials are sealed and never shown or logged', async () => {
    const org = await activeOrg(server, 'pro');
    const body = clientProviderBody({
      name: 'My OpenAI',
      credentials: { apiKey: 'sk-live-do-not-leak' },
      settings: { baseUrl: 'https://gateway.example.com/openai/v1' },
    });
    const { data, response } = await org.client.POST('/dashboard/providers', { body });
    expect(response.status).toBe(201);
    expect(data).toMatchObject({
      category: 'llm',
      providerKey: 'openai',
      name: 'My OpenAI',
      source: 'client',
      hasCredentials: true,
      active: true,
      models: body.models,
      settings: { baseUrl: 'https://gateway.example.com/openai/v1' },
    });
    expect(JSON.stringify(data)).not.toContain('sk-live-do-not-leak');

    const row = await server.app.svc.db.selectFrom('providers').selectAll().where('id', '=', data!._id).executeTakeFirstOrThrow();
    expect(row.org_id).toBe(org.orgId);
    expect(row.credentials).not.toContain('sk-live-do-not-leak');
    expect(server.app.svc.box.openJson(row.credentials!)).toEqual({ apiKey: 'sk-live-do-not-leak' });

    const listed = await org.client.GET('/dashboard/providers');
    const got = await org.client.GET('/dashboard/providers/{id}', { params: { path: { id: data!._id } } });
    expect(JSON.stringify([listed.data, got.data])).not.toContain('sk-live-do-not-leak');
    expect(server.logs.join('\n')).not.toContain('sk-live-do-not-leak');
  });

  it('creates a provider that needs no key without credentials', async () => {
    const org = await activeOrg(server, 'pro');
    const { data, response } = await org.client.POST('/dashboard/providers', {
      body: clientProviderBody({ providerKey: 'ollama', credentials: undefined, models: [{ modelId: 'mistral:7b', label: 'Mistral' }] }),
    });
    expect(response.status).toBe(201);
    expect(data!.hasCredentials).toBe(false);
  });

  it('works with an API key', async () => {
    const org = await activeOrg(server, 'pro');
    const client = server.client({ apiKey: await createApiKey(org) });
    const { response } = await client.POST('/dashboard/providers', { body: clientProviderBody() });
    expect(response.status).toBe(201);
  });

  it.each<[string, Partial<ProviderBody>, RegExp]>([
    ['an unknown provider type', { providerKey: 'anthropic' }, /Unknown LLM provider type "anthropic"/],
    ['a type that exists only in another category', { category: 'stt', providerKey: 'openai' }, /Unknown STT provider type "openai"/],
    ['a missing required key', { credentials: {} }, /credentials\.apiKey is required/],
    ['an empty required key', { credentials: { apiKey: '' } }, /credentials\.apiKey/],
    ['an unknown credential', { credentials: { apiKey: 'k', orgId: 'x' } }, /credentials\.orgId is not a credential of OpenAI/],
    ['a credential for a type that takes none', { providerKey: 'ollama', credentials: { apiKey: 'k' } }, /credentials\.apiKey is not a credential/],
    ['a baseUrl that is not http(s) or ws(s)', { settings: { baseUrl: 'file:///etc/passwd' } }, /settings\.baseUrl must be an http\(s\) or ws\(s\) URL/],
    ['a baseUrl that is not a URL', { settings: { baseUrl: 'not a url' } }, /baseUrl/],
    ['a baseUrl carrying credentials', { settings: { baseUrl: 'https://user:pw@example.com/v1' } }, /must not carry credentials/],
    ['an unknown setting', { settings: { region: 'eu' } }, /settings\.region is not a setting of OpenAI/],
    ['a setting of the wrong type', { category: 'tts', providerKey: 'openai', settings: { model: 3 } }, /settings\.model must be a string/],
    ['no models', { models: [] }, /body\.models/],
    ['a model listed twice', { models: [{ modelId: 'a', label: 'A' }, { modelId: 'a', label: 'A again' }] }, /lists "a" twice/],
    ['an empty name', { name: '' }, /body\.name/],
    ['an unknown field', { owner: 'me' } as Partial<ProviderBody>, /body\.owner/],
  ])('answers 400 for %s', async (_case, overrides, message) => {
    const org = await activeOrg(server, 'pro');
    const { error, response } = await org.client.POST('/dashboard/providers', { body: clientProviderBody(overrides) });
    expect(response.status).toBe(400);
    expect(error!.error).toMatch(message);
    const list = await org.client.GET('/dashboard/providers', { params: { query: { client: true } } });
    expect(list.data).toEqual([]);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const org = await activeOrg(server, 'pro');
    const response = await fetch(`${server.apiUrl}/dashboard/providers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${org.token}` },
      body: '{"category":',
    });
    expect(response.status).toBe(400);
    await expectErrorBody(response);
  });

  it('answers 403 when the plan has no custom providers', async () => {
    const org = await activeOrg(server, 'starter');
    const { error, response } = await org.client.POST('/dashboard/providers', { body: clientProviderBody() });
    expect(response.status).toBe(403);
    expect(error).toMatchObject({ code: 'custom_providers_not_allowed', error: 'The Starter plan does not include custom providers' });
  });

  it('answers 403 once the plan maximum is reached', async () => {
    const org = await activeOrg(server, 'pro');
    for (let i = 0; i < 5; i++) await createClientProvider(org);
    const { error, response } = await org.client.POST('/dashboard/providers', { body: clientProviderBody() });
    expect(response.status).toBe(403);
    expect(error).toMatchObject({ code: 'custom_provider_limit', error: 'The Pro plan allows 5 custom providers' });
  });

  it('answers 409 for a name already used in the organization and category, ignoring case', async () => {
    const org = await activeOrg(server, 'pro');
    await createClientProvider(org, { name: 'Shared Name' });
    const { error, response } = await org.client.POST('/dashboard/providers', { body: clientProviderBody({ name: 'shared NAME' }) });
    expect(response.status).toBe(409);
    expect(error).toMatchObject({ code: 'provider_name_taken' });

    const otherCategory = await org.client.POST('/dashboard/providers', {
      body: clientProviderBody({ name: 'Shared Name', category: 'tts', providerKey: 'edge', credentials: undefined }),
    });
    expect(otherCategory.response.status).toBe(201);
    const otherOrg = await activeOrg(server, 'pro');
    const sameNameElsewhere = await otherOrg.client.POST('/dashboard/providers', { body: clientProviderBody({ name: 'Shared Name' }) });
    expect(sameNameElsewhere.response.status).toBe(201);
    // A global provider's name does not block an organization's own.
    const likeGlobal = await org.client.POST('/dashboard/providers', { body: clientProviderBody({ name: 'OpenAI' }) });
    expect(likeGlobal.response.status).toBe(201);
  });
});

describe('GET /dashboard/providers', () => {
  it('lists active global providers and the organization own; client=true only its own; category filters', async () => {
    const org = await activeOrg(server, 'pro');
    const own = await createClientProvider(org);
    const ownInactive = await createClientProvider(org, { active: false });
    const retired = await createGlobal(admin, {
      category: 'llm',
      providerKey: 'groq',
      name: 'Retired Groq',
      credentials: { apiKey: 'k' },
      models: [{ modelId: 'x', label: 'X' }],
      active: false,
    });

    const all = await org.client.GET('/dashboard/providers');
    const ids = all.data!.map((p) => p._id);
    expect(ids).toEqual(expect.arrayContaining([globals.ollama._id, globals.deepgram._id, own._id, ownInactive._id]));
    expect(ids).not.toContain(retired._id);
    expect(all.data!.find((p) => p._id === globals.ollama._id)!.source).toBe('global');

    const mine = await org.client.GET('/dashboard/providers', { params: { query: { client: true } } });
    expect(mine.data!.map((p) => p._id).sort()).toEqual([own._id, ownInactive._id].sort());
    expect(mine.data!.every((p) => p.source === 'client')).toBe(true);

    const notOnlyMine = await org.client.GET('/dashboard/providers', { params: { query: { client: false } } });
    expect(notOnlyMine.data!.length).toBe(all.data!.length);

    const tts = await org.client.GET('/dashboard/providers', { params: { query: { category: 'tts' } } });
    expect(tts.data!.map((p) => p._id).sort()).toEqual([globals.edge._id, globals.elevenlabs._id].sort());
  });

  it('answers 400 for an unknown category or a client flag that is not a boolean', async () => {
    const org = await activeOrg(server, 'pro');
    for (const query of ['category=video', 'client=maybe', 'unknown=1']) {
      const response = await fetch(`${server.apiUrl}/dashboard/providers?${query}`, { headers: { authorization: `Bearer ${org.token}` } });
      expect(response.status, query).toBe(400);
      await expectErrorBody(response);
    }
  });
});

describe('GET /dashboard/providers/:id', () => {
  it('returns a global provider or an own one; 404 for an unknown id', async () => {
    const org = await activeOrg(server, 'pro');
    const own = await createClientProvider(org);
    const global = await org.client.GET('/dashboard/providers/{id}', { params: { path: { id: globals.openai._id } } });
    expect(global.data).toMatchObject({ _id: globals.openai._id, source: 'global', hasCredentials: true });
    const mine = await org.client.GET('/dashboard/providers/{id}', { params: { path: { id: own._id } } });
    expect(mine.data).toEqual(own);
    const missing = await org.client.GET('/dashboard/providers/{id}', { params: { path: { id: 'nope' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error!.error).toBe('Provider not found');
  });
});

describe('PATCH /dashboard/providers/:id', () => {
  it('changes name, active flag, models and settings, and replaces credentials', async () => {
    const org = await activeOrg(server, 'pro');
    const own = await createClientProvider(org, { credentials: { apiKey: 'old-key' } });
    const { data, response } = await org.client.PATCH('/dashboard/providers/{id}', {
      params: { path: { id: own._id } },
      body: {
        name: 'Renamed',
        active: false,
        models: [{ modelId: 'gpt-4.1', label: 'GPT-4.1' }],
        settings: { baseUrl: 'wss://relay.example.com' },
        credentials: { apiKey: 'new-key' },
      },
    });
    expect(response.status).toBe(200);
    expect(data).toMatchObject({
      _id: own._id,
      name: 'Renamed',
      active: false,
      models: [{ modelId: 'gpt-4.1', label: 'GPT-4.1' }],
      settings: { baseUrl: 'wss://relay.example.com' },
      hasCredentials: true,
      createdAt: own.createdAt,
    });
    const row = await server.app.svc.db.selectFrom('providers').select('credentials').where('id', '=', own._id).executeTakeFirstOrThrow();
    expect(server.app.svc.box.openJson(row.credentials!)).toEqual({ apiKey: 'new-key' });

    const untouched = await org.client.PATCH('/dashboard/providers/{id}', { params: { path: { id: own._id } }, body: { active: true } });
    expect(untouched.data).toMatchObject({ name: 'Renamed', active: true, settings: { baseUrl: 'wss://relay.example.com' } });
  });

  it('validates changes against the catalog (400) and names (409)', async () => {
    const org = await activeOrg(server, 'pro');
    const own = await createClientProvider(org);
    await createClientProvider(org, { name: 'Taken' });
    const cases: [Schemas['ProviderUpdate'], number][] = [
      [{ credentials: {} }, 400],
      [{ credentials: { token: 'x' } }, 400],
      [{ settings: { baseUrl: 'gopher://old.example.com' } }, 400],
      [{ models: [] }, 400],
      [{}, 400],
      [{ name: 'TAKEN' }, 409],
    ];
    for (const [body, status] of cases) {
      const { response } = await org.client.PATCH('/dashboard/providers/{id}', { params: { path: { id: own._id } }, body });
      expect(response.status, JSON.stringify(body)).toBe(status);
    }
    const after = await org.client.GET('/dashboard/providers/{id}', { params: { path: { id: own._id } } });
    expect(after.data).toEqual(own);
  });

  it('refuses to change a global provider (403) and answers 404 for an unknown one', async () => {
    const org = await activeOrg(server, 'enterprise');
    const global = await org.client.PATCH('/dashboard/providers/{id}', { params: { path: { id: globals.openai._id } }, body: { active: false } });
    expect(global.response.status).toBe(403);
    expect(global.error).toMatchObject({ code: 'global_provider_read_only' });
    const missing = await org.client.PATCH('/dashboard/providers/{id}', { params: { path: { id: 'nope' } }, body: { active: false } });
    expect(missing.response.status).toBe(404);
    const unchanged = await admin.client.GET('/admin/providers/{id}', { params: { path: { id: globals.openai._id } } });
    expect(unchanged.data!.active).toBe(true);
  });
});

describe('DELETE /dashboard/providers/:id', () => {
  it('deletes an unused provider', async () => {
    const org = await activeOrg(server, 'pro');
    const own = await createClientProvider(org);
    const { response } = await org.client.DELETE('/dashboard/providers/{id}', { params: { path: { id: own._id } } });
    expect(response.status).toBe(204);
    const gone = await org.client.GET('/dashboard/providers/{id}', { params: { path: { id: own._id } } });
    expect(gone.response.status).toBe(404);
    // The slot is free again.
    for (let i = 0; i < 5; i++) await createClientProvider(org);
  });

  it('answers 409 with the agents that use it', async () => {
    const org = await activeOrg(server, 'pro');
    const own = await createClientProvider(org);
    const agent = await createAgentFor(org, agentBody(globals, { name: 'Uses own', llmProviderId: own._id, llmModelId: 'gpt-4o' }));
    const { error, response } = await org.client.DELETE('/dashboard/providers/{id}', { params: { path: { id: own._id } } });
    expect(response.status).toBe(409);
    expect(error).toEqual({ error: 'Provider is used by 1 agent', code: 'provider_in_use', agents: [{ _id: agent._id, name: 'Uses own' }] });

    await org.client.DELETE('/dashboard/agents/{id}', { params: { path: { id: agent._id } } });
    const retry = await org.client.DELETE('/dashboard/providers/{id}', { params: { path: { id: own._id } } });
    expect(retry.response.status).toBe(204);
  });

  it('refuses to delete a global provider (403) and answers 404 for an unknown one', async () => {
    const org = await activeOrg(server, 'pro');
    const global = await org.client.DELETE('/dashboard/providers/{id}', { params: { path: { id: globals.ollama._id } } });
    expect(global.response.status).toBe(403);
    expect(global.error).toMatchObject({ code: 'global_provider_read_only' });
    const missing = await org.client.DELETE('/dashboard/providers/{id}', { params: { path: { id: 'nope' } } });
    expect(missing.response.status).toBe(404);
  });
});
