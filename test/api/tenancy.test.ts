import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VoicexClient } from '../../generated/client';
import { activeOrg, createApiKey, setUpPlatform, type TestOrg } from '../support/factories';
import { agentBody, createAgentFor, createClientProvider, createGlobalProviders, recordCall, type GlobalProviders } from '../support/dashboard';
import { startTestServer, type TestServer } from '../support/server';

/** Two organizations with one of everything; each must see only its own, whichever way it authenticates. */
interface Tenant {
  org: TestOrg;
  apiKey: string;
  agentId: string;
  providerId: string;
  callId: string;
  apiKeyId: string;
}

let server: TestServer;
let globals: GlobalProviders;
let alpha: Tenant;
let beta: Tenant;

async function tenant(name: string): Promise<Tenant> {
  const org = await activeOrg(server, 'pro');
  const provider = await createClientProvider(org, { name: `${name} LLM` });
  const agent = await createAgentFor(org, agentBody(globals, { name: `${name} Bot`, llmProviderId: provider._id, llmModelId: 'gpt-4o' }));
  const call = await recordCall(server, org.orgId, { agentId: agent._id, agentName: agent.name });
  const apiKey = await createApiKey(org, `${name} key`);
  const keys = await org.client.GET('/dashboard/api-keys');
  return { org, apiKey, agentId: agent._id, providerId: provider._id, callId: call.id, apiKeyId: keys.data![0]!._id };
}

beforeAll(async () => {
  server = await startTestServer();
  globals = await createGlobalProviders(await setUpPlatform(server));
  alpha = await tenant('Alpha');
  beta = await tenant('Beta');
});
afterAll(() => server.stop());

const clientsOf = (t: Tenant): [string, VoicexClient][] => [
  ['JWT', t.org.client],
  ['API key', server.client({ apiKey: t.apiKey })],
];

describe('another organization ids answer 404 on every id route', () => {
  it.each(['JWT', 'API key'])('authenticated by %s', async (method) => {
    const client = clientsOf(alpha).find(([m]) => m === method)![1];
    const agent = { params: { path: { id: beta.agentId } } };
    const provider = { params: { path: { id: beta.providerId } } };
    const statuses = {
      getAgent: (await client.GET('/dashboard/agents/{id}', agent)).response.status,
      updateAgent: (await client.PATCH('/dashboard/agents/{id}', { ...agent, body: { name: 'Hijacked' } })).response.status,
      deleteAgent: (await client.DELETE('/dashboard/agents/{id}', agent)).response.status,
      getProvider: (await client.GET('/dashboard/providers/{id}', provider)).response.status,
      updateProvider: (await client.PATCH('/dashboard/providers/{id}', { ...provider, body: { active: false } })).response.status,
      deleteProvider: (await client.DELETE('/dashboard/providers/{id}', provider)).response.status,
      getCall: (await client.GET('/dashboard/calls/{id}', { params: { path: { id: beta.callId } } })).response.status,
      revokeApiKey: (await client.DELETE('/dashboard/api-keys/{id}', { params: { path: { id: beta.apiKeyId } } })).response.status,
    };
    expect(statuses).toEqual({
      getAgent: 404,
      updateAgent: 404,
      deleteAgent: 404,
      getProvider: 404,
      updateProvider: 404,
      deleteProvider: 404,
      getCall: 404,
      revokeApiKey: 404,
    });

    // Nothing of beta's changed, and its key still works.
    const betaClient = server.client({ apiKey: beta.apiKey });
    expect((await betaClient.GET('/dashboard/agents/{id}', agent)).data).toMatchObject({ name: 'Beta Bot', status: 'active' });
    expect((await betaClient.GET('/dashboard/providers/{id}', provider)).data).toMatchObject({ name: 'Beta LLM', active: true });
  });
});

describe('list routes never show another organization rows', () => {
  it.each(['JWT', 'API key'])('authenticated by %s', async (method) => {
    for (const [self, other] of [
      [alpha, beta],
      [beta, alpha],
    ] as const) {
      const client = clientsOf(self).find(([m]) => m === method)![1];
      const agents = (await client.GET('/dashboard/agents')).data!;
      expect(agents.map((a) => a._id)).toEqual([self.agentId]);
      const own = (await client.GET('/dashboard/providers', { params: { query: { client: true } } })).data!;
      expect(own.map((p) => p._id)).toEqual([self.providerId]);
      const all = (await client.GET('/dashboard/providers')).data!;
      expect(all.map((p) => p._id)).not.toContain(other.providerId);
      const calls = (await client.GET('/dashboard/calls', { params: { query: { agentId: other.agentId } } })).data!;
      expect(calls).toEqual([]);
      expect((await client.GET('/dashboard/calls')).data!.map((c) => c._id)).toEqual([self.callId]);
      expect((await client.GET('/dashboard/calls/count')).data).toEqual({ count: 1 });
      expect((await client.GET('/dashboard/api-keys')).data!.map((k) => k._id)).toEqual([self.apiKeyId]);
      const models = (await client.GET('/dashboard/models/search', { params: { query: { category: 'llm', limit: 100 } } })).data!;
      expect(models.items.map((m) => m.providerId)).not.toContain(other.providerId);
      const stats = (await client.GET('/dashboard/stats')).data!;
      expect(stats).toMatchObject({ totalCalls: 1, totalAgents: 1 });
    }
  });
});

describe('an agent cannot use another organization provider', () => {
  it('on creation or update, with the same answer as for a provider that does not exist', async () => {
    const created = await alpha.org.client.POST('/dashboard/agents', {
      body: agentBody(globals, { ttsProviderId: beta.providerId }),
    });
    expect(created.response.status).toBe(400);
    expect(created.error!.error).toBe(`ttsProviderId: no TTS provider with id "${beta.providerId}"`);

    const updated = await alpha.org.client.PATCH('/dashboard/agents/{id}', {
      params: { path: { id: alpha.agentId } },
      body: { llmProviderId: beta.providerId },
    });
    expect(updated.response.status).toBe(400);
    expect(updated.error!.error).toBe(`llmProviderId: no LLM provider with id "${beta.providerId}"`);
  });
});
