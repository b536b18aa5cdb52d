import type { Logger } from 'pino';
import type { LanguageModel, SpeechToText, TextToSpeech } from '../providers/types';
import type { ConversationTuning } from './conversation/timing';

/** The agent settings the pipeline honours, with every default already applied. */
export interface VoiceAgentSettings {
  persona: {
    systemPrompt: string;
    greeting: string;
    personality: string;
    language: string;
    guardrails: string;
  };
  llmConfig: { temperature: number; maxTokens: number };
  ttsConfig: { speed: number };
  thresholds: {
    silenceTimeoutMs: number;
    /** Already the smaller of the agent's and the plan's limit. */
    maxCallDurationSec: number;
    interruptionSensitivity: 'low' | 'medium' | 'high';
    endpointingMs: number;
  };
}

/** Where the agent's voice goes: a Twilio media stream or a browser socket. */
export interface CallerLink {
  /** Exactly one 20 ms frame: 160 bytes of 8 kHz mu-law. */
  sendAudio(frame: Buffer): void;
  sendMark(name: string): void;
  /** Drops the audio the caller has buffered but not heard yet (barge-in). */
  clearAudio(): void;
}

export type EndReason =
  | 'caller_hangup'
  | 'agent_hangup'
  | 'silence_timeout'
  | 'max_duration'
  | 'provider_error'
  | 'server_shutdown'
  | 'never_connected'
  | 'error';

export interface TranscriptEntry {
  role: 'user' | 'assistant';
  text: string;
  /** ISO 8601 time the utterance started. */
  at: string;
  /** The caller cut the agent off; `text` keeps only what was heard. */
  interrupted?: boolean;
}

export interface TurnLatency {
  turn: number;
  /** Caller stopped speaking -> final transcript. */
  sttMs: number | null;
  /** Request sent -> first LLM token. */
  llmFirstTokenMs: number | null;
  /** First sentence sent to TTS -> its first audio byte. */
  ttsFirstByteMs: number | null;
  /** Caller stopped speaking -> first agent audio frame sent. */
  totalMs: number | null;
}

export interface ConversationResult {
  transcript: TranscriptEntry[];
  metrics: {
    ttfbMs: number | null;
    avgLatencyMs: number | null;
    totalTokens: number;
    ttsChars: number;
    interruptions: number;
    turnCount: number;
  };
  turns: TurnLatency[];
  usage: { llmTokens: number; ttsChars: number; sttSeconds: number };
  endReason: EndReason;
}

/** What a transport that shows the conversation (the browser socket) hears of it as it happens. */
export interface ConversationEvents {
  /** Caller words as recognised so far (`final: false`), then each committed caller or agent line (`final: true`). */
  onTranscript?(line: { role: 'user' | 'assistant'; text: string; final: boolean }): void;
  /** The agent's audio started (true) or its reply ended, finished or cut off (false). */
  onAgentSpeaking?(speaking: boolean): void;
}

export interface ConversationDeps {
  settings: VoiceAgentSettings;
  llm: LanguageModel;
  stt: SpeechToText;
  tts: TextToSpeech;
  link: CallerLink;
  /** The conversation decided to end the call (silence, max duration, unrecoverable error). */
  onHangUp(reason: EndReason): void;
  /** Engine constants (idle floor, stall timeouts, ...); production leaves them at their defaults. */
  tuning?: Partial<ConversationTuning>;
  /** Receives provider failures and other call events worth a line (never credentials or audio). */
  logger?: Logger;
  events?: ConversationEvents;
}
