/**
 * `npm run bench:pipeline`: what our own pipeline adds to a caller's wait. Fakes with fixed latencies (speech-to-text
 * endpointing, LLM time-to-first-token, TTS time-to-first-byte) run in their own process, the server in another;
 * a few callers here take turns with the agent. Per turn: the caller's last speech frame -> the first agent frame.
 * In the same run the same fakes are timed directly (vendor-baseline.ts); the difference is our overhead.
 *
 *   npm run bench:pipeline -- [--turns 100] [--parallel 4] [--llm-ttft-ms 200] [--tts-ttfb-ms 150] [--cpu-prof DIR]
 *
 * Also printed: from the moment the fake TTS wrote the first frame (stamped in the frame) to its arrival at the
 * caller, the part of the overhead after the TTS answered (HTTP parse, framing, pacing, WebSocket).
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { BenchCall, type CallBehaviour, type TurnLatency } from './lib/bench-call';
import { BENCH_PUBLIC_URL, BENCH_TWILIO_TOKEN, startBenchServer } from './lib/bench-server';
import { LineClock } from './lib/line-clock';
import { emptyCounts } from './lib/outbound-frames';
import { startFakesProcess } from './lib/processes';
import { fixed, percentile, table } from './lib/stats';
import { measureBaselineTurn, type BaselineTurn } from './lib/vendor-baseline';

const { values } = parseArgs({
  options: {
    turns: { type: 'string', default: '100' },
    parallel: { type: 'string', default: '4' },
    'llm-ttft-ms': { type: 'string', default: '200' },
    'tts-ttfb-ms': { type: 'string', default: '150' },
    'database-url': { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});
const turns = Number(values.turns);
const parallel = Number(values.parallel);
const ENDPOINTING_MS = 200;
const REPLY = 'Sure.';
const BEHAVIOUR: CallBehaviour = { speechMs: 600, agentDoneAfterMs: 300, replyTimeoutMs: 10_000, leadFrames: 3 };
const loadAverage = () => /load average: (.*)$/.exec(execFileSync('uptime', { encoding: 'utf8' }).trim())?.[1] ?? '?';

console.log(`machine: ${execFileSync('nproc', { encoding: 'utf8' }).trim()} cores, load average ${loadAverage()}`);
const fakes = await startFakesProcess([
  ...['--stamp-frames', '--reply', REPLY],
  ...['--llm-ttft-ms', values['llm-ttft-ms'], '--tts-ttfb-ms', values['tts-ttfb-ms']],
]);
const bench = await startBenchServer({
  fakes: fakes.info,
  greeting: 'Hello.',
  endpointingMs: ENDPOINTING_MS,
  ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
  ...(values['cpu-prof'] ? { cpuProfileDir: values['cpu-prof'] } : {}),
});
const clock = new LineClock();

async function inParallel(work: () => Promise<boolean>): Promise<void> {
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (await work());
  }));
}

const baseline: BaselineTurn[] = [];
const measured: TurnLatency[] = [];
let started = 0;
try {
  console.log(`baseline: ${turns} turns straight against the fakes, ${parallel} at a time`);
  await inParallel(async () => {
    if (started++ >= turns) return false;
    baseline.push(await measureBaselineTurn(fakes.info, clock, { speechMs: BEHAVIOUR.speechMs, endpointingMs: ENDPOINTING_MS, reply: REPLY }));
    return true;
  });

  console.log(`through Voicex: ${turns} turns over ${parallel} calls`);
  const target = { serverUrl: bench.server.url, publicUrl: BENCH_PUBLIC_URL, authToken: BENCH_TWILIO_TOKEN, apiKey: bench.apiKey, agentId: bench.agentId };
  const calls = await Promise.all(Array.from({ length: parallel }, () => BenchCall.place(target, emptyCounts(), BEHAVIOUR)));
  for (const call of calls) {
    call.counting = true;
    clock.add(call);
  }
  const done = () => calls.reduce((n, call) => n + call.turns.length, 0) >= turns || calls.every((call) => !call.open);
  while (!done()) await new Promise((r) => setTimeout(r, 100));
  for (const call of calls) measured.push(...call.turns);
  await Promise.all(calls.map((call) => call.hangUp()));
} finally {
  clock.stop();
  await bench.stop();
  await fakes.stop();
}

const base = (key: keyof BaselineTurn) => baseline.map((turn) => turn[key]);
const baselineP50 = percentile(base('totalMs'), 50);
const total = measured.map((turn) => turn.totalMs);
const overhead = total.map((ms) => ms - baselineP50);
const ttsToCaller = measured.flatMap((turn) => (turn.ttsToCallerMs === null ? [] : [turn.ttsToCallerMs]));
const row = (name: string, samples: number[]) => [name, String(samples.length), ...[50, 95, 99].map((p) => fixed(percentile(samples, p), 2))];

console.log(`\nfixed latencies: endpointing ${ENDPOINTING_MS} ms of caller silence, LLM TTFT ${values['llm-ttft-ms']} ms, TTS TTFB ${values['tts-ttfb-ms']} ms\n`);
console.log(
  table([
    ['ms', 'turns', 'p50', 'p95', 'p99'],
    row('baseline: fakes alone', base('totalMs')),
    row('  of which STT', base('sttMs')),
    row('  of which LLM', base('llmMs')),
    row('  of which TTS', base('ttsMs')),
    row('through Voicex', total),
    row('overhead (minus baseline p50)', overhead),
    row('TTS first byte -> caller', ttsToCaller),
  ]),
);
console.log(
  `\nratio through Voicex / baseline: p50 ${fixed(percentile(total, 50) / baselineP50, 3)}, p99 ${fixed(percentile(total, 99) / percentile(base('totalMs'), 99), 3)}`,
);
console.log(`Target: overhead p99 <= 5 ms. Load average now: ${loadAverage()}`);
