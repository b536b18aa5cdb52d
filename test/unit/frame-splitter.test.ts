import { describe, expect, it } from 'vitest';
import { FrameSplitter, MULAW_SILENCE, TWILIO_FRAME_BYTES } from '../../src/voice/audio';

describe('FrameSplitter', () => {
  it('turns arbitrary chunks into exact 160-byte frames in order, padding the last with silence', () => {
    const source = Buffer.from(Array.from({ length: 1001 }, (_, i) => i % 251));
    const splitter = new FrameSplitter();
    const frames: Buffer[] = [];
    const sizes = [1, 159, 3, 500, 77, 261];
    let at = 0;
    for (const size of sizes) {
      frames.push(...splitter.push(source.subarray(at, at + size)));
      at += size;
    }
    expect(at).toBe(1001);
    expect(frames).toHaveLength(6);
    expect(splitter.pendingBytes).toBe(1001 - 960);
    const tail = splitter.flush();
    expect(tail).toHaveLength(1);
    const all = [...frames, ...tail];
    for (const frame of all) expect(frame.length).toBe(TWILIO_FRAME_BYTES);
    const joined = Buffer.concat(all);
    expect(joined.subarray(0, 1001).equals(source)).toBe(true);
    expect([...joined.subarray(1001)].every((b) => b === MULAW_SILENCE)).toBe(true);
    expect(splitter.flush()).toEqual([]);
  });

  it('does not alias the caller buffer', () => {
    const splitter = new FrameSplitter(4);
    const chunk = Buffer.from([1, 2, 3, 4, 5]);
    const [frame] = splitter.push(chunk);
    chunk.fill(9);
    expect([...frame!]).toEqual([1, 2, 3, 4]);
    expect([...splitter.flush()[0]!]).toEqual([5, MULAW_SILENCE, MULAW_SILENCE, MULAW_SILENCE]);
  });

  it('drops pending bytes on reset', () => {
    const splitter = new FrameSplitter();
    splitter.push(Buffer.alloc(100));
    splitter.reset();
    expect(splitter.pendingBytes).toBe(0);
    expect(splitter.flush()).toEqual([]);
  });
});
