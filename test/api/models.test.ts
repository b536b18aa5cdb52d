import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeOrg, createApiKey, setUpPlatform, type PlatformAdmin } from '../support/factories';
import { createClientProvider, createGlobal, createGlobalProviders, type GlobalProviders } from '../support/dashboard';
import { startTestServer, type TestServer } from '../support/server';
import { expectErrorBody } from '../support/spec';

let server: TestServer;
let admin: PlatformAdmin;
let globals: GlobalProviders;
beforeAll(async () => {
  server = await startTestServer();
  admin = await setUpPlatform(server);
  globals = await createGlobalProviders(admin);
  // Inactive: its models are not offered to anyone.
  await createGlobal(admin, {
    category: 'llm',
    providerKey: 'openai',
    name: 'Retired OpenAI',
    credentials: { apiKey: 'k' },
    models: [{ modelId: 'gpt-4o-mini', label: 'GPT-4o Mini' }],
    active: false,
  });
});
afterAll(() => server.stop());

const item = (providerId: string, modelId: string) => expect.objectContaining({ providerId, modelId });

describe('GET /dashboard/models/search', () => {
  it('lists models of active global providers with allowed and the cheapest plan that would allow them', async () => {
    const org = await activeOrg(server, 'free');
    const { data, response } = await org.client.GET('/dashboard/models/search', { params: { query: { category: 'llm', limit: 100 } } });
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ total: 6, skip: 0, limit: 100 });
    expect(data!.items[0]).toEqual({
      providerId: globals.ollama._id,
      providerKey: 'ollama',
      providerName: 'Ollama',
      modelId: 'llama3.2:3b',
      label: 'Llama 3.2 3B',
      source: 'global',
      allowed: true,
      requiredPlan: null,
    });
    // Allowed first, then by provider name and label; a model in no public plan has no plan to point at.
    expect(data!.items.map((i) => [i.providerName, i.modelId, i.allowed, i.requiredPlan])).toEqual([
      ['Ollama', 'llama3.2:3b', true, null],
      ['Groq', 'acme-finetune', false, null],
      ['Groq', 'llama-3.3-70b-versatile', false, 'starter'],
      ['Ollama', 'llama3.1:8b', false, 'enterprise'],
      ['OpenAI', 'gpt-4o', false, 'enterprise'],
      ['OpenAI', 'gpt-4o-mini', false, 'pro'],
    ]);
    expect(data!.items.map((i) => i.providerName)).not.toContain('Retired OpenAI');
  });

  it('marks every model of the organization own providers allowed, and shows no other organization own', async () => {
    const org = await activeOrg(server, 'pro');
    const own = await createClientProvider(org, { name: 'Acme LLM' });
    const other = await activeOrg(server, 'pro');
    const theirs = await createClientProvider(other, { name: 'Rival LLM' });
    const { data } = await org.client.GET('/dashboard/models/search', { params: { query: { category: 'llm', limit: 100 } } });
    expect(data!.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ providerId: own._id, modelId: 'gpt-4o', source: 'client', allowed: true, requiredPlan: null }),
        expect.objectContaining({ providerId: own._id, modelId: 'my-finetune', source: 'client', allowed: true }),
        expect.objectContaining({ providerId: globals.openai._id, modelId: 'gpt-4o-mini', allowed: true }),
        expect.objectContaining({ providerId: globals.openai._id, modelId: 'gpt-4o', allowed: false, requiredPlan: 'enterprise' }),
      ]),
    );
    expect(data!.items.map((i) => i.providerId)).not.toContain(theirs._id);
    const allowed = data!.items.map((i) => i.allowed);
    expect(allowed).toEqual([...allowed].sort((a, b) => Number(b) - Number(a)));
  });

  it('matches the query case-insensitively against modelId and label, per category', async () => {
    const org = await activeOrg(server, 'pro');
    const byLabel = await org.client.GET('/dashboard/models/search', { params: { query: { category: 'tts', query: 'RACH' } } });
    expect(byLabel.data!.items).toEqual([item(globals.elevenlabs._id, '21m00Tcm4TlvDq8ikWAM')]);
    const byId = await org.client.GET('/dashboard/models/search', { params: { query: { category: 'llm', query: 'GPT-4O' } } });
    expect(byId.data!.items.map((i) => i.modelId).sort()).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(byId.data!.total).toBe(2);
    const stt = await org.client.GET('/dashboard/models/search', { params: { query: { category: 'stt' } } });
    expect(stt.data!.items.map((i) => i.modelId)).toEqual(['nova-2', 'nova-3']);
    const none = await org.client.GET('/dashboard/models/search', { params: { query: { category: 'llm', query: 'zzz' } } });
    expect(none.data).toEqual({ items: [], total: 0, skip: 0, limit: 10 });
  });

  it('pages with skip and limit (default 10) and reports the total', async () => {
    const org = await activeOrg(server, 'enterprise');
    for (let i = 0; i < 3; i++) {
      await createClientProvider(org, { models: Array.from({ length: 5 }, (_, m) => ({ modelId: `m-${i}-${m}`, label: `Model ${i}.${m}` })) });
    }
    const client = server.client({ apiKey: await createApiKey(org) });
    const all = await client.GET('/dashboard/models/search', { params: { query: { category: 'llm', limit: 100 } } });
    const total = all.data!.total;
    expect(total).toBe(all.data!.items.length);
    expect(total).toBeGreaterThan(12);

    const first = await client.GET('/dashboard/models/search', { params: { query: { category: 'llm' } } });
    expect(first.data).toMatchObject({ total, skip: 0, limit: 10 });
    expect(first.data!.items).toEqual(all.data!.items.slice(0, 10));
    const page = await client.GET('/dashboard/models/search', { params: { query: { category: 'llm', skip: 2, limit: 5 } } });
    expect(page.data).toMatchObject({ total, skip: 2, limit: 5 });
    expect(page.data!.items).toEqual(all.data!.items.slice(2, 7));
  });

  it('answers 400 without a category, for an unknown one, or a limit above 100', async () => {
    const org = await activeOrg(server, 'pro');
    for (const query of ['', 'category=video', 'category=llm&limit=101', 'category=llm&skip=-1']) {
      const response = await fetch(`${server.apiUrl}/dashboard/models/search?${query}`, { headers: { authorization: `Bearer ${org.token}` } });
      expect(response.status, query).toBe(400);
      await expectErrorBody(response);
    }
  });
});
