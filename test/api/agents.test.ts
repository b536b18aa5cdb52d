import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Schemas } from '../../generated/client';
import { activeOrg, createApiKey, setOrgState, setUpPlatform, type PlatformAdmin, type TestOrg } from '../support/factories';
import {
  agentBody,
  createAgentFor,
  createClientProvider,
  createGlobal,
  createGlobalProviders,
  recordCall,
  type AgentBody,
  type GlobalProviders,
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

const getAgent = (org: TestOrg, id: string) => org.client.GET('/dashboard/agents/{id}', { params: { path: { id } } });
const patchAgent = (org: TestOrg, id: string, body: Schemas['AgentUpdate']) =>
  org.client.PATCH('/dashboard/agents/{id}', { params: { path: { id } }, body });

describe('POST /dashboard/agents', () => {
  it('fills every omitted field with its default and answers the computed status', async () => {
    const org = await activeOrg(server, 'free');
    const { data, response } = await org.client.POST('/dashboard/agents', { body: agentBody(globals) });
    expect(response.status).toBe(201);
    expect(data).toMatchObject({
      name: 'Sales Bot',
      persona: {
        systemPrompt: 'You are a helpful voice assistant.',
        greeting: 'Hello! How can I help you today?',
        personality: 'friendly',
        language: 'en-US',
        guardrails: '',
      },
      llmProviderId: globals.ollama._id,
      llmModelId: 'llama3.2:3b',
      llmConfig: { temperature: 0.7, maxTokens: 256 },
      ttsProviderId: globals.edge._id,
      ttsModelId: 'en-US-AriaNeural',
      ttsConfig: { speed: 1 },
      sttProviderId: globals.deepgram._id,
      sttModelId: 'nova-2',
      // The free plan allows 300 s, below the 1800 s default.
      thresholds: { silenceTimeoutMs: 700, endpointingMs: 300, interruptionSensitivity: 'medium', maxCallDurationSec: 300 },
      phoneNumber: null,
      active: true,
      status: 'active',
      pauseReason: null,
    });
  });

  it('keeps every given field and defaults only the missing ones inside nested objects', async () => {
    const org = await activeOrg(server, 'pro');
    const { data } = await org.client.POST('/dashboard/agents', {
      body: agentBody(globals, {
        name: 'Support',
        persona: { systemPrompt: 'You are a sales assistant...', guardrails: 'Keep responses short.' },
        llmProviderId: globals.openai._id,
        llmModelId: 'gpt-4o-mini',
        llmConfig: { temperature: 0.4 },
        ttsProviderId: globals.elevenlabs._id,
        ttsModelId: '21m00Tcm4TlvDq8ikWAM',
        ttsConfig: { speed: 1.25 },
        sttModelId: 'nova-2',
        thresholds: { endpointingMs: 200, interruptionSensitivity: 'high' },
        phoneNumber: '+14155550123',
        active: false,
      }),
    });
    expect(data).toMatchObject({
      name: 'Support',
      persona: { systemPrompt: 'You are a sales assistant...', greeting: 'Hello! How can I help you today?', guardrails: 'Keep responses short.' },
      llmConfig: { temperature: 0.4, maxTokens: 256 },
      ttsConfig: { speed: 1.25 },
      thresholds: { silenceTimeoutMs: 700, endpointingMs: 200, interruptionSensitivity: 'high', maxCallDurationSec: 1800 },
      phoneNumber: '+14155550123',
      active: false,
      status: 'inactive',
      pauseReason: 'The agent is switched off',
    });
  });

  it('works with an API key', async () => {
    const org = await activeOrg(server, 'pro');
    const client = server.client({ apiKey: await createApiKey(org) });
    const created = await client.POST('/dashboard/agents', { body: agentBody(globals) });
    expect(created.response.status).toBe(201);
    const listed = await client.GET('/dashboard/agents');
    expect(listed.data!.map((a) => a._id)).toEqual([created.data!._id]);
  });

  it.each<[string, Partial<AgentBody>, string]>([
    ['a temperature above 2', { llmConfig: { temperature: 2.5 } }, 'body.llmConfig.temperature'],
    ['a negative temperature', { llmConfig: { temperature: -0.1 } }, 'body.llmConfig.temperature'],
    ['zero max tokens', { llmConfig: { maxTokens: 0 } }, 'body.llmConfig.maxTokens'],
    ['a silence timeout below 200 ms', { thresholds: { silenceTimeoutMs: 100 } }, 'body.thresholds.silenceTimeoutMs'],
    ['an endpointing below 10 ms', { thresholds: { endpointingMs: 5 } }, 'body.thresholds.endpointingMs'],
    ['an unknown interruption sensitivity', { thresholds: { interruptionSensitivity: 'extreme' as never } }, 'body.thresholds.interruptionSensitivity'],
    ['a max call duration below 30 s', { thresholds: { maxCallDurationSec: 10 } }, 'body.thresholds.maxCallDurationSec'],
    ['a speed above 2', { ttsConfig: { speed: 3 } }, 'body.ttsConfig.speed'],
    ['a language that is not a BCP 47 tag', { persona: { language: 'english please' } }, 'body.persona.language'],
    ['a phone number that is not E.164', { phoneNumber: '0155 555' }, 'body.phoneNumber'],
    ['an empty name', { name: '' }, 'body.name'],
    ['an unknown field', { status: 'active' } as Partial<AgentBody>, 'body.status'],
    ['an unknown persona field', { persona: { mood: 'happy' } as never }, 'body.persona.mood'],
  ])('answers 400 for %s', async (_case, overrides, path) => {
    const org = await activeOrg(server, 'pro');
    const { error, response } = await org.client.POST('/dashboard/agents', { body: agentBody(globals, overrides) });
    expect(response.status).toBe(400);
    expect(error!.error).toContain(path);
  });

  it('answers 400 for a missing provider id', async () => {
    const org = await activeOrg(server, 'pro');
    const { llmProviderId: _omitted, ...body } = agentBody(globals);
    const { error, response } = await org.client.POST('/dashboard/agents', { body: body as never });
    expect(response.status).toBe(400);
    expect(error!.error).toContain('body.llmProviderId');
  });

  it('answers 400 for a provider that does not exist, has the wrong category, or lacks the model', async () => {
    const org = await activeOrg(server, 'enterprise');
    const cases: [Partial<AgentBody>, RegExp][] = [
      [{ llmProviderId: 'no-such-provider' }, /^llmProviderId: no LLM provider with id "no-such-provider"$/],
      [{ ttsProviderId: globals.ollama._id }, /^ttsProviderId: provider "Ollama" is for LLM, not TTS$/],
      [{ sttProviderId: globals.edge._id }, /sttProviderId: provider "Edge" is for TTS, not STT/],
      [{ llmModelId: 'gpt-5' }, /^llmModelId: LLM provider "Ollama" does not offer model "gpt-5"$/],
      [{ ttsModelId: 'en-GB-SoniaNeural' }, /ttsModelId: TTS provider "Edge" does not offer model "en-GB-SoniaNeural"/],
      [{ sttModelId: 'whisper' }, /sttModelId: STT provider "Deepgram" does not offer model "whisper"/],
    ];
    for (const [overrides, message] of cases) {
      const { error, response } = await org.client.POST('/dashboard/agents', { body: agentBody(globals, overrides) });
      expect(response.status, JSON.stringify(overrides)).toBe(400);
      expect(error!.error).toMatch(message);
    }
  });

  it('answers 400 for another organization provider, exactly as for one that does not exist', async () => {
    const owner = await activeOrg(server, 'pro');
    const theirs = await createClientProvider(owner);
    const org = await activeOrg(server, 'pro');
    const { error, response } = await org.client.POST('/dashboard/agents', {
      body: agentBody(globals, { llmProviderId: theirs._id, llmModelId: 'gpt-4o' }),
    });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ code: 'invalid_provider', error: `llmProviderId: no LLM provider with id "${theirs._id}"` });
    expect(JSON.stringify(error)).not.toContain(theirs.name);
    const list = await org.client.GET('/dashboard/agents');
    expect(list.data).toEqual([]);
  });

  it('answers 403 for a global model the plan does not include, in each category', async () => {
    const org = await activeOrg(server, 'free');
    const cases: [Partial<AgentBody>, string][] = [
      [{ llmProviderId: globals.openai._id, llmModelId: 'gpt-4o-mini' }, 'The Free plan does not include LLM model openai/gpt-4o-mini'],
      [{ ttsModelId: 'en-US-GuyNeural' }, 'The Free plan does not include TTS model edge/en-US-GuyNeural'],
      [{ sttModelId: 'nova-3' }, 'The Free plan does not include STT model deepgram/nova-3'],
    ];
    for (const [overrides, message] of cases) {
      const { error, response } = await org.client.POST('/dashboard/agents', { body: agentBody(globals, overrides) });
      expect(response.status).toBe(403);
      expect(error).toEqual({ code: 'model_not_in_plan', error: message });
    }
  });

  it('allows any model of the organization own providers', async () => {
    const org = await activeOrg(server, 'pro');
    const own = await createClientProvider(org);
    const { data, response } = await org.client.POST('/dashboard/agents', {
      body: agentBody(globals, { llmProviderId: own._id, llmModelId: 'my-finetune' }),
    });
    expect(response.status).toBe(201);
    expect(data!.status).toBe('active');
  });

  it('answers 403 for a max call duration above the plan limit', async () => {
    const org = await activeOrg(server, 'starter');
    const { error, response } = await org.client.POST('/dashboard/agents', {
      body: agentBody(globals, { thresholds: { maxCallDurationSec: 1801 } }),
    });
    expect(response.status).toBe(403);
    expect(error).toMatchObject({ code: 'duration_over_plan' });
    const atLimit = await org.client.POST('/dashboard/agents', { body: agentBody(globals, { thresholds: { maxCallDurationSec: 1800 } }) });
    expect(atLimit.response.status).toBe(201);
  });

  it('answers 403 once the plan agent limit is reached', async () => {
    const org = await activeOrg(server, 'free');
    await createAgentFor(org, agentBody(globals));
    const { error, response } = await org.client.POST('/dashboard/agents', { body: agentBody(globals, { name: 'Second' }) });
    expect(response.status).toBe(403);
    expect(error).toEqual({ code: 'agent_limit', error: 'The Free plan allows 1 agent' });
  });

  it('answers 409 for a phone number another agent already has, in any organization', async () => {
    const first = await activeOrg(server, 'pro');
    await createAgentFor(first, agentBody(globals, { phoneNumber: '+14155550999' }));
    const second = await activeOrg(server, 'pro');
    const { error, response } = await second.client.POST('/dashboard/agents', { body: agentBody(globals, { phoneNumber: '+14155550999' }) });
    expect(response.status).toBe(409);
    expect(error).toMatchObject({ code: 'phone_number_taken' });
  });

  it('answers 400 for a body that is not JSON', async () => {
    const org = await activeOrg(server, 'pro');
    const response = await fetch(`${server.apiUrl}/dashboard/agents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': await createApiKey(org) },
      body: '[',
    });
    expect(response.status).toBe(400);
    await expectErrorBody(response);
  });
});

describe('GET /dashboard/agents and /dashboard/agents/:id', () => {
  it('lists the organization agents, newest first, and gets one', async () => {
    const org = await activeOrg(server, 'pro');
    const older = await createAgentFor(org, agentBody(globals, { name: 'Older' }));
    await server.app.svc.db.updateTable('agents').set({ created_at: '2020-01-01T00:00:00.000Z' }).where('id', '=', older._id).execute();
    const newer = await createAgentFor(org, agentBody(globals, { name: 'Newer' }));
    const { data } = await org.client.GET('/dashboard/agents');
    expect(data!.map((a) => a.name)).toEqual(['Newer', 'Older']);
    const one = await getAgent(org, newer._id);
    expect(one.data).toEqual(newer);
  });

  it('answers 404 for an unknown agent', async () => {
    const org = await activeOrg(server, 'pro');
    const { error, response } = await getAgent(org, 'nope');
    expect(response.status).toBe(404);
    expect(error!.error).toBe('Agent not found');
  });
});

describe('agent status', () => {
  it('follows provider changes at once: inactive or missing model -> paused_provider', async () => {
    const org = await activeOrg(server, 'pro');
    const own = await createClientProvider(org, { name: 'Team OpenAI' });
    const agent = await createAgentFor(org, agentBody(globals, { llmProviderId: own._id, llmModelId: 'gpt-4o' }));
    expect(agent.status).toBe('active');

    await org.client.PATCH('/dashboard/providers/{id}', { params: { path: { id: own._id } }, body: { active: false } });
    expect((await getAgent(org, agent._id)).data).toMatchObject({
      status: 'paused_provider',
      pauseReason: 'The LLM provider "Team OpenAI" is inactive',
    });

    await org.client.PATCH('/dashboard/providers/{id}', {
      params: { path: { id: own._id } },
      body: { active: true, models: [{ modelId: 'gpt-4.1', label: 'GPT-4.1' }] },
    });
    expect((await getAgent(org, agent._id)).data).toMatchObject({
      status: 'paused_provider',
      pauseReason: 'The LLM provider "Team OpenAI" no longer offers model "gpt-4o"',
    });

    await org.client.PATCH('/dashboard/providers/{id}', {
      params: { path: { id: own._id } },
      body: { models: [{ modelId: 'gpt-4o', label: 'GPT-4o' }] },
    });
    expect((await getAgent(org, agent._id)).data).toMatchObject({ status: 'active', pauseReason: null });
  });

  it('pauses agents of every organization when the platform deactivates a global provider', async () => {
    const stt = await createGlobal(admin, {
      category: 'stt',
      providerKey: 'deepgram',
      name: 'Deepgram EU',
      credentials: { apiKey: 'k' },
      models: [{ modelId: 'nova-2', label: 'Nova 2' }],
    });
    const org = await activeOrg(server, 'pro');
    const agent = await createAgentFor(org, agentBody(globals, { sttProviderId: stt._id }));
    await admin.client.PATCH('/admin/providers/{id}', { params: { path: { id: stt._id } }, body: { active: false } });
    expect((await getAgent(org, agent._id)).data).toMatchObject({
      status: 'paused_provider',
      pauseReason: 'The STT provider "Deepgram EU" is inactive',
    });
    await admin.client.PATCH('/admin/providers/{id}', { params: { path: { id: stt._id } }, body: { active: true } });
    expect((await getAgent(org, agent._id)).data!.status).toBe('active');
  });

  it('says paused_provider when a provider is gone', async () => {
    const org = await activeOrg(server, 'pro');
    const agent = await createAgentFor(org, agentBody(globals));
    await server.app.svc.db.updateTable('agents').set({ tts_provider_id: 'deleted-provider' }).where('id', '=', agent._id).execute();
    expect((await getAgent(org, agent._id)).data).toMatchObject({
      status: 'paused_provider',
      pauseReason: 'The TTS provider no longer exists',
    });
  });

  it('follows the plan at once: a downgrade pauses agents on models the new plan lacks', async () => {
    const org = await activeOrg(server, 'pro');
    const own = await createClientProvider(org);
    const onPro = await createAgentFor(org, agentBody(globals, { name: 'On Pro', llmProviderId: globals.openai._id, llmModelId: 'gpt-4o-mini' }));
    const onOwn = await createAgentFor(org, agentBody(globals, { name: 'On own', llmProviderId: own._id, llmModelId: 'gpt-4o' }));
    const onFree = await createAgentFor(org, agentBody(globals, { name: 'On free models' }));

    await setOrgState(server, org.orgId, { planSlug: 'free' });
    const { data } = await org.client.GET('/dashboard/agents');
    const byId = new Map(data!.map((a) => [a._id, a]));
    expect(byId.get(onPro._id)).toMatchObject({
      status: 'paused_plan',
      pauseReason: 'The Free plan does not include LLM model openai/gpt-4o-mini of provider "OpenAI"',
    });
    expect(byId.get(onOwn._id)!.status).toBe('active');
    expect(byId.get(onFree._id)!.status).toBe('active');

    await setOrgState(server, org.orgId, { planSlug: 'pro' });
    expect((await getAgent(org, onPro._id)).data!.status).toBe('active');
  });

  it('ranks reasons: switched off, then a provider problem, then the plan', async () => {
    const org = await activeOrg(server, 'pro');
    const own = await createClientProvider(org, { name: 'Team OpenAI' });
    const agent = await createAgentFor(
      org,
      agentBody(globals, { active: false, llmProviderId: own._id, llmModelId: 'gpt-4o', ttsProviderId: globals.elevenlabs._id, ttsModelId: '21m00Tcm4TlvDq8ikWAM' }),
    );
    await org.client.PATCH('/dashboard/providers/{id}', { params: { path: { id: own._id } }, body: { active: false } });
    await setOrgState(server, org.orgId, { planSlug: 'starter' });
    expect((await getAgent(org, agent._id)).data!.status).toBe('inactive');

    // Switched on behind the API's back: PATCH would re-validate the models against the new plan and refuse.
    await server.app.svc.db.updateTable('agents').set({ active: 1 }).where('id', '=', agent._id).execute();
    expect((await getAgent(org, agent._id)).data).toMatchObject({ status: 'paused_provider', pauseReason: 'The LLM provider "Team OpenAI" is inactive' });

    await org.client.PATCH('/dashboard/providers/{id}', { params: { path: { id: own._id } }, body: { active: true } });
    expect((await getAgent(org, agent._id)).data).toMatchObject({
      status: 'paused_plan',
      pauseReason: 'The Starter plan does not include TTS model elevenlabs/21m00Tcm4TlvDq8ikWAM of provider "ElevenLabs"',
    });
    const refused = await patchAgent(org, agent._id, { name: 'Renamed' });
    expect(refused.error).toMatchObject({ code: 'model_not_in_plan' });
  });
});

describe('PATCH /dashboard/agents/:id', () => {
  it('merges nested objects field by field and replaces the rest', async () => {
    const org = await activeOrg(server, 'pro');
    const agent = await createAgentFor(
      org,
      agentBody(globals, { persona: { greeting: 'Hi!', guardrails: 'Be brief.' }, thresholds: { endpointingMs: 250 }, phoneNumber: '+14155550200' }),
    );
    const { data, response } = await patchAgent(org, agent._id, {
      name: 'Renamed',
      persona: { greeting: 'Welcome!' },
      llmConfig: { maxTokens: 100 },
      thresholds: { silenceTimeoutMs: 900 },
    });
    expect(response.status).toBe(200);
    expect(data).toMatchObject({
      name: 'Renamed',
      persona: { ...agent.persona, greeting: 'Welcome!', guardrails: 'Be brief.' },
      llmConfig: { temperature: 0.7, maxTokens: 100 },
      thresholds: { ...agent.thresholds, silenceTimeoutMs: 900, endpointingMs: 250 },
      phoneNumber: '+14155550200',
      createdAt: agent.createdAt,
    });
    const cleared = await patchAgent(org, agent._id, { phoneNumber: null });
    expect(cleared.data!.phoneNumber).toBeNull();
  });

  it('switches providers, defaulting the STT model to the new provider first model', async () => {
    const org = await activeOrg(server, 'enterprise');
    const stt = await createGlobal(admin, {
      category: 'stt',
      providerKey: 'deepgram',
      name: 'Deepgram Phone',
      credentials: { apiKey: 'k' },
      models: [{ modelId: 'nova-2-phonecall', label: 'Phone' }],
    });
    const agent = await createAgentFor(org, agentBody(globals, { sttModelId: 'nova-3' }));
    const switched = await patchAgent(org, agent._id, { sttProviderId: stt._id });
    expect(switched.data).toMatchObject({ sttProviderId: stt._id, sttModelId: 'nova-2-phonecall' });
    const llm = await patchAgent(org, agent._id, { llmProviderId: globals.openai._id, llmModelId: 'gpt-4o' });
    expect(llm.data).toMatchObject({ llmProviderId: globals.openai._id, llmModelId: 'gpt-4o', status: 'active' });
  });

  it('validates the merged agent again: providers (400), plan (403), phone numbers (409)', async () => {
    const org = await activeOrg(server, 'starter');
    const other = await activeOrg(server, 'pro');
    await createAgentFor(other, agentBody(globals, { phoneNumber: '+14155550300' }));
    const theirs = await createClientProvider(other);
    const agent = await createAgentFor(org, agentBody(globals));
    const cases: [Schemas['AgentUpdate'], number, string?][] = [
      [{ llmProviderId: globals.openai._id }, 400, 'unknown_model'],
      [{ llmProviderId: theirs._id, llmModelId: 'gpt-4o' }, 400, 'invalid_provider'],
      [{ ttsProviderId: globals.deepgram._id }, 400, 'invalid_provider'],
      [{ llmProviderId: globals.openai._id, llmModelId: 'gpt-4o-mini' }, 403, 'model_not_in_plan'],
      [{ thresholds: { maxCallDurationSec: 3600 } }, 403, 'duration_over_plan'],
      [{ phoneNumber: '+14155550300' }, 409, 'phone_number_taken'],
      [{ llmConfig: { temperature: 9 } }, 400, 'validation_failed'],
      [{}, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const { error, response } = await patchAgent(org, agent._id, body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(error!.code).toBe(code);
    }
    expect((await getAgent(org, agent._id)).data).toEqual(agent);
  });

  it('answers 404 for an unknown agent', async () => {
    const org = await activeOrg(server, 'pro');
    const { response } = await patchAgent(org, 'nope', { name: 'X' });
    expect(response.status).toBe(404);
  });
});

describe('DELETE /dashboard/agents/:id', () => {
  it('removes the agent; its calls stay with their history and no longer point at it', async () => {
    const org = await activeOrg(server, 'free');
    const agent = await createAgentFor(org, agentBody(globals, { name: 'Short-lived' }));
    const call = await recordCall(server, org.orgId, { agentId: agent._id, agentName: 'Short-lived' });

    const { response } = await org.client.DELETE('/dashboard/agents/{id}', { params: { path: { id: agent._id } } });
    expect(response.status).toBe(204);
    expect((await getAgent(org, agent._id)).response.status).toBe(404);

    const kept = await org.client.GET('/dashboard/calls/{id}', { params: { path: { id: call.id } } });
    expect(kept.data).toMatchObject({ _id: call.id, agentId: null, agentName: 'Short-lived', status: 'completed' });
    // The free plan's single agent slot is free again.
    await createAgentFor(org, agentBody(globals));
  });

  it('answers 404 for an unknown agent, also the second time', async () => {
    const org = await activeOrg(server, 'pro');
    const agent = await createAgentFor(org, agentBody(globals));
    await org.client.DELETE('/dashboard/agents/{id}', { params: { path: { id: agent._id } } });
    const again = await org.client.DELETE('/dashboard/agents/{id}', { params: { path: { id: agent._id } } });
    expect(again.response.status).toBe(404);
  });
});
