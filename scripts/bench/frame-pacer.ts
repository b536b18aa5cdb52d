/**
 * How much the frame pacer costs: N concurrent calls in one process, each speaking continuously (one 20 ms frame
 * per call every 20 ms, as during agent speech), for a few seconds.
 *
 *   npx tsx scripts/bench/frame-pacer.ts [calls=500] [seconds=10]
 *
 * Prints the CPU the process used (share of one core), event-loop delay, and how late frames left against their
 * real-time schedule. A frame later than the pacer's lead (60 ms) would be an audible gap for the caller.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { FramePacer, FRAME_MS } from '../../src/voice/conversation/frame-pacer';
import type { CallerLink } from '../../src/voice/types';

const calls = Number(process.argv[2] ?? 500);
const seconds = Number(process.argv[3] ?? 10);
const framesPerCall = Math.round((seconds * 1000) / FRAME_MS);
const LEAD_FRAMES = 3;

interface CallStats {
  startedAt: number;
  sent: number;
  worstLateMs: number;
  marks: number;
}

const frame = Buffer.alloc(160, 0xff);
const stats: CallStats[] = [];
const pacers: FramePacer[] = [];

for (let i = 0; i < calls; i++) {
  const call: CallStats = { startedAt: 0, sent: 0, worstLateMs: 0, marks: 0 };
  stats.push(call);
  const link: CallerLink = {
    sendAudio: () => {
      const now = performance.now();
      if (call.sent === 0) call.startedAt = now;
      // Frame n is due to be sent by its play time (start + n * 20 ms); being ahead by the lead is allowed.
      const late = now - (call.startedAt + call.sent * FRAME_MS);
      if (late > call.worstLateMs) call.worstLateMs = late;
      call.sent++;
    },
    sendMark: () => void call.marks++,
    clearAudio: () => undefined,
  };
  pacers.push(new FramePacer(link, { leadFrames: LEAD_FRAMES }));
}

const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();

// Audio arrives the way TTS streams it: chunks of ~200 ms, faster than real time, staggered across calls.
const chunkFrames = 10;
const feeders = pacers.map((pacer, i) => {
  const id = pacer.begin();
  let pushed = 0;
  return new Promise<void>((resolve) => {
    const feed = (): void => {
      const count = Math.min(chunkFrames, framesPerCall - pushed);
      pacer.push(id, Array.from({ length: count }, () => frame));
      pushed += count;
      if (pushed >= framesPerCall) {
        pacer.finish(id);
        resolve();
      } else setTimeout(feed, 100);
    };
    setTimeout(feed, (i * 7) % 20);
  });
});

await Promise.all(feeders);
while (stats.some((call) => call.marks === 0)) await new Promise((r) => setTimeout(r, 50));

const wallMs = performance.now() - wallBefore;
const cpu = process.cpuUsage(cpuBefore);
loopDelay.disable();
const cpuMs = (cpu.user + cpu.system) / 1000;
const worst = stats.map((call) => call.worstLateMs).sort((a, b) => a - b);
const pct = (p: number) => worst[Math.min(worst.length - 1, Math.floor((p / 100) * worst.length))]!;
const totalFrames = stats.reduce((n, call) => n + call.sent, 0);
const gaps = stats.filter((call) => call.worstLateMs > LEAD_FRAMES * FRAME_MS).length;

console.log(`calls: ${calls}, audio per call: ${seconds} s, frames sent: ${totalFrames}`);
console.log(`wall: ${(wallMs / 1000).toFixed(2)} s, CPU: ${(cpuMs / 1000).toFixed(2)} s = ${((cpuMs / wallMs) * 100).toFixed(1)}% of one core`);
console.log(`CPU per frame: ${((cpuMs * 1000) / totalFrames).toFixed(2)} µs (includes the benchmark's own link and feeders)`);
console.log(
  `event-loop delay: p50 ${(loopDelay.percentile(50) / 1e6).toFixed(2)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(2)} ms, max ${(loopDelay.max / 1e6).toFixed(2)} ms`,
);
console.log(
  `worst frame lateness per call: p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms, max ${pct(100).toFixed(1)} ms (lead ${LEAD_FRAMES * FRAME_MS} ms); calls with an audible gap: ${gaps}`,
);
