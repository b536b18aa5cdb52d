/**
 * The load generator of `npm run bench:calls`, a process of its own so its CPU is not the server's: places N signed
 * Twilio calls against a running server, each line sending 50 frames/s and speaking whenever the agent has finished,
 * warms up, then measures the agent audio for a window. Talks to its parent in JSON lines on stdout:
 * `{"event":"window-start"}`, then `{"event":"window-end", ...figures}`.
 *
 *   npx tsx scripts/bench/load-generator.ts --server URL --public-url URL --auth-token T --api-key K --agent ID
 *                                          --calls N [--warmup-s 4] [--seconds 15]
 *   npx tsx scripts/bench/load-generator.ts --bare-url ws://... --calls N ...   (streams only, no webhook)
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { newCallSid } from '../lib/twilio-caller';
import { BenchCall, type CallBehaviour } from './lib/bench-call';
import { LineClock } from './lib/line-clock';
import { emptyCounts } from './lib/outbound-frames';
import { percentile } from './lib/stats';

export interface LoadFigures {
  event: 'window-end';
  calls: number;
  connected: number;
  refused: number;
  /** Calls the server ended before the caller hung up. */
  endedEarly: number;
  frames: number;
  unstamped: number;
  dropped: number;
  late: number;
  lateMaxMs: number;
  jitterP50Ms: number;
  jitterP99Ms: number;
  turns: number;
  noReply: number;
  clears: number;
  generatorCpuPercent: number;
  generatorLoopDelayP99Ms: number;
  firstError: string | null;
}

const PLACE_CONCURRENCY = 20;
/** Placing the calls may take this long at most; a generator that cannot finish reports that instead of hanging. */
const PLACING_BUDGET_MS = 90_000;
const HANG_UP_WAIT_MS = 5000;
export const BEHAVIOUR: CallBehaviour = { speechMs: 600, agentDoneAfterMs: 400, replyTimeoutMs: 10_000, leadFrames: 3 };

const { values } = parseArgs({
  options: {
    server: { type: 'string' },
    'public-url': { type: 'string' },
    'auth-token': { type: 'string' },
    'api-key': { type: 'string' },
    agent: { type: 'string' },
    'bare-url': { type: 'string' },
    calls: { type: 'string' },
    'warmup-s': { type: 'string', default: '4' },
    seconds: { type: 'string', default: '15' },
  },
});
const target = {
  serverUrl: values.server!,
  publicUrl: values['public-url']!,
  authToken: values['auth-token']!,
  apiKey: values['api-key']!,
  agentId: values.agent!,
};
const wanted = Number(values.calls);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const emit = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

const budget = setTimeout(() => {
  emit({ event: 'gave-up', reason: `calls not placed within ${PLACING_BUDGET_MS / 1000} s` });
  process.exit(1);
}, PLACING_BUDGET_MS + (Number(values['warmup-s']) + Number(values.seconds)) * 1000);

const counts = emptyCounts();
const clock = new LineClock();
const calls: BenchCall[] = [];
let refused = 0;
let firstError: string | null = null;

let next = 0;
await Promise.all(
  Array.from({ length: PLACE_CONCURRENCY }, async () => {
    while (next < wanted) {
      next++;
      try {
        const bareUrl = values['bare-url'];
        const call = bareUrl
          ? await BenchCall.openStream(bareUrl, { callSid: newCallSid(), customParameters: {} }, counts, BEHAVIOUR)
          : await BenchCall.place(target, counts, BEHAVIOUR);
        calls.push(call);
        clock.add(call);
      } catch (error) {
        refused++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  }),
);

await sleep(Number(values['warmup-s']) * 1000);
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
for (const call of calls) call.counting = true;
emit({ event: 'window-start' });
await sleep(Number(values.seconds) * 1000);
for (const call of calls) call.counting = false;
const cpu = process.cpuUsage(cpuBefore);
const wallMs = performance.now() - wallBefore;
loopDelay.disable();

const endedEarly = calls.filter((call) => !call.open).length;
const figures: LoadFigures = {
  event: 'window-end',
  calls: wanted,
  connected: calls.length,
  refused,
  endedEarly,
  frames: counts.frames,
  unstamped: counts.unstamped,
  dropped: counts.dropped,
  late: counts.late,
  lateMaxMs: counts.lateByMs.length ? Math.max(...counts.lateByMs) : 0,
  jitterP50Ms: percentile(counts.jitterMs, 50),
  jitterP99Ms: percentile(counts.jitterMs, 99),
  turns: calls.reduce((n, call) => n + call.turns.length, 0),
  noReply: calls.reduce((n, call) => n + call.noReply, 0),
  clears: calls.reduce((n, call) => n + call.clears, 0),
  generatorCpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
  generatorLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
  firstError,
};
emit(figures);
clock.stop();
clearTimeout(budget);
await Promise.race([Promise.all(calls.map((call) => call.hangUp().catch(() => undefined))), sleep(HANG_UP_WAIT_MS)]);
process.exit(0);
