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

export const mediaMessage = (streamSid: string, frame: Buffer) =>
  JSON.stringify({ event: 'media', streamSid, media: { payload: frame.toString('base64') } });

export const markMessage = (streamSid: string, name: string) => JSON.stringify({ event: 'mark', streamSid, mark: { name } });

export const clearMessage = (streamSid: string) => JSON.stringify({ event: 'clear', streamSid });

/** Where Twilio opens media streams on our server. */
export const TWILIO_STREAM_PATH = '/api/twilio/stream';
