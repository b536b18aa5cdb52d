/** Phone-call fixtures: an organization whose agent talks to the fake vendors, and Twilio's side of a call. */
import type { Schemas } from '../../generated/client';
import { sendVoiceWebhook, streamUrlOnServer, TwilioStream, type WebhookAnswer } from '../../scripts/lib/twilio-caller';
import { startAllFakes, type RunningFakes } from '../fakes/serve';
import { agentBody, createAgentFor, createGlobal } from './dashboard';
import { activeOrg, createApiKey, setUpPlatform, type TestOrg } from './factories';
import { startTestServer, type TestServer } from './server';

export const PUBLIC_URL = 'https://voicex.test';
export const TWILIO_TOKEN = 'twilio-platform-auth-token-0123';

export interface PhoneWorld {
  server: TestServer;
  fakes: RunningFakes;
  /** Global providers pointing at the fakes. */
  providers: { llm: Schemas['Provider']; tts: Schemas['Provider']; edge: Schemas['Provider']; stt: Schemas['Provider'] };
  stop(): Promise<void>;
}

/** A test server whose platform providers (LLM, TTS, STT) are the fake vendors on loopback. */
export async function startPhoneWorld(env: Record<string, string> = {}): Promise<PhoneWorld> {
  const fakes = await startAllFakes();
  const server = await startTestServer({ PUBLIC_URL, TWILIO_AUTH_TOKEN: TWILIO_TOKEN, CALL_HEARTBEAT_MS: '200', ...env });
  const admin = await setUpPlatform(server);
  const key = { apiKey: 'vendor-key' };
  const providers = {
    llm: await createGlobal(admin, {
      category: 'llm',
      providerKey: 'ollama',
      name: 'Ollama',
      models: [{ modelId: 'llama3.2:3b', label: 'Llama 3.2 3B' }],
      settings: { baseUrl: fakes.urls.llm },
    }),
    tts: await createGlobal(admin, {
      category: 'tts',
      providerKey: 'elevenlabs',
      name: 'ElevenLabs',
      credentials: key,
      models: [{ modelId: '21m00Tcm4TlvDq8ikWAM', label: 'Rachel' }],
      settings: { baseUrl: fakes.urls.elevenlabs },
    }),
    edge: await createGlobal(admin, {
      category: 'tts',
      providerKey: 'edge',
      name: 'Edge',
      models: [{ modelId: 'en-US-AriaNeural', label: 'Aria' }],
      settings: { baseUrl: fakes.urls.edge },
    }),
    stt: await createGlobal(admin, {
      category: 'stt',
      providerKey: 'deepgram',
      name: 'Deepgram',
      credentials: key,
      models: [{ modelId: 'nova-2', label: 'Nova 2' }],
      settings: { baseUrl: fakes.urls.deepgram },
    }),
  };
  return {
    server,
    fakes,
    providers,
    stop: async () => {
      await server.stop();
      await fakes.close();
    },
  };
}

export interface PhoneOrg extends TestOrg {
  apiKey: string;
  agent: Schemas['Agent'];
}

/** An active organization with an API key and one agent on the fakes (ElevenLabs voice unless `edge`). */
export async function phoneOrg(
  world: PhoneWorld,
  options: { plan?: string; voice?: 'elevenlabs' | 'edge'; agent?: Partial<Schemas['AgentCreate']> } = {},
): Promise<PhoneOrg> {
  const org = await activeOrg(world.server, options.plan ?? 'pro');
  const apiKey = await createApiKey(org);
  const edge = options.voice === 'edge';
  const agent = await createAgentFor(
    org,
    agentBody(
      { ollama: world.providers.llm, edge: world.providers.edge, deepgram: world.providers.stt } as never,
      {
        ...(edge ? {} : { ttsProviderId: world.providers.tts._id, ttsModelId: '21m00Tcm4TlvDq8ikWAM' }),
        persona: {
          systemPrompt: 'You are the host of Luigi’s restaurant.',
          greeting: 'Hello, Luigi’s here.',
          guardrails: 'Never discuss politics.',
        },
        thresholds: { endpointingMs: 200, silenceTimeoutMs: 700, interruptionSensitivity: 'medium' },
        ...options.agent,
      },
    ),
  );
  return { ...org, apiKey, agent };
}

/** Twilio's voice webhook, signed with the platform token unless told otherwise. */
export function ring(
  world: PhoneWorld,
  org: { apiKey: string },
  options: Partial<Parameters<typeof sendVoiceWebhook>[0]> = {},
): Promise<WebhookAnswer> {
  return sendVoiceWebhook({
    serverUrl: world.server.url,
    publicUrl: PUBLIC_URL,
    apiKey: org.apiKey,
    authToken: TWILIO_TOKEN,
    ...options,
  });
}

/** Opens the media stream the TwiML names, on the test server's real address. */
export function connect(world: PhoneWorld, answer: WebhookAnswer, parameters = answer.parameters): Promise<TwilioStream> {
  if (!answer.streamUrl) throw new Error(`call was refused: ${answer.say ?? answer.body}`);
  return TwilioStream.open(streamUrlOnServer(answer.streamUrl, PUBLIC_URL, world.server.url), { callSid: answer.callSid, customParameters: parameters });
}

/** Waits until the server has written the call's end: not active any more and, unless told, summarized. */
export async function waitForCallEnd(
  world: PhoneWorld,
  orgId: string,
  callId: string,
  { summarized = true, timeoutMs = 15_000 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await world.server.app.svc.db
      .selectFrom('calls')
      .select(['status', 'summary'])
      .where('org_id', '=', orgId)
      .where('id', '=', callId)
      .executeTakeFirst();
    if (row && row.status !== 'active' && (!summarized || row.summary !== null)) return;
    if (Date.now() > deadline) throw new Error(`call ${callId} did not end`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The call's row as stored, whatever the API shows of it. */
export const callRow = (world: PhoneWorld, id: string) =>
  world.server.app.svc.db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** Books the free plan's 60 monthly minutes as used today. */
export async function useUpMonthlyMinutes(world: PhoneWorld, orgId: string): Promise<void> {
  const day = new Date().toISOString().slice(0, 10);
  await world.server.app.svc.db
    .insertInto('daily_usage')
    .values({ org_id: orgId, day, calls: 30, minutes: 60, tokens: 0, tts_chars: 0, stt_seconds: 0 })
    .execute();
}
