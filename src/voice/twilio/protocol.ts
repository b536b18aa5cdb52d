/**
 * Twilio Media Streams messages (bidirectional <Connect><Stream>). Inbound: connected, start, media, mark, dtmf,
 * stop, as JSON text frames. Outbound: media (base64 mu-law 8 kHz), mark, clear, each with our streamSid.
 */
export interface StartMessage {
  event: 'start';
  streamSid: string;
  start: {
    streamSid: string;
    accountSid: string;
    callSid: string;
    tracks: string[];
    customParameters: Record<string, string>;
    mediaFormat: { encoding: string; sampleRate: number; channels: number };
  };
}

export type InboundMessage =
  | { event: 'connected'; protocol?: string; version?: string }
  | StartMessage
  | { event: 'media'; streamSid: string; media: { track?: string; chunk?: string; timestamp?: string; payload: string } }
  | { event: 'mark'; streamSid: string; mark: { name: string } }
  | { event: 'dtmf'; streamSid: string; dtmf: { track?: string; digit: string } }
  | { event: 'stop'; streamSid: string; stop?: { accountSid?: string; callSid?: string } };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isString = (value: unknown): value is string => typeof value === 'string';

const MEDIA_START = '{"event":"media"';
const MEDIA_KEY = '"media":{';
const PAYLOAD_KEY = '"payload":"';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The audio of a `media` message as Twilio writes it (`event` first, a plain base64 payload), found without
 * parsing the JSON: 50 of these arrive per second per call. Null for anything else, which `parseInbound` handles.
 */
export function mediaPayloadOf(text: string): string | null {
  if (!text.startsWith(MEDIA_START) || text.charCodeAt(text.length - 1) !== 0x7d) return null;
  const media = text.indexOf(MEDIA_KEY, MEDIA_START.length);
  const key = media < 0 ? -1 : text.indexOf(PAYLOAD_KEY, media + MEDIA_KEY.length);
  if (key < 0 || text.indexOf(PAYLOAD_KEY, key + PAYLOAD_KEY.length) >= 0) return null;
  const start = key + PAYLOAD_KEY.length;
  const end = text.indexOf('"', start);
  if (end < 0) return null;
  const payload = text.slice(start, end);
  return BASE64.test(payload) ? payload : null;
}

/** Parses one text frame; anything that is not a well-formed Twilio message yields null. */
export function parseInbound(text: string): InboundMessage | null {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(message) || !isString(message.event)) return null;
  switch (message.event) {
    case 'connected':
      return message as InboundMessage;
    case 'start': {
      const start = message.start;
      if (!isObject(start) || !isString(start.callSid) || !isString(start.streamSid)) return null;
      const params = isObject(start.customParameters) ? start.customParameters : {};
      const customParameters = Object.fromEntries(Object.entries(params).filter(([, v]) => isString(v))) as Record<string, string>;
      return { ...(message as unknown as StartMessage), streamSid: start.streamSid, start: { ...(start as StartMessage['start']), customParameters } };
    }
    case 'media':
      return isObject(message.media) && isString(message.media.payload) ? (message as InboundMessage) : null;
    case 'mark':
      return isObject(message.mark) && isString(message.mark.name) ? (message as InboundMessage) : null;
    case 'dtmf':
      return isObject(message.dtmf) && isString(message.dtmf.digit) ? (message as InboundMessage) : null;
    case 'stop':
      return message as InboundMessage;
    default:
      return null;
  }
}

/** An outbound media message up to its payload; a link builds it once, not for each of its 50 frames a second. */
export const mediaMessagePrefix = (streamSid: string) => `{"event":"media","streamSid":${JSON.stringify(streamSid)},"media":{"payload":"`;

/** The same text as JSON.stringify of the message, built by concatenation (base64 needs no escaping). */
export const mediaMessageAfter = (prefix: string, frame: Buffer) => `${prefix}${frame.toString('base64')}"}}`;

export const mediaMessage = (streamSid: string, frame: Buffer) => mediaMessageAfter(mediaMessagePrefix(streamSid), frame);

export const markMessage = (streamSid: string, name: string) => JSON.stringify({ event: 'mark', streamSid, mark: { name } });

export const clearMessage = (streamSid: string) => JSON.stringify({ event: 'clear', streamSid });

/** Where Twilio opens media streams on our server. */
export const TWILIO_STREAM_PATH = '/api/twilio/stream';
