import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAgentForCall } from '../../src/services/agent-resolution';
import { activeOrg, setOrgState, setUpPlatform, type PlatformAdmin } from '../support/factories';
import { agentBody, createAgentFor, createClientProvider, createGlobalProviders, type GlobalProviders } from '../support/dashboard';
import { startTestServer, type TestServer } from '../support/server';

/** resolveAgentForCall is what the phone and web call paths use to build an agent's vendor adapters. */
let server: TestServer;
let admin: PlatformAdmin;
let globals: GlobalProviders;
beforeAll(async () => {
  server = await startTestServer();
  admin = await setUpPlatform(server);
  globals = await createGlobalProviders(admin);
});
afterAll(() => server.stop());

describe('resolveAgentForCall', () => {
  it('gives an active agent with its three providers, models and opened credentials', async () => {
    const org = await activeOrg(server, 'pro');
    const own = await createClientProvider(org, { credentials: { apiKey: 'sk-own-key' }, settings: { baseUrl: 'https://llm.example.com/v1' } });
    const agent = await createAgentFor(org, agentBody(globals, { llmProviderId: own._id, llmModelId: 'my-finetune' }));

    const resolved = await resolveAgentForCall(server.app.svc, org.orgId, agent._id);
    expect(resolved).toMatchObject({ ready: true, agent: { id: agent._id }, org: { id: org.orgId }, plan: { slug: 'pro' } });
    if (!resolved?.ready) throw new Error('expected a ready agent');
    expect(resolved.llm).toMatchObject({
      modelId: 'my-finetune',
      credentials: { apiKey: 'sk-own-key' },
      provider: { id: own._id, providerKey: 'openai', settings: { baseUrl: 'https://llm.example.com/v1' } },
    });
    expect(resolved.tts).toMatchObject({ modelId: 'en-US-AriaNeural', credentials: {}, provider: { id: globals.edge._id } });
    expect(resolved.stt).toMatchObject({ modelId: 'nova-2', credentials: { apiKey: 'platform-secret-key' }, provider: { id: globals.deepgram._id } });
  });

  it('says why an agent cannot take a call, organization status first', async () => {
    const org = await activeOrg(server, 'pro');
    const agent = await createAgentFor(org, agentBody(globals, { llmProviderId: globals.openai._id, llmModelId: 'gpt-4o-mini' }));

    await setOrgState(server, org.orgId, { planSlug: 'free' });
    expect(await resolveAgentForCall(server.app.svc, org.orgId, agent._id)).toMatchObject({
      ready: false,
      status: 'paused_plan',
      pauseReason: 'The Free plan does not include LLM model openai/gpt-4o-mini of provider "OpenAI"',
    });

    await setOrgState(server, org.orgId, { status: 'suspended' });
    expect(await resolveAgentForCall(server.app.svc, org.orgId, agent._id)).toMatchObject({
      ready: false,
      status: 'paused_org',
      pauseReason: 'The organization is suspended',
    });
  });

  it('answers null for an unknown agent or another organization agent', async () => {
    const org = await activeOrg(server, 'pro');
    const other = await activeOrg(server, 'pro');
    const theirs = await createAgentFor(other, agentBody(globals));
    expect(await resolveAgentForCall(server.app.svc, org.orgId, 'nope')).toBeNull();
    expect(await resolveAgentForCall(server.app.svc, org.orgId, theirs._id)).toBeNull();
    expect(await resolveAgentForCall(server.app.svc, 'no-such-org', theirs._id)).toBeNull();
  });
});
