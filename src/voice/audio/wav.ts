/** RIFF/WAVE files for PCM16 and G.711 mu-law: recordings, fixtures and debugging. */

export type WavEncoding = 'pcm16' | 'mulaw';

export interface WavAudio {
  encoding: WavEncoding;
  sampleRate: number;
  channels: number;
  /** Raw sample bytes as stored (PCM16 little-endian, or one mu-law code per sample). */
  data: Buffer;
}

const FORMAT_PCM = 1;
const FORMAT_MULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;

export function encodeWav(audio: WavAudio): Buffer {
  const { encoding, sampleRate, channels, data } = audio;
  const bitsPerSample = encoding === 'pcm16' ? 16 : 8;
  const blockAlign = (channels * bitsPerSample) / 8;
  const isPcm = encoding === 'pcm16';
  // Non-PCM formats carry cbSize in fmt and need a fact chunk (sample count), per the RIFF spec.
  const fmtSize = isPcm ? 16 : 18;
  const factSize = isPcm ? 0 : 12;
  const paddedData = data.length % 2 === 1 ? 1 : 0;
  const total = 12 + 8 + fmtSize + factSize + 8 + data.length + paddedData;
  const out = Buffer.alloc(total);
  let at = 0;
  at += out.write('RIFF', at, 'ascii');
  at = out.writeUInt32LE(total - 8, at);
  at += out.write('WAVE', at, 'ascii');
  at += out.write('fmt ', at, 'ascii');
  at = out.writeUInt32LE(fmtSize, at);
  at = out.writeUInt16LE(isPcm ? FORMAT_PCM : FORMAT_MULAW, at);
  at = out.writeUInt16LE(channels, at);
  at = out.writeUInt32LE(sampleRate, at);
  at = out.writeUInt32LE(sampleRate * blockAlign, at);
  at = out.writeUInt16LE(blockAlign, at);
  at = out.writeUInt16LE(bitsPerSample, at);
  if (!isPcm) {
    at = out.writeUInt16LE(0, at);
    at += out.write('fact', at, 'ascii');
    at = out.writeUInt32LE(4, at);
    at = out.writeUInt32LE(Math.floor(data.length / blockAlign), at);
  }
  at += out.write('data', at, 'ascii');
  at = out.writeUInt32LE(data.length, at);
  data.copy(out, at);
  return out;
}

export function decodeWav(file: Uint8Array): WavAudio {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('Not a RIFF/WAVE file');
  }
  let format: { code: number; channels: number; sampleRate: number; bitsPerSample: number } | null = null;
  let data: Buffer | null = null;
  let at = 12;
  while (at + 8 <= buf.length) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    const body = at + 8;
    // Streamed WAVs may declare a data size larger than what was written: take what is there.
    const end = Math.min(body + size, buf.length);
    if (id === 'fmt ') {
      let code = buf.readUInt16LE(body);
      if (code === FORMAT_EXTENSIBLE && size >= 26) code = buf.readUInt16LE(body + 24);
      format = {
        code,
        channels: buf.readUInt16LE(body + 2),
        sampleRate: buf.readUInt32LE(body + 4),
        bitsPerSample: buf.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      data = Buffer.from(buf.subarray(body, end));
    }
    at = body + size + (size % 2);
  }
  if (!format) throw new Error('WAVE file has no fmt chunk');
  if (!data) throw new Error('WAVE file has no data chunk');
  let encoding: WavEncoding;
  if (format.code === FORMAT_PCM && format.bitsPerSample === 16) encoding = 'pcm16';
  else if (format.code === FORMAT_MULAW && format.bitsPerSample === 8) encoding = 'mulaw';
  else throw new Error(`Unsupported WAVE format ${format.code} with ${format.bitsPerSample} bits`);
  return { encoding, sampleRate: format.sampleRate, channels: format.channels, data };
}
