/**
 * End-to-end rig for the conversation engine: the real provider adapters talk to the fake vendor servers over
 * loopback; only the transport is simulated (a caller that streams audio at real time, and a link that records
 * what the agent sends and echoes marks the way Twilio does).
 */
import { createLanguageModel, createSpeechToText, createTextToSpeech } from '../../src/providers';
import { mulawSilence, mulawTone } from '../../src/voice/audio';
import { Conversation } from '../../src/voice/conversation';
import type { ConversationTuning } from '../../src/voice/conversation';
import type { CallerLink, ConversationDeps, EndReason, VoiceAgentSettings } from '../../src/voice/types';
import { FakeDeepgramLive } from '../fakes/deepgram-live';
import { FakeElevenLabs } from '../fakes/elevenlabs';
import { FakeOpenAiChat, splitIntoTokens } from '../fakes/openai-chat';
import type { RecordedChatRequest } from '../fakes/openai-chat';

export type LinkEvent =
  | { type: 'audio'; frame: Buffer; at: number }
  | { type: 'mark'; name: string; at: number }
  | { type: 'clear'; at: number };

/**
 * Records everything sent to the caller and plays it back on a simulated clock: each frame plays for 20 ms after
 * the previous one (or on arrival when the buffer ran dry); a mark is echoed when the audio before it has played;
 * `clear` empties the buffer and echoes the marks still pending at once, as Twilio does.
 */
export class RecordingLink implements CallerLink {
  readonly events: LinkEvent[] = [];
  /** Marks echoed back so far (played, or dropped by a clear). */
  echoed = 0;
  private playhead = 0;
  private readonly pendingMarks = new Map<string, ReturnType<typeof setTimeout>>();
  onMarkPlayed: (name: string) => void = () => undefined;

  sendAudio(frame: Buffer): void {
    const now = performance.now();
    this.events.push({ type: 'audio', frame: Buffer.from(frame), at: now });
    this.playhead = Math.max(this.playhead, now) + 20;
  }

  sendMark(name: string): void {
    const now = performance.now();
    this.events.push({ type: 'mark', name, at: now });
    const timer = setTimeout(() => this.echo(name), Math.max(0, this.playhead - now));
    this.pendingMarks.set(name, timer);
  }

  clearAudio(): void {
    this.events.push({ type: 'clear', at: performance.now() });
    this.playhead = 0;
    for (const [name, timer] of this.pendingMarks) {
      clearTimeout(timer);
      this.echo(name);
    }
  }

  get frames(): Buffer[] {
    return this.events.flatMap((e) => (e.type === 'audio' ? [e.frame] : []));
  }

  get audio(): Buffer {
    return Buffer.concat(this.frames);
  }

  count(type: LinkEvent['type']): number {
    return this.events.filter((e) => e.type === type).length;
  }

  stop(): void {
    for (const timer of this.pendingMarks.values()) clearTimeout(timer);
    this.pendingMarks.clear();
  }

  get lastEventAt(): number {
    return this.events[this.events.length - 1]?.at ?? 0;
  }

  private echo(name: string): void {
    this.echoed++;
    this.pendingMarks.delete(name);
    this.onMarkPlayed(name);
  }
}

/** A phone caller: 20 ms of audio every 20 ms, line silence unless told to speak (a tone burst). */
export class SimulatedCaller {
  private readonly queue: Buffer[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private startedAt = 0;
  private sent = 0;
  private readonly silence = mulawSilence(20);

  constructor(private readonly sink: (frame: Buffer) => void) {}

  start(): void {
    this.startedAt = performance.now();
    this.tick();
  }

  /** Queues `ms` of speech-like tone after what is already queued. */
  speak(ms: number): void {
    const tone = mulawTone(300, ms, 8000);
    for (let at = 0; at < tone.length; at += 160) this.queue.push(tone.subarray(at, at + 160));
  }

  get speaking(): boolean {
    return this.queue.length > 0;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private tick = (): void => {
    // Real time, drift-corrected, like a phone line.
    const due = Math.floor((performance.now() - this.startedAt) / 20) + 1;
    while (this.sent < due) {
      this.sink(this.queue.shift() ?? this.silence);
      this.sent++;
    }
    this.timer = setTimeout(this.tick, this.startedAt + this.sent * 20 - performance.now());
  };
}

export const API_KEY = 'test-key-123';

export function agentSettings(overrides: {
  persona?: Partial<VoiceAgentSettings['persona']>;
  thresholds?: Partial<VoiceAgentSettings['thresholds']>;
  llmConfig?: Partial<VoiceAgentSettings['llmConfig']>;
  ttsConfig?: Partial<VoiceAgentSettings['ttsConfig']>;
} = {}): VoiceAgentSettings {
  return {
    persona: {
      systemPrompt: 'You are the host of Luigi’s restaurant.',
      greeting: 'Hello, Luigi’s here.',
      personality: 'warm and brief',
      language: 'en-US',
      guardrails: 'Never discuss politics.',
      ...overrides.persona,
    },
    llmConfig: { temperature: 0.3, maxTokens: 150, ...overrides.llmConfig },
    ttsConfig: { speed: 1, ...overrides.ttsConfig },
    thresholds: {
      silenceTimeoutMs: 10_000,
      maxCallDurationSec: 120,
      interruptionSensitivity: 'medium',
      endpointingMs: 200,
      ...overrides.thresholds,
    },
  };
}

/** Fast engine constants for tests: no 8 s idle floor, short stalls. */
export const TEST_TUNING: Partial<ConversationTuning> = {
  minIdleMs: 0,
  idleMultiple: 1,
  llmStallMs: 3000,
  ttsStallMs: 3000,
  markGraceMs: 1000,
  hangUpGraceMs: 1000,
};

export class Vendors {
  readonly llm = new FakeOpenAiChat({ apiKey: API_KEY });
  readonly stt = new FakeDeepgramLive({ apiKey: API_KEY });
  /** 20 ms of audio per character keeps replies short in wall time. */
  readonly tts = new FakeElevenLabs({ apiKey: API_KEY, msPerChar: 20, chunkBytes: 800 });

  async start(): Promise<void> {
    await Promise.all([this.llm.start(), this.stt.start(), this.tts.start()]);
  }

  async close(): Promise<void> {
    await Promise.all([this.llm.close(), this.stt.close(), this.tts.close()]);
  }

  /** Back to defaults between tests. */
  reset(): void {
    this.llm.requests.length = 0;
    this.llm.configure({ fault: undefined, reply: undefined, pauseAfterTokens: undefined, interTokenDelayMs: 5, timeToFirstTokenMs: 0 });
    this.llm.resume();
    this.stt.connections.length = 0;
    (this.stt.pendingScript as string[]).length = 0;
    this.tts.requests.length = 0;
    this.tts.configure({ fault: undefined, pauseAfterChunks: undefined, firstByteDelayMs: 0, chunkDelayMs: 0, msPerChar: 20 });
    this.tts.resume();
  }

  deps(settings: VoiceAgentSettings, link: CallerLink, onHangUp: (reason: EndReason) => void, tuning = TEST_TUNING): ConversationDeps {
    const base = { credentials: { apiKey: API_KEY }, timeoutMs: 2000, allowPrivateNetwork: true };
    return {
      settings,
      link,
      onHangUp,
      tuning,
      llm: createLanguageModel({ ...base, providerKey: 'openai', modelId: 'gpt-4o-mini', settings: { baseUrl: this.llm.baseUrl } }),
      stt: createSpeechToText({ ...base, providerKey: 'deepgram', modelId: 'nova-2', settings: { baseUrl: this.stt.baseUrl } }),
      tts: createTextToSpeech({ ...base, providerKey: 'elevenlabs', modelId: 'voice-1', settings: { baseUrl: this.tts.baseUrl } }),
    };
  }

  /** What the fake LLM bills for one request answered with `reply`, computed the way it computes usage. */
  static billedTokens(request: RecordedChatRequest, reply: string): number {
    const messages = (request.body.messages as { role: string; content: string }[]) ?? [];
    const prompt = messages.reduce((n, m) => n + splitIntoTokens(m.content).length + 4, 0);
    return prompt + splitIntoTokens(reply).length;
  }

  /** Texts sent to TTS, in order. */
  get ttsTexts(): string[] {
    return this.tts.requests.map((r) => String(r.body.text));
  }
}

/** One call: a conversation wired to a recording link and a simulated caller. */
export class Call {
  readonly link = new RecordingLink();
  readonly hangUps: EndReason[] = [];
  readonly conversation: Conversation;
  readonly caller: SimulatedCaller;

  constructor(
    private readonly vendors: Vendors,
    settings: VoiceAgentSettings,
    tuning = TEST_TUNING,
  ) {
    this.conversation = new Conversation(vendors.deps(settings, this.link, (reason) => this.hangUps.push(reason), tuning));
    this.link.onMarkPlayed = (name) => this.conversation.markPlayed(name);
    this.caller = new SimulatedCaller((frame) => this.conversation.receiveAudio(frame));
  }

  async start(): Promise<void> {
    await this.conversation.start();
    this.caller.start();
  }

  /**
   * Waits until the agent is done talking: every mark echoed, no LLM stream open, and nothing at all happening
   * (no frame, mark, vendor request or response) for `quietMs`.
   */
  async settled(quietMs = 300, timeoutMs = 10_000): Promise<void> {
    const activity = (): string =>
      [
        this.link.events.length,
        this.link.echoed,
        ...this.vendors.llm.requests.map((r) => `${r.completed}${r.clientClosedEarly}`),
        ...this.vendors.tts.requests.map((r) => `${r.bytesSent}${r.completed}${r.clientClosedEarly}`),
      ].join();
    let last = activity();
    let lastChangeAt = performance.now();
    await until(
      () => {
        const now = activity();
        if (now !== last) {
          last = now;
          lastChangeAt = performance.now();
        }
        return (
          this.link.echoed === this.link.count('mark') &&
          this.vendors.llm.requests.every((r) => r.completed || r.clientClosedEarly) &&
          performance.now() - lastChangeAt >= quietMs
        );
      },
      timeoutMs,
      'agent settled',
    );
  }

  async end(reason: EndReason = 'caller_hangup') {
    this.caller.stop();
    const result = await this.conversation.end(reason);
    this.link.stop();
    return result;
  }
}

export async function until(condition: () => boolean, timeoutMs = 8000, what = 'condition'): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
