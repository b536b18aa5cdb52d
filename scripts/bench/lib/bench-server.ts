/**
 * A fresh Voicex server process for a benchmark: its own SQLite file (or the given database), the platform set
 * up through the API with providers on the fake vendors, an unlimited plan and one ElevenLabs agent. ElevenLabs
 * because its `ulaw_8000` audio reaches the caller byte for byte, so stamped frames survive.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVoicexClient, type Schemas, type VoicexClient } from '../../../generated/client';
import type { FakeVendorUrls } from '../../../test/fakes/serve';
import { startServerProcess, type ServerProcess } from '../../../test/support/server-process';

export const BENCH_PUBLIC_URL = 'https://voicex.bench';
export const BENCH_TWILIO_TOKEN = 'bench-twilio-auth-token-0123456789';
const VOICE_ID = '21m00Tcm4TlvDq8ikWAM';

export interface BenchServer {
  server: ServerProcess;
  apiKey: string;
  agentId: string;
  stop(): Promise<void>;
}

export interface BenchServerOptions {
  fakes: FakeVendorUrls;
  /** Default: a SQLite file in a temporary directory. */
  databaseUrl?: string;
  /** The agent's greeting (spoken at the start of every call). */
  greeting: string;
  endpointingMs: number;
  /** Write a V8 CPU profile of the server into this directory when it stops. */
  cpuProfileDir?: string;
}

async function must<T>(what: string, call: Promise<{ data?: T; error?: unknown }>): Promise<T> {
  const { data, error } = await call;
  if (!data) throw new Error(`${what} failed: ${JSON.stringify(error)}`);
  return data;
}

async function providers(root: VoicexClient, fakes: FakeVendorUrls) {
  const create = (body: Schemas['ProviderCreate']) => must('provider creation', root.POST('/admin/providers', { body }));
  const key = { apiKey: 'bench-vendor-key' };
  return {
    llm: await create({ category: 'llm', providerKey: 'ollama', name: 'Ollama', models: [{ modelId: 'llama3.2:3b', label: 'Llama' }], settings: { baseUrl: fakes.llm } }),
    tts: await create({ category: 'tts', providerKey: 'elevenlabs', name: 'ElevenLabs', credentials: key, models: [{ modelId: VOICE_ID, label: 'Rachel' }], settings: { baseUrl: fakes.elevenlabs } }),
    stt: await create({ category: 'stt', providerKey: 'deepgram', name: 'Deepgram', credentials: key, models: [{ modelId: 'nova-2', label: 'Nova 2' }], settings: { baseUrl: fakes.deepgram } }),
  };
}

export async function startBenchServer(options: BenchServerOptions): Promise<BenchServer> {
  const dir = options.databaseUrl ? null : await mkdtemp(join(tmpdir(), 'voicex-bench-'));
  const server = await startServerProcess({
    DATABASE_URL: options.databaseUrl ?? `sqlite:${join(dir!, 'bench.db')}`,
    JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123456789abcdef',
    ENCRYPTION_KEY: 'cd'.repeat(32),
    PUBLIC_URL: BENCH_PUBLIC_URL,
    TWILIO_AUTH_TOKEN: BENCH_TWILIO_TOKEN,
    LOG_LEVEL: 'error',
  }, 60_000, options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : []);
  process.once('exit', () => server.child.kill('SIGKILL'));
  try {
    const setup = await must(
      'setup',
      createVoicexClient({ baseUrl: server.apiUrl }).POST('/setup', {
        body: { name: 'Bench Admin', email: 'bench@example.com', password: 'bench-password-123', orgName: 'Bench' },
      }),
    );
    const root = createVoicexClient({ baseUrl: server.apiUrl, token: setup.token });
    const { llm, tts, stt } = await providers(root, options.fakes);
    await must(
      'plan creation',
      root.POST('/admin/plans', {
        body: {
          slug: 'bench',
          name: 'Bench',
          pricing: { monthly: 0, annual: 0, maxDiscountPercent: 0 },
          limits: { maxAgents: 10, maxConcurrentCalls: 100_000, maxCallDurationSec: 86_400, maxMonthlyMinutes: 100_000_000 },
          models: { llm: ['ollama/llama3.2:3b'], tts: [`elevenlabs/${VOICE_ID}`], stt: ['deepgram/nova-2'] },
          features: { customProviders: false, maxCustomProviders: 0 },
          public: false,
          custom: true,
        },
      }),
    );
    await must(
      'plan change',
      root.PATCH('/admin/organizations/{id}', { params: { path: { id: setup.organization._id } }, body: { planSlug: 'bench' } }),
    );
    const agent = await must(
      'agent creation',
      root.POST('/dashboard/agents', {
        body: {
          name: 'Bench agent',
          llmProviderId: llm._id,
          llmModelId: 'llama3.2:3b',
          ttsProviderId: tts._id,
          ttsModelId: VOICE_ID,
          sttProviderId: stt._id,
          persona: { systemPrompt: 'You answer briefly.', greeting: options.greeting },
          thresholds: { endpointingMs: options.endpointingMs, silenceTimeoutMs: 5000, interruptionSensitivity: 'low' },
        },
      }),
    );
    const key = await must('API key creation', root.POST('/dashboard/api-keys', { body: { name: 'bench' } }));
    return {
      server,
      apiKey: key.rawKey,
      agentId: agent._id,
      stop: async () => {
        await server.stop();
        if (dir) await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server.stop('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
