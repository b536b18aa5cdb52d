/**
 * Runs every fake vendor out of process, for the call simulator and load benchmarks:
 *
 *   npx tsx test/fakes/serve.ts [--port-base 18000] [--api-key KEY]
 *                               [--llm-ttft-ms MS] [--tts-ttfb-ms MS] [--reply TEXT] [--stamp-frames [--time-turns]]
 *
 * Prints one JSON line with the base URLs to put into provider `settings.baseUrl`, then serves until SIGINT or
 * SIGTERM. With --port-base the ports are fixed (base .. base+4), else the system picks free ones. With --api-key
 * every fake requires that key (each in its vendor's header); without it any key is accepted.
 * Deepgram transcripts are scripted with `POST <deepgramControl> {"texts": ["..."]}`.
 * For benchmarks: fixed LLM time-to-first-token and TTS (ElevenLabs) time-to-first-byte, one reply text for every
 * conversation turn (a post-call summary request still gets summary JSON), and stamped TTS frames (frame-stamp.ts)
 * that with --time-turns also carry what the fakes spent on the caller turn they answer (turn-ledger.ts).
 */
import { parseArgs } from 'node:util';
import { FakeDeepgramLive } from './deepgram-live';
import { FakeEdgeTts } from './edge-tts';
import { FakeElevenLabs } from './elevenlabs';
import { FakeOpenAiChat, type ChatMessageLike } from './openai-chat';
import { FakeOpenAiSpeech } from './openai-speech';
import { TurnLedger } from './turn-ledger';

export interface FakeVendorUrls {
  /** OpenAI-compatible chat base (with /v1), usable for openai, groq and ollama. */
  llm: string;
  /** Deepgram base (ws://...). */
  deepgram: string;
  /** POST {"texts": [...]} here to script what callers say. */
  deepgramControl: string;
  elevenlabs: string;
  /** OpenAI speech base (with /v1). */
  openaiTts: string;
  /** Edge read-aloud base (ws://...). */
  edge: string;
}

export interface RunningFakes {
  urls: FakeVendorUrls;
  chat: FakeOpenAiChat;
  deepgram: FakeDeepgramLive;
  elevenlabs: FakeElevenLabs;
  openaiSpeech: FakeOpenAiSpeech;
  edge: FakeEdgeTts;
  close(): Promise<void>;
}

export async function startAllFakes(options: { portBase?: number; apiKey?: string } = {}): Promise<RunningFakes> {
  const port = (offset: number) => (options.portBase ? options.portBase + offset : 0);
  const apiKey = options.apiKey;
  const chat = new FakeOpenAiChat({ port: port(0), ...(apiKey ? { apiKey } : {}) });
  const deepgram = new FakeDeepgramLive({ port: port(1), ...(apiKey ? { apiKey } : {}) });
  const elevenlabs = new FakeElevenLabs({ port: port(2), ...(apiKey ? { apiKey } : {}) });
  const openaiSpeech = new FakeOpenAiSpeech({ port: port(3), ...(apiKey ? { apiKey } : {}) });
  const edge = new FakeEdgeTts({ port: port(4) });
  await Promise.all([chat.start(), deepgram.start(), elevenlabs.start(), openaiSpeech.start(), edge.start()]);
  return {
    urls: {
      llm: chat.baseUrl,
      deepgram: deepgram.baseUrl,
      deepgramControl: deepgram.controlUrl,
      elevenlabs: elevenlabs.baseUrl,
      openaiTts: openaiSpeech.baseUrl,
      edge: edge.baseUrl,
    },
    chat,
    deepgram,
    elevenlabs,
    openaiSpeech,
    edge,
    close: async () => {
      await Promise.all([chat.close(), deepgram.close(), elevenlabs.close(), openaiSpeech.close(), edge.close()]);
    },
  };
}

/** The same answer to every turn; the post-call summary request (its prompt says so) gets the JSON it expects. */
export function fixedReply(text: string): (messages: ChatMessageLike[]) => string {
  return (messages) =>
    messages[0]?.content.startsWith('You summarize') ? JSON.stringify({ summary: 'A benchmark call.', sentiment: 'neutral' }) : text;
}

function milliseconds(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!(Number.isFinite(ms) && ms >= 0)) throw new Error(`Invalid ${name} ${value}`);
  return ms;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'port-base': { type: 'string' },
      'api-key': { type: 'string' },
      'llm-ttft-ms': { type: 'string' },
      'tts-ttfb-ms': { type: 'string' },
      reply: { type: 'string' },
      'stamp-frames': { type: 'boolean' },
      'time-turns': { type: 'boolean' },
    },
  });
  const portBase = values['port-base'] ? Number(values['port-base']) : undefined;
  if (portBase !== undefined && !(Number.isInteger(portBase) && portBase > 0 && portBase < 65530)) {
    throw new Error(`Invalid --port-base ${values['port-base']}`);
  }
  const fakes = await startAllFakes({ ...(portBase ? { portBase } : {}), ...(values['api-key'] ? { apiKey: values['api-key'] } : {}) });
  const timeToFirstTokenMs = milliseconds('--llm-ttft-ms', values['llm-ttft-ms']);
  const firstByteDelayMs = milliseconds('--tts-ttfb-ms', values['tts-ttfb-ms']);
  if (timeToFirstTokenMs !== undefined) fakes.chat.configure({ timeToFirstTokenMs });
  if (values.reply) fakes.chat.configure({ reply: fixedReply(values.reply) });
  if (firstByteDelayMs !== undefined) fakes.elevenlabs.configure({ firstByteDelayMs });
  if (values['stamp-frames']) fakes.elevenlabs.configure({ stampFrames: true });
  if (values['time-turns']) {
    const turnLedger = new TurnLedger();
    fakes.deepgram.configure({ turnLedger });
    fakes.chat.configure({ turnLedger });
    fakes.elevenlabs.configure({ turnLedger });
  }
  process.stdout.write(`${JSON.stringify(fakes.urls)}\n`);
  const stop = () => {
    void fakes.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
