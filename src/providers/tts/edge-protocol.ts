/**
 * The Edge "read aloud" speech protocol as Microsoft Edge (and the open-source edge-tts client) speaks it: text
 * messages are `Header:value` lines, a blank line, then a body; binary messages start with a 2-byte big-endian
 * header length, then the header lines, then audio. The service only serves MP3 (and low-quality WebM) to this
 * client, so we ask for the same 24 kHz MP3 Edge uses.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export const EDGE_TRUSTED_CLIENT_TOKEN = '6A5AA1D4EAFF4E9FB37E23D68491D6F4';
export const EDGE_CHROMIUM_FULL_VERSION = '143.0.3650.75';
export const EDGE_SEC_MS_GEC_VERSION = `1-${EDGE_CHROMIUM_FULL_VERSION}`;
export const EDGE_OUTPUT_FORMAT = 'audio-24khz-48kbitrate-mono-mp3';
export const EDGE_SPEECH_PATH = '/consumer/speech/synthesize/readaloud/edge/v1';

/** Seconds between 1601-01-01 (Windows file time epoch) and 1970-01-01. */
const WINDOWS_EPOCH_OFFSET_SECONDS = 11_644_473_600n;

/**
 * The Sec-MS-GEC token: SHA-256 of the current Windows file time, rounded down to 5 minutes, followed by the
 * trusted client token, in upper-case hex.
 */
export function edgeSecMsGec(nowMs: number = Date.now()): string {
  let seconds = BigInt(Math.floor(nowMs / 1000)) + WINDOWS_EPOCH_OFFSET_SECONDS;
  seconds -= seconds % 300n;
  const ticks = seconds * 10_000_000n;
  return createHash('sha256').update(`${ticks}${EDGE_TRUSTED_CLIENT_TOKEN}`, 'ascii').digest('hex').toUpperCase();
}

export function edgeConnectionId(): string {
  return randomUUID().replace(/-/g, '');
}

export function edgeSocketUrl(base: string, nowMs: number = Date.now()): string {
  const params = new URLSearchParams({
    TrustedClientToken: EDGE_TRUSTED_CLIENT_TOKEN,
    'Sec-MS-GEC': edgeSecMsGec(nowMs),
    'Sec-MS-GEC-Version': EDGE_SEC_MS_GEC_VERSION,
    ConnectionId: edgeConnectionId(),
  });
  return `${base}${EDGE_SPEECH_PATH}?${params.toString()}`;
}

export function edgeHandshakeHeaders(): Record<string, string> {
  const major = EDGE_CHROMIUM_FULL_VERSION.split('.')[0];
  return {
    pragma: 'no-cache',
    'cache-control': 'no-cache',
    origin: 'chrome-extension://jdiccldimpdaibmpdkjnbmckianbfold',
    'user-agent': `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36 Edg/${major}.0.0.0`,
    'accept-encoding': 'gzip, deflate, br, zstd',
    'accept-language': 'en-US,en;q=0.9',
    cookie: `muid=${randomBytes(16).toString('hex').toUpperCase()};`,
  };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** JavaScript's Date#toString shape in UTC, which is what Edge puts in X-Timestamp. */
export function edgeTimestamp(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${DAYS[now.getUTCDay()]} ${MONTHS[now.getUTCMonth()]} ${pad(now.getUTCDate())} ${now.getUTCFullYear()} ` +
    `${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())} GMT+0000 (Coordinated Universal Time)`
  );
}

export function speechConfigMessage(now: Date = new Date()): string {
  const config = {
    context: {
      synthesis: {
        audio: {
          metadataoptions: { sentenceBoundaryEnabled: 'false', wordBoundaryEnabled: 'false' },
          outputFormat: EDGE_OUTPUT_FORMAT,
        },
      },
    },
  };
  return (
    `X-Timestamp:${edgeTimestamp(now)}\r\n` +
    'Content-Type:application/json; charset=utf-8\r\n' +
    'Path:speech.config\r\n\r\n' +
    `${JSON.stringify(config)}\r\n`
  );
}

export function ssmlMessage(requestId: string, ssml: string, now: Date = new Date()): string {
  // The trailing Z after a non-ISO date is what Edge itself sends.
  return (
    `X-RequestId:${requestId}\r\n` +
    'Content-Type:application/ssml+xml\r\n' +
    `X-Timestamp:${edgeTimestamp(now)}Z\r\n` +
    'Path:ssml\r\n\r\n' +
    ssml
  );
}

/** `en-US-AriaNeural` -> the long name the service expects; long names pass through. */
export function edgeVoiceName(voice: string): string {
  const match = /^([a-z]{2,3})-([A-Z]{2})-(.+Neural)$/.exec(voice);
  if (!match) return voice;
  let [, language, region, name] = match as unknown as [string, string, string, string];
  const dash = name.indexOf('-');
  if (dash !== -1) {
    region = `${region}-${name.slice(0, dash)}`;
    name = name.slice(dash + 1);
  }
  return `Microsoft Server Speech Text to Speech Voice (${language}-${region}, ${name})`;
}

/** Speed 1.0 -> "+0%", 1.25 -> "+25%", 0.8 -> "-20%"; clamped to what sounds sane on a phone line. */
export function edgeRate(speed: number): string {
  const percent = Math.round((Math.min(2, Math.max(0.5, speed)) - 1) * 100);
  return `${percent >= 0 ? '+' : ''}${percent}%`;
}

/** Control characters the service rejects (vertical tab and friends) become spaces. */
export function cleanText(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, ' ');
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function buildSsml(escapedText: string, voice: string, rate: string): string {
  return (
    "<speak version='1.0' xmlns='http://www.w3.org/2001/10/synthesis' xml:lang='en-US'>" +
    `<voice name='${escapeXml(edgeVoiceName(voice))}'>` +
    `<prosody pitch='+0Hz' rate='${rate}' volume='+0%'>${escapedText}</prosody>` +
    '</voice></speak>'
  );
}

/**
 * Splits escaped text into pieces of at most `maxBytes` UTF-8 bytes, at a space where possible, never inside an
 * XML entity or a multi-byte character. One request per piece keeps each SSML message under the socket's limit.
 */
export function splitEscapedText(escaped: string, maxBytes: number): string[] {
  const pieces: string[] = [];
  let rest = escaped.trim();
  while (Buffer.byteLength(rest, 'utf8') > maxBytes) {
    // Longest prefix (in whole characters) that fits.
    let fit = 0;
    let bytes = 0;
    for (const ch of rest) {
      const size = Buffer.byteLength(ch, 'utf8');
      if (bytes + size > maxBytes) break;
      bytes += size;
      fit += ch.length;
    }
    let cut = rest.lastIndexOf(' ', fit);
    if (cut <= 0) cut = fit;
    const amp = rest.lastIndexOf('&', cut - 1);
    if (amp !== -1 && rest.indexOf(';', amp) >= cut) cut = amp > 0 ? amp : cut;
    const piece = rest.slice(0, cut).trim();
    if (piece) pieces.push(piece);
    rest = rest.slice(cut).trim();
  }
  if (rest) pieces.push(rest);
  return pieces;
}

export interface EdgeMessage {
  headers: Record<string, string>;
  body: Buffer;
}

function parseHeaderLines(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return headers;
}

export function parseTextMessage(text: string): EdgeMessage {
  const split = text.indexOf('\r\n\r\n');
  const head = split === -1 ? text : text.slice(0, split);
  const body = split === -1 ? '' : text.slice(split + 4);
  return { headers: parseHeaderLines(head), body: Buffer.from(body, 'utf8') };
}

/** Returns null when the frame is too short for its declared header. */
export function parseBinaryMessage(data: Buffer): EdgeMessage | null {
  if (data.length < 2) return null;
  const headerLength = data.readUInt16BE(0);
  if (data.length < 2 + headerLength) return null;
  return {
    headers: parseHeaderLines(data.subarray(2, 2 + headerLength).toString('utf8')),
    body: data.subarray(2 + headerLength),
  };
}
