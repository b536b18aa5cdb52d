/**
 * `npm run bench:pipeline`: what our own pipeline adds to a caller's wait. Fakes with fixed latencies (speech-to-text
 * endpointing, LLM time-to-first-token, TTS time-to-first-byte) run in their own process, the server in another;
 * a few callers here take turns with the agent. Per turn: the caller's last speech frame -> the first agent frame,
 * minus what the fakes measured they spent on that very turn (turn-ledger.ts: the turn's number travels through
 * transcript, reply and TTS text, and the first frame's stamp brings the fakes' figures back). That is our overhead.
 * As a second view the same fakes are also timed directly (vendor-baseline.ts) and compared with the turns' totals.
 *
 *   npm run bench:pipeline -- [--turns 100] [--parallel 4] [--llm-ttft-ms 200] [--tts-ttfb-ms 150] [--cpu-prof DIR]
 *
 * The overhead is also split into our four hops between the fakes: caller -> STT, speech_final -> LLM request,
 * the LLM's last token -> TTS request, TTS first byte -> caller (HTTP parse, framing, pacing, WebSocket).
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { BenchCall, overheadMs, type CallBehaviour, type TurnLatency } from './lib/bench-call';
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
  ...['--stamp-frames', '--time-turns', '--reply', REPLY],
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
const total = measured.map((turn) => turn.totalMs);
const timed = measured.flatMap((turn) => (turn.fakes === null ? [] : [turn.fakes]));
const overhead = measured.flatMap((turn) => overheadMs(turn) ?? []);
const ours = measured.flatMap((turn) => turn.ours ?? []);
const row = (name: string, samples: number[]) => [
  name,
  String(samples.length),
  ...[50, 95, 99].map((p) => fixed(percentile(samples, p), 2)),
  fixed(samples.length ? Math.max(...samples) : Number.NaN, 2),
];
const header = ['ms', 'turns', 'p50', 'p95', 'p99', 'max'];

console.log(`\nfixed latencies: endpointing ${ENDPOINTING_MS} ms of caller silence, LLM TTFT ${values['llm-ttft-ms']} ms, TTS TTFB ${values['tts-ttfb-ms']} ms`);
console.log('\nper turn, the fakes\' own figures for that turn taken out:\n');
console.log(
  table([
    header,
    row('through Voicex', total),
    row('  fake STT: last speech -> speech_final', timed.map((fakes) => fakes.sttMs)),
    row('  fake LLM: request -> first token', timed.map((fakes) => fakes.llmMs)),
    row('  fake LLM: first -> last token', timed.map((fakes) => fakes.llmRestMs)),
    row('  fake TTS: request -> first byte', timed.map((fakes) => fakes.ttsMs)),
    row('overhead (exact, per turn)', overhead),
    row('  caller -> STT (last speech frame)', ours.map((part) => part.callerToSttMs)),
    row('  STT speech_final -> LLM request', ours.map((part) => part.sttToLlmMs)),
    row('  LLM last token -> TTS request', ours.map((part) => part.llmToTtsMs)),
    row('  TTS first byte -> caller', ours.map((part) => part.ttsToCallerMs)),
  ]),
);
if (timed.length < measured.length) console.log(`(${measured.length - timed.length} turns without the fakes' figures left out)`);
console.log('\nsecond view, the fakes timed alone (no Voicex in between):\n');
console.log(
  table([
    header,
    row('baseline: fakes alone', base('totalMs')),
    row('  of which STT', base('sttMs')),
    row('  of which LLM', base('llmMs')),
    row('  of which TTS', base('ttsMs')),
  ]),
);
console.log(
  `\nratio through Voicex / baseline: p50 ${fixed(percentile(total, 50) / percentile(base('totalMs'), 50), 3)}, p99 ${fixed(percentile(total, 99) / percentile(base('totalMs'), 99), 3)}`,
);
console.log(`Target: overhead p99 <= 5 ms. Load average now: ${loadAverage()}`);
