/**
 * G.711 mu-law, the telephone codec Twilio Media Streams carry: 8-bit codes, 14-bit dynamic range.
 * Both directions go through lookup tables built once at load; per-sample work is one array read.
 */

const BIAS = 0x84;
const CLIP = 32635;

/** The byte a silent mu-law line carries (positive zero). */
export const MULAW_SILENCE = 0xff;

function encodeSampleSlow(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = sign ? -sample : sample;
  if (magnitude > CLIP) magnitude = CLIP;
  magnitude += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

function decodeCodeSlow(code: number): number {
  const inverted = ~code & 0xff;
  const exponent = (inverted >> 4) & 0x07;
  const mantissa = inverted & 0x0f;
  const magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
  return inverted & 0x80 ? -magnitude : magnitude;
}

const DECODE_TABLE: Int16Array = Int16Array.from({ length: 256 }, (_, code) => decodeCodeSlow(code));

/** Indexed by the 16-bit sample + 32768: exact for every input, 64 KiB once. */
const ENCODE_TABLE: Uint8Array = Uint8Array.from({ length: 65536 }, (_, index) => encodeSampleSlow(index - 32768));

export function decodeMulawSample(code: number): number {
  return DECODE_TABLE[code & 0xff]!;
}

export function encodeMulawSample(sample: number): number {
  const clamped = sample > 32767 ? 32767 : sample < -32768 ? -32768 : Math.round(sample);
  return ENCODE_TABLE[clamped + 32768]!;
}

export function mulawToPcm16(mulaw: Uint8Array): Int16Array {
  const out = new Int16Array(mulaw.length);
  for (let i = 0; i < mulaw.length; i++) out[i] = DECODE_TABLE[mulaw[i]!]!;
  return out;
}

export function pcm16ToMulaw(pcm: Int16Array): Buffer {
  const out = Buffer.allocUnsafe(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = ENCODE_TABLE[pcm[i]! + 32768]!;
  return out;
}
