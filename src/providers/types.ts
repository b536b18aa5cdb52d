/**
 * The contracts between the voice pipeline and vendor adapters. One adapter file per vendor implements one of
 * these; the pipeline never sees a vendor's wire format.
 */

/** A provider row resolved for one session: credentials are decrypted only when a session starts. */
export interface ProviderConnection {
  /** Catalog key: openai, groq, ollama (llm); openai, elevenlabs, edge (tts); deepgram (stt). */
  providerKey: string;
  modelId: string;
  credentials: Record<string, string>;
  /** `settings.baseUrl` overrides the vendor origin (conventions in shared/design.md). */
  settings: Record<string, unknown>;
  /** Upper bound for connecting and for the first byte of an answer. */
  timeoutMs?: number;
  /**
   * Lets `settings.baseUrl` reach loopback and private addresses (self-hosted vendors, tests). Off by default: a
   * tenant's URL is checked against them before and while connecting.
   */
  allowPrivateNetwork?: boolean;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  temperature: number;
  maxTokens: number;
  responseFormat?: 'text' | 'json';
  signal?: AbortSignal;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export type ChatChunk = { type: 'text'; text: string } | { type: 'usage'; usage: TokenUsage };

export interface LanguageModel {
  /** Streams the completion as it is generated. Throws ProviderError. */
  stream(request: ChatRequest): AsyncIterable<ChatChunk>;
}

export interface TranscriptEvent {
  text: string;
  isFinal: boolean;
  speechFinal: boolean;
  /** Seconds from the start of the audio stream, as the vendor reports them. */
  start: number;
  duration: number;
}

export interface SpeechToTextListener {
  onTranscript(event: TranscriptEvent): void;
  onSpeechStarted(): void;
  onUtteranceEnd(): void;
  onError(error: Error): void;
  onClose(): void;
}

export interface LiveTranscriptionOptions {
  language: string;
  endpointingMs: number;
  utteranceEndMs: number;
  signal?: AbortSignal;
}

export interface LiveTranscription {
  /** 8 kHz mono mu-law, any chunk size. */
  sendAudio(mulaw: Buffer): void;
  /** Asks the vendor to flush and close; resolves once it has. */
  finish(): Promise<void>;
  /** Drops the connection at once. */
  close(): void;
  /** Seconds of audio sent so far (what the vendor bills). */
  readonly audioSeconds: number;
}

export interface SpeechToText {
  start(options: LiveTranscriptionOptions, listener: SpeechToTextListener): Promise<LiveTranscription>;
}

export interface SynthesisRequest {
  text: string;
  /** 1.0 is the voice's natural rate. */
  speed: number;
  language?: string;
  signal?: AbortSignal;
}

export interface TextToSpeech {
  /** Yields 8 kHz mono mu-law as it arrives; chunk sizes are arbitrary. Throws ProviderError. */
  synthesize(request: SynthesisRequest): AsyncIterable<Buffer>;
}
