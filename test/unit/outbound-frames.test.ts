import { describe, expect, it } from 'vitest';
import { emptyCounts, OutboundFrames } from '../../scripts/bench/lib/outbound-frames';
import { readStamp, readTurnStamp, stampResponse, stampWriteTime } from '../../test/fakes/frame-stamp';
import { replyWithTurnTag, turnIn, withTurnTag } from '../../test/fakes/turn-ledger';

/** The frames of one stamped TTS response of `frames` frames. */
function response(id: number, frames: number): Buffer[] {
  const audio = stampResponse(Buffer.alloc(frames * 160 - 7, 0x55), id);
  return Array.from({ length: frames }, (_, i) => audio.subarray(i * 160, i * 160 + 160));
}

function receive(frames: Array<[Buffer, number]>, clearAfter?: number) {
  const counts = emptyCounts();
  const receiver = new OutboundFrames(counts, 3);
  frames.forEach(([frame, at], i) => {
    receiver.add(frame, at, true);
    if (i === clearAfter) receiver.cleared();
  });
  return counts;
}

describe('frame stamps', () => {
  it('carry response, index, count and the write time, and pad the audio to whole frames', () => {
    const [first, , last] = response(7, 3);
    stampWriteTime(last!, 123456789n);
    expect(readStamp(first!)).toMatchObject({ response: 7, index: 0, frames: 3 });
    expect(readStamp(last!)).toEqual({ response: 7, index: 2, frames: 3, writtenAtNs: 123456789n });
    expect(last!.subarray(160 - 7)).toEqual(Buffer.alloc(7, 0xff));
    expect(readStamp(Buffer.alloc(160, 0xff))).toBeNull();
    expect(readTurnStamp(first!)).toBeNull();
  });

  it('carry the turn a response speaks and the fakes\' figures for it, a missing figure as null', () => {
    const turn = { turn: 17, lastSpeechReceivedNs: 1000n, turnEndSentNs: 2000n, llmReceivedNs: 3000n, llmFirstTokenSentNs: null, llmReplySentNs: 4000n, ttsReceivedNs: 5000n };
    const audio = stampResponse(Buffer.alloc(320, 0x55), 3, turn);
    expect(readTurnStamp(audio.subarray(160, 320))).toEqual(turn);
    expect(readStamp(audio.subarray(0, 160))).toMatchObject({ response: 3, index: 0, frames: 2 });
  });

  it('find the newest turn number a text carries, through transcript and reply', () => {
    expect(turnIn(replyWithTurnTag('Sure.', 12))).toBe(12);
    expect(turnIn(`${withTurnTag('utterance 1', 4)} ${withTurnTag('utterance 2', 5)}`)).toBe(5);
    expect(turnIn('Sure.')).toBeNull();
  });
});

describe('OutboundFrames', () => {
  it('counts nothing wrong in a paced response: a lead burst, then one frame every 20 ms', () => {
    const frames = response(1, 8);
    const counts = receive(frames.map((frame, i) => [frame, i < 4 ? 0 : (i - 3) * 20]));
    expect(counts).toMatchObject({ frames: 8, dropped: 0, late: 0 });
    expect(counts.jitterMs).toEqual([0, 0, 0, 0]);
  });

  it('counts a gap in the indexes and a missing tail as dropped, unless a clear explains the tail', () => {
    const [a0, a1, , a3, a4] = response(1, 5);
    const [b0] = response(2, 2);
    expect(receive([[a0!, 0], [a1!, 0], [a3!, 0], [b0!, 100]]).dropped).toBe(2);
    expect(receive([[a0!, 0], [a1!, 0], [b0!, 100]], 1).dropped).toBe(0);
    expect(receive([[a0!, 0], [a1!, 0], [a3!, 0], [a4!, 40]]).dropped).toBe(1);
  });

  it('counts a frame arriving after the playout buffer ran dry as late, and measures jitter after the lead', () => {
    const frames = response(1, 7);
    const counts = receive([
      [frames[0]!, 0],
      [frames[1]!, 0],
      [frames[2]!, 0],
      [frames[3]!, 0],
      [frames[4]!, 20],
      // 100 ms after frame 4: the five frames before it had played out by 100 ms
      [frames[5]!, 120],
      [frames[6]!, 140],
    ]);
    expect(counts.late).toBe(1);
    expect(counts.lateByMs).toEqual([20]);
    expect(counts.jitterMs).toEqual([0, 80, 0]);
  });
});
