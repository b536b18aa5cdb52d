/** Fixtures for the dashboard suites: the platform's global providers, client providers, agents and calls. */
import type { Schemas } from '../../generated/client';
import { EMPTY_METRICS, finishCall, insertCall } from '../../src/db/repositories/calls';
import type { Call, CallStatus, TranscriptMessage } from '../../src/domain';
import type { PlatformAdmin, TestOrg } from './factories';
import type { TestServer } from './server';

export type ProviderBody = Schemas['ProviderCreate'];
export type AgentBody = Schemas['AgentCreate'];

/** The platform's providers most suites need, created through the admin API. */
export interface GlobalProviders {
  ollama: Schemas['Provider'];
  groq: Schemas['Provider'];
  openai: Schemas['Provider'];
  edge: Schemas['Provider'];
  elevenlabs: Schemas['Provider'];
  deepgram: Schemas['Provider'];
}

export async function createGlobal(admin: PlatformAdmin, body: ProviderBody): Promise<Schemas['Provider']> {
  const { data, error } = await admin.client.POST('/admin/providers', { body: body });
  if (!data) throw new Error(`global provider creation failed: ${JSON.stringify(error)}`);
  return data;
}

export async function createGlobalProviders(admin: PlatformAdmin): Promise<GlobalProviders> {
  const key = { apiKey: 'platform-secret-key' };
  return {
    ollama: await createGlobal(admin, {
      category: 'llm',
      providerKey: 'ollama',
      name: 'Ollama',
      models: [
        { modelId: 'llama3.2:3b', label: 'Llama 3.2 3B' },
        { modelId: 'llama3.1:8b', label: 'Llama 3.1 8B' },
      ],
    }),
    groq: await createGlobal(admin, {
      category: 'llm',
      providerKey: 'groq',
      name: 'Groq',
      credentials: key,
      // The fine-tune is in no plan at all.
      models: [
        { modelId: 'llama-3.3-70b-versatile', label: 'Llama 3.3 70B Versatile' },
        { modelId: 'acme-finetune', label: 'Acme Fine-tune' },
      ],
    }),
    openai: await createGlobal(admin, {
      category: 'llm',
      providerKey: 'openai',
      name: 'OpenAI',
      credentials: key,
      models: [
        { modelId: 'gpt-4o-mini', label: 'GPT-4o Mini' },
        { modelId: 'gpt-4o', label: 'GPT-4o' },
      ],
    }),
    edge: await createGlobal(admin, {
      category: 'tts',
      providerKey: 'edge',
      name: 'Edge',
      models: [
        { modelId: 'en-US-AriaNeural', label: 'Aria' },
        { modelId: 'en-US-GuyNeural', label: 'Guy' },
      ],
    }),
    elevenlabs: await createGlobal(admin, {
      category: 'tts',
      providerKey: 'elevenlabs',
      name: 'ElevenLabs',
      credentials: key,
      models: [{ modelId: '21m00Tcm4TlvDq8ikWAM', label: 'Rachel' }],
    }),
    deepgram: await createGlobal(admin, {
      category: 'stt',
      providerKey: 'deepgram',
      name: 'Deepgram',
      credentials: key,
      models: [
        { modelId: 'nova-2', label: 'Nova 2' },
        { modelId: 'nova-3', label: 'Nova 3' },
      ],
    }),
  };
}

/** An agent on models every public plan includes (ollama/llama3.2:3b, edge/en-US-AriaNeural, deepgram/nova-2). */
export function agentBody(globals: GlobalProviders, overrides: Partial<AgentBody> = {}): Schemas['AgentCreate'] {
  return {
    name: 'Sales Bot',
    llmProviderId: globals.ollama._id,
    llmModelId: 'llama3.2:3b',
    ttsProviderId: globals.edge._id,
    ttsModelId: 'en-US-AriaNeural',
    sttProviderId: globals.deepgram._id,
    ...overrides,
  };
}

export async function createAgentFor(org: TestOrg, body: Schemas['AgentCreate']): Promise<Schemas['Agent']> {
  const { data, error } = await org.client.POST('/dashboard/agents', { body });
  if (!data) throw new Error(`agent creation failed: ${JSON.stringify(error)}`);
  return data;
}

export function clientProviderBody(overrides: Partial<ProviderBody> = {}): Schemas['ProviderCreate'] {
  return {
    category: 'llm',
    providerKey: 'openai',
    name: `My OpenAI ${Math.random().toString(36).slice(2, 8)}`,
    credentials: { apiKey: 'sk-client-secret-123' },
    models: [
      { modelId: 'gpt-4o', label: 'GPT-4o' },
      { modelId: 'my-finetune', label: 'My Fine-tune' },
    ],
    settings: {},
    ...overrides,
  };
}

export async function createClientProvider(org: TestOrg, overrides: Partial<ProviderBody> = {}): Promise<Schemas['Provider']> {
  const { data, error } = await org.client.POST('/dashboard/providers', { body: clientProviderBody(overrides) });
  if (!data) throw new Error(`provider creation failed: ${JSON.stringify(error)}`);
  return data;
}

export interface RecordedCall {
  agentId?: string;
  agentName?: string;
  channel?: 'phone' | 'web';
  /** `active` leaves the call running. */
  status?: CallStatus;
  startedAt?: string;
  durationSec?: number;
  transcript?: TranscriptMessage[];
}

/**
 * A call as the call paths record it (there is no API that creates calls), with an explicit start time so
 * "newest first" does not depend on two inserts landing in different milliseconds.
 */
export async function recordCall(server: TestServer, orgId: string, call: RecordedCall = {}): Promise<Call> {
  const db = server.app.svc.db;
  const inserted = await insertCall(db, {
    orgId,
    agentId: call.agentId ?? 'no-agent',
    agentName: call.agentName ?? 'Sales Bot',
    channel: call.channel ?? 'phone',
    from: '+14155550100',
    to: '+14155550123',
    twilioCallSid: null,
    instanceId: 'test',
  });
  if (call.startedAt) await db.updateTable('calls').set({ started_at: call.startedAt }).where('id', '=', inserted.id).execute();
  const status = call.status ?? 'completed';
  if (status !== 'active') {
    await finishCall(db, inserted.id, {
      status,
      endReason: status === 'completed' ? 'caller_hangup' : 'provider_error',
      durationSec: call.durationSec ?? 90,
      transcript: call.transcript ?? [],
      summary: 'Caller asked about pricing.',
      sentiment: 'positive',
      metrics: { ...EMPTY_METRICS, turnCount: 2, totalTokens: 120 },
      metadata: { turns: [] },
    });
  }
  return inserted;
}
