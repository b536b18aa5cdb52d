import { createVoicexClient, type Schemas, type VoicexClient } from '../../../generated/client';

/** What every scenario needs: an active organization with an API key and agents on global providers. */
export interface BenchOrg {
  apiKey: string;
  agents: Schemas['Agent'][];
  /** Body of one more agent, for the create + delete scenario. */
  agentBody: Schemas['AgentCreate'];
}

async function must<T>(what: string, call: Promise<{ data?: T; error?: unknown }>): Promise<T> {
  const { data, error } = await call;
  if (data === undefined) throw new Error(`${what} failed: ${JSON.stringify(error)}`);
  return data;
}

/**
 * Sets a fresh server up through its API as an operator would: the one-time setup (its organization is active on
 * the enterprise plan), global providers, an API key and `agentCount` agents. The plan's concurrent-call limit is
 * raised so the webhook scenarios measure answered calls, never the cheaper "all lines busy" refusal.
 */
export async function setUpBenchOrg(apiUrl: string, agentCount: number): Promise<BenchOrg> {
  const setup = await must(
    'setup',
    createVoicexClient({ baseUrl: apiUrl }).POST('/setup', {
      body: { name: 'Bench Admin', email: 'bench@example.com', password: 'bench-admin-password', orgName: 'Bench' },
    }),
  );
  const admin: VoicexClient = createVoicexClient({ baseUrl: apiUrl, token: setup.token });
  const provider = (body: Schemas['ProviderCreate']) => must(`provider ${body.providerKey}`, admin.POST('/admin/providers', { body }));
  const llm = await provider({ category: 'llm', providerKey: 'ollama', name: 'Ollama', models: [{ modelId: 'llama3.2:3b', label: 'Llama' }] });
  const tts = await provider({ category: 'tts', providerKey: 'edge', name: 'Edge', models: [{ modelId: 'en-US-AriaNeural', label: 'Aria' }] });
  const stt = await provider({
    category: 'stt',
    providerKey: 'deepgram',
    name: 'Deepgram',
    credentials: { apiKey: 'bench-key' },
    models: [{ modelId: 'nova-2', label: 'Nova 2' }],
  });
  const plans = await must('plans', admin.GET('/admin/plans'));
  const enterprise = plans.find((plan) => plan.slug === 'enterprise');
  if (!enterprise) throw new Error('the enterprise plan is missing');
  await must(
    'plan update',
    admin.PATCH('/admin/plans/{slug}', {
      params: { path: { slug: 'enterprise' } },
      body: { limits: { ...enterprise.limits, maxConcurrentCalls: 100_000, maxMonthlyMinutes: 1_000_000 } },
    }),
  );
  const { rawKey } = await must('api key', admin.POST('/dashboard/api-keys', { body: { name: 'bench' } }));
  const agentBody: Schemas['AgentCreate'] = {
    name: 'Bench agent',
    llmProviderId: llm._id,
    llmModelId: 'llama3.2:3b',
    ttsProviderId: tts._id,
    ttsModelId: 'en-US-AriaNeural',
    sttProviderId: stt._id,
  };
  const agents: Schemas['Agent'][] = [];
  for (let i = 0; i < agentCount; i++) {
    agents.push(await must('agent', admin.POST('/dashboard/agents', { body: { ...agentBody, name: `Bench agent ${i + 1}` } })));
  }
  return { apiKey: rawKey, agents, agentBody };
}
