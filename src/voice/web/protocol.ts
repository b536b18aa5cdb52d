/**
 * The browser voice socket (`wsUrl` of POST /api/voice/sessions). Binary frames carry audio both ways in the
 * format the client chose in `start`; text frames carry JSON control messages. The README documents it for
 * client authors, since OpenAPI cannot describe a WebSocket.
 */
import type { EndReason } from '../types';

export const WEB_VOICE_PATH = '/api/voice/ws';

/** `pcm16`: signed 16-bit little-endian mono at 16 kHz (the default). `mulaw`: G.711 mu-law mono at 8 kHz. */
export type WebAudioFormat = 'pcm16' | 'mulaw';

export const SAMPLE_RATES: Record<WebAudioFormat, number> = { pcm16: 16_000, mulaw: 8000 };

export type ClientMessage = { type: 'start'; format: WebAudioFormat } | { type: 'stop' } | { type: 'ping'; id?: string | number };

export type ServerMessage =
  | { type: 'ready'; callId: string; format: WebAudioFormat; sampleRate: number }
  | { type: 'transcript'; role: 'user' | 'assistant'; text: string; final: boolean }
  | { type: 'agentSpeaking'; speaking: boolean }
  | { type: 'interrupted' }
  | { type: 'callEnded'; reason: EndReason }
  | { type: 'error'; message: string }
  | { type: 'pong'; id?: string | number };

export const CLOSE_CODES = {
  normal: 1000,
  serverError: 1011,
  noStart: 4000,
  badToken: 4001,
  refused: 4003,
  maxDuration: 4008,
} as const;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Parses one text frame; anything malformed yields an explanation for an `error` message instead. */
export function parseClientMessage(text: string): ClientMessage | { invalid: string } {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { invalid: 'text frames must be JSON' };
  }
  if (!isObject(message)) return { invalid: 'a message is a JSON object with a "type"' };
  switch (message.type) {
    case 'start': {
      const format = message.format ?? 'pcm16';
      if (format !== 'pcm16' && format !== 'mulaw') return { invalid: 'start.format is "pcm16" or "mulaw"' };
      return { type: 'start', format };
    }
    case 'stop':
      return { type: 'stop' };
    case 'ping': {
      const id = message.id;
      return typeof id === 'string' || typeof id === 'number' ? { type: 'ping', id } : { type: 'ping' };
    }
    default:
      return { invalid: `unknown message type ${JSON.stringify(message.type)}` };
  }
}
