import { describe, expect, it } from 'vitest';
import {
  Pcm16ByteDecoder,
  decodeWav,
  encodeWav,
  generateTone,
  mulawSilence,
  mulawTone,
  pcm16FromBytes,
  pcm16ToBytes,
  zeroCrossingFrequency,
  mulawToPcm16,
} from '../../src/voice/audio';

describe('WAV', () => {
  it('writes a canonical 44-byte PCM16 header and reads it back', () => {
    const samples = generateTone({ frequencyHz: 440, durationMs: 100, sampleRate: 16000 });
    const file = encodeWav({ encoding: 'pcm16', sampleRate: 16000, channels: 1, data: pcm16ToBytes(samples) });
    expect(file.length).toBe(44 + samples.length * 2);
    expect(file.toString('ascii', 0, 4)).toBe('RIFF');
    expect(file.readUInt32LE(4)).toBe(file.length - 8);
    expect(file.readUInt16LE(20)).toBe(1);
    expect(file.readUInt32LE(28)).toBe(32000);
    const back = decodeWav(file);
    expect(back).toMatchObject({ encoding: 'pcm16', sampleRate: 16000, channels: 1 });
    expect(Array.from(pcm16FromBytes(back.data))).toEqual(Array.from(samples));
  });

  it('writes mu-law with format 7 and a fact chunk, and reads it back', () => {
    const data = mulawTone(440, 50);
    const file = encodeWav({ encoding: 'mulaw', sampleRate: 8000, channels: 1, data });
    expect(file.readUInt16LE(20)).toBe(7);
    expect(file.indexOf('fact')).toBeGreaterThan(0);
    const back = decodeWav(file);
    expect(back.encoding).toBe('mulaw');
    expect(back.data.equals(data)).toBe(true);
  });

  it('skips unknown chunks and rejects files that are not WAVE', () => {
    const data = Buffer.from([1, 0, 2, 0]);
    const plain = encodeWav({ encoding: 'pcm16', sampleRate: 8000, channels: 1, data });
    const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc'), Buffer.from([0])]);
    const withList = Buffer.concat([plain.subarray(0, 36), list, plain.subarray(36)]);
    withList.writeUInt32LE(withList.length - 8, 4);
    expect(decodeWav(withList).data.equals(data)).toBe(true);
    expect(() => decodeWav(Buffer.from('not a wave file at all'))).toThrow();
  });
});

describe('PCM16 bytes', () => {
  it('carries an odd byte across chunks', () => {
    const samples = Int16Array.from([1, -1, 300, -300, 32767, -32768]);
    const bytes = pcm16ToBytes(samples);
    const decoder = new Pcm16ByteDecoder();
    const out: number[] = [];
    for (const size of [1, 2, 3, 5, 1]) {
      const at = out.length * 2 + (decoder.hasDanglingByte ? 1 : 0);
      out.push(...decoder.push(bytes.subarray(at, at + size)));
    }
    expect(out).toEqual(Array.from(samples));
    expect(decoder.hasDanglingByte).toBe(false);
  });
});

describe('tones', () => {
  it('generates mu-law tone and silence of the requested length', () => {
    const tone = mulawTone(1000, 200);
    expect(tone.length).toBe(1600);
    expect(zeroCrossingFrequency(mulawToPcm16(tone), 8000)).toBeCloseTo(1000, 0);
    const silence = mulawSilence(20);
    expect(silence.length).toBe(160);
    expect([...silence].every((b) => b === 0xff)).toBe(true);
  });
});
