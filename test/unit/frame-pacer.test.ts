import { describe, expect, it } from 'vitest';
import { FramePacer, FRAME_MS } from '../../src/voice/conversation/frame-pacer';
import type { PacerClock } from '../../src/voice/conversation/pacer-clock';
import type { CallerLink } from '../../src/voice/types';

/** A clock whose time only moves when the test says so; `lateBy` makes every timer fire that much late. */
class ManualClock implements PacerClock {
  time = 1000;
  lateBy = 0;
  private timers: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 1;

  now(): number {
    return this.time;
  }

  setTimer(callback: () => void, delayMs: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + delayMs + this.lateBy, callback, id });
    return id;
  }

  clearTimer(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > until) break;
      this.timers.shift();
      this.time = Math.max(this.time, next.at);
      next.callback();
    }
    this.time = until;
  }
}

type Sent = { kind: 'audio'; byte: number; at: number } | { kind: 'mark'; name: string; at: number } | { kind: 'clear'; at: number };

function recordingLink(clock: ManualClock): { link: CallerLink; sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    link: {
      sendAudio: (frame) => sent.push({ kind: 'audio', byte: frame[0]!, at: clock.now() }),
      sendMark: (name) => sent.push({ kind: 'mark', name, at: clock.now() }),
      clearAudio: () => sent.push({ kind: 'clear', at: clock.now() }),
    },
  };
}

/** Frames whose first byte identifies them: utterance u, frame i -> u * 50 + i. */
function frames(utterance: number, count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => Buffer.alloc(160, utterance * 50 + i));
}

describe('FramePacer', () => {
  it('sends every frame once, in order, then the mark', () => {
    const clock = new ManualClock();
    const { link, sent } = recordingLink(clock);
    const pacer = new FramePacer(link, { clock, leadFrames: 3 });
    const id = pacer.begin();
    pacer.push(id, frames(1, 10));
    pacer.finish(id);
    clock.advance(1000);
    const audio = sent.filter((s) => s.kind === 'audio');
    expect(audio.map((s) => (s.kind === 'audio' ? s.byte : -1))).toEqual(frames(1, 10).map((f) => f[0]));
    expect(sent[sent.length - 1]).toMatchObject({ kind: 'mark', name: `utt-${id}` });
    expect(sent.filter((s) => s.kind === 'mark')).toHaveLength(1);
  });

  it('paces at real time: the lead up front, then one frame per 20 ms', () => {
    const clock = new ManualClock();
    const { link, sent } = recordingLink(clock);
    const pacer = new FramePacer(link, { clock, leadFrames: 3 });
    const id = pacer.begin();
    pacer.push(id, frames(1, 50));
    pacer.finish(id);
    const start = clock.now();
    clock.advance(0);
    // Frame 0 plays now; frames 1..3 are the lead.
    expect(sent.filter((s) => s.kind === 'audio')).toHaveLength(4);
    clock.advance(200);
    expect(sent.filter((s) => s.kind === 'audio')).toHaveLength(4 + 10);
    clock.advance(2000);
    const audio = sent.filter((s) => s.kind === 'audio');
    expect(audio).toHaveLength(50);
    // Frame n never leaves more than the lead ahead of its play time.
    audio.forEach((s, n) => expect(s.at).toBeGreaterThanOrEqual(start + n * FRAME_MS - 3 * FRAME_MS));
    const mark = sent.find((s) => s.kind === 'mark')!;
    expect(mark.at).toBeLessThanOrEqual(start + 50 * FRAME_MS);
  });

  it('late timers do not accumulate drift', () => {
    const clock = new ManualClock();
    clock.lateBy = 7;
    const { link, sent } = recordingLink(clock);
    const pacer = new FramePacer(link, { clock, leadFrames: 3 });
    const id = pacer.begin();
    pacer.push(id, frames(1, 49));
    pacer.push(id, frames(1, 1));
    pacer.push(id, frames(1, 50));
    const start = clock.now();
    clock.advance(1000);
    const audio = sent.filter((s) => s.kind === 'audio');
    // Without drift correction 7 ms per frame would leave ~14 frames behind after a second.
    const due = Math.floor((clock.now() - start) / FRAME_MS) + 1;
    expect(audio.length).toBeGreaterThanOrEqual(due);
    expect(audio.length).toBeLessThanOrEqual(due + 3);
  });

  it('plays utterances strictly in the order they were opened, even when later audio arrives first', () => {
    const clock = new ManualClock();
    const { link, sent } = recordingLink(clock);
    const pacer = new FramePacer(link, { clock, leadFrames: 2 });
    const first = pacer.begin();
    const second = pacer.begin();
    pacer.push(second, frames(2, 5));
    pacer.finish(second);
    clock.advance(100);
    expect(sent).toEqual([]);
    pacer.push(first, frames(1, 3));
    clock.advance(100);
    expect(sent.filter((s) => s.kind === 'audio')).toHaveLength(3);
    pacer.push(first, frames(1, 2).map((f) => Buffer.alloc(160, f[0]! + 3)));
    pacer.finish(first);
    clock.advance(1000);
    const order = sent.map((s) => (s.kind === 'audio' ? s.byte : s.kind === 'mark' ? s.name : 'clear'));
    expect(order).toEqual([50, 51, 52, 53, 54, `utt-${first}`, 100, 101, 102, 103, 104, `utt-${second}`]);
  });

  it('sends the mark only after the last frame, even when audio stalls mid-utterance', () => {
    const clock = new ManualClock();
    const { link, sent } = recordingLink(clock);
    const pacer = new FramePacer(link, { clock });
    const id = pacer.begin();
    pacer.push(id, frames(1, 2));
    clock.advance(500);
    expect(sent.filter((s) => s.kind === 'mark')).toHaveLength(0);
    pacer.push(id, frames(1, 2));
    clock.advance(500);
    expect(sent.filter((s) => s.kind === 'mark')).toHaveLength(0);
    pacer.finish(id);
    clock.advance(0);
    expect(sent.map((s) => s.kind)).toEqual(['audio', 'audio', 'audio', 'audio', 'mark']);
  });

  it('after an underrun, restarts at real time instead of bursting to catch up', () => {
    const clock = new ManualClock();
    const { link, sent } = recordingLink(clock);
    const pacer = new FramePacer(link, { clock, leadFrames: 3 });
    const id = pacer.begin();
    pacer.push(id, frames(1, 2));
    clock.advance(1000);
    pacer.push(id, frames(1, 40));
    clock.advance(0);
    // 1 frame due now + the 3-frame lead, not the 48 frames a fixed schedule would owe.
    expect(sent.filter((s) => s.kind === 'audio')).toHaveLength(2 + 4);
  });

  it('clear drops pending frames and marks, and tells the link', () => {
    const clock = new ManualClock();
    const { link, sent } = recordingLink(clock);
    const pacer = new FramePacer(link, { clock, leadFrames: 3 });
    const first = pacer.begin();
    pacer.push(first, frames(1, 20));
    pacer.finish(first);
    const second = pacer.begin();
    pacer.push(second, frames(2, 20));
    pacer.finish(second);
    clock.advance(100);
    const before = sent.filter((s) => s.kind === 'audio').length;
    pacer.clear();
    clock.advance(2000);
    expect(sent.filter((s) => s.kind === 'audio')).toHaveLength(before);
    expect(sent.filter((s) => s.kind === 'mark')).toHaveLength(0);
    expect(sent[sent.length - 1]!.kind).toBe('clear');
    expect(clock.pendingTimers).toBe(0);
    // Pushing to a cleared utterance is ignored; new utterances play at once.
    pacer.push(first, frames(1, 5));
    const third = pacer.begin();
    pacer.push(third, frames(3, 2));
    pacer.finish(third);
    clock.advance(100);
    expect(sent.slice(-3).map((s) => (s.kind === 'audio' ? s.byte : s.kind))).toEqual([150, 151, 'mark']);
  });

  it('discard drops pending frames without clearing the link', () => {
    const clock = new ManualClock();
    const { link, sent } = recordingLink(clock);
    const pacer = new FramePacer(link, { clock });
    const id = pacer.begin();
    pacer.push(id, frames(1, 5));
    pacer.discard();
    clock.advance(500);
    expect(sent).toEqual([]);
  });

  it('reports progress: sent frames and the ones whose play time has come', () => {
    const clock = new ManualClock();
    const { link } = recordingLink(clock);
    const pacer = new FramePacer(link, { clock, leadFrames: 3 });
    const id = pacer.begin();
    pacer.push(id, frames(1, 30));
    clock.advance(0);
    expect(pacer.progress(id)).toMatchObject({ sentFrames: 4, heardFrames: 1, pendingFrames: 26, finished: false });
    clock.advance(100);
    const progress = pacer.progress(id)!;
    expect(progress.sentFrames).toBe(9);
    expect(progress.heardFrames).toBe(6);
    pacer.finish(id);
    clock.advance(2000);
    expect(pacer.progress(id)).toMatchObject({ sentFrames: 30, heardFrames: 30, pendingFrames: 0, markSent: true });
  });

  it('calls back on the first frame and on the mark', () => {
    const clock = new ManualClock();
    const { link } = recordingLink(clock);
    const events: string[] = [];
    const pacer = new FramePacer(link, {
      clock,
      onFirstFrame: (id, playAt) => events.push(`first ${id} @${playAt}`),
      onMarkSent: (id, endsAt) => events.push(`mark ${id} ends @${endsAt}`),
    });
    const id = pacer.begin();
    pacer.push(id, frames(1, 10));
    pacer.finish(id);
    clock.advance(1000);
    expect(events).toEqual([`first ${id} @1000`, `mark ${id} ends @1200`]);
  });

  it('rejects frames that are not 160 bytes', () => {
    const clock = new ManualClock();
    const pacer = new FramePacer(recordingLink(clock).link, { clock });
    const id = pacer.begin();
    expect(() => pacer.push(id, [Buffer.alloc(100)])).toThrow(RangeError);
  });

  it('stop sends nothing more and leaves no timer', () => {
    const clock = new ManualClock();
    const { link, sent } = recordingLink(clock);
    const pacer = new FramePacer(link, { clock });
    const id = pacer.begin();
    pacer.push(id, frames(1, 100));
    clock.advance(40);
    const count = sent.length;
    pacer.stop();
    pacer.push(pacer.begin(), frames(2, 5));
    clock.advance(1000);
    expect(sent).toHaveLength(count);
    expect(clock.pendingTimers).toBe(0);
  });

  it('stops sending when the link throws, and reports it', () => {
    const clock = new ManualClock();
    const errors: unknown[] = [];
    const link: CallerLink = {
      sendAudio: () => {
        throw new Error('socket closed');
      },
      sendMark: () => undefined,
      clearAudio: () => undefined,
    };
    const pacer = new FramePacer(link, { clock, onLinkError: (e) => errors.push(e) });
    pacer.push(pacer.begin(), frames(1, 10));
    clock.advance(500);
    expect(errors).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });
});
