/**
 * `npm run bench:calls`: how many concurrent phone calls one server process carries. The server, the fake vendors
 * and the load generator are three processes; the generator places N calls (50 caller frames/s each, the agent
 * answering every caller turn with stamped TTS audio), and N ramps until a limit: dropped agent frames, refused or
 * broken calls, the server near a whole core, or more late frames than the baseline shows. The baseline, run just
 * before each step with the same generator and N: a bare WebSocket server pacing stamped audio with none of Voicex
 * (bare-stream-server.ts), so what the shared machine does to frame timing is told apart from what we do.
 *
 *   npm run bench:calls -- [--steps 50,100,200,300,500] [--seconds 10] [--keep-going] [--database-url URL]
 *                          [--cpu-prof DIR]
 *
 * Per N it prints the server's CPU (share of one core) and RSS per call, the agent frames received, dropped and
 * late, their jitter p50/p99, and how busy the whole (shared) machine and the generator were, so a limit reached
 * because the machine or the generator ran out is told apart from one reached by the server.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { LoadFigures } from './load-generator';
import { BENCH_PUBLIC_URL, BENCH_TWILIO_TOKEN, startBenchServer } from './lib/bench-server';
import {
  cpuPercent,
  machineBusyPercent,
  sampleMachine,
  sampleProcess,
  startFakesProcess,
  startHelperProcess,
  type MachineSample,
  type ProcessSample,
} from './lib/processes';
import { fixed, table } from './lib/stats';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Past this share of one core the server's event loop has no slack left for 20 ms pacing. */
const CPU_LIMIT_PERCENT = 90;
/**
 * Late frames allowed beyond what the bare server shows in the same step: on a shared machine some frames are
 * late whatever the server does (the generator itself is descheduled), so zero is not a usable limit there.
 */
const LATE_MARGIN_PERCENT = 0.1;
const REPLY = 'Sure, I can help you with that booking today. Let me check the details for you right away.';
const GREETING = 'Hello, thank you for calling. How can I help you today?';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '50,100,200,300,500' },
    seconds: { type: 'string', default: '10' },
    'database-url': { type: 'string' },
    'cpu-prof': { type: 'string' },
    /** Run every step even past a limit (for figures on how CPU and memory grow). */
    'keep-going': { type: 'boolean', default: false },
  },
});
const steps = values.steps.split(',').map(Number);
if (!steps.every((n) => Number.isInteger(n) && n > 0)) throw new Error(`Invalid --steps ${values.steps}`);

interface Step {
  calls: number;
  figures: LoadFigures;
  serverCpu: number;
  fakesCpu: number | null;
  machineBusy: number;
  rssPerCallKb: number;
  loadAverage: string;
}

/**
 * One load generator run of `calls` streams against the process `serverPid`, sampled over its window. RSS per call
 * is counted from `idleRss`, the process's RSS before any call (a reading between steps can catch garbage not yet
 * collected).
 */
async function runStep(serverPid: number, idleRss: number, fakesPid: number | null, calls: number, target: string[]): Promise<Step> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/bench/load-generator.ts', ...target, '--calls', String(calls), '--seconds', values.seconds],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let start: { server: ProcessSample; fakes: ProcessSample | null; machine: MachineSample } | null = null;
  let result: Step | null = null;
  for await (const line of createInterface({ input: child.stdout! })) {
    const message = JSON.parse(line) as { event: string; reason?: string };
    if (message.event === 'gave-up') throw new Error(`the load generator gave up at ${calls} calls: ${message.reason}`);
    if (message.event === 'window-start') {
      start = { server: sampleProcess(serverPid), fakes: fakesPid ? sampleProcess(fakesPid) : null, machine: sampleMachine() };
    } else if (message.event === 'window-end' && start) {
      const server = sampleProcess(serverPid);
      const figures = message as LoadFigures;
      result = {
        calls,
        figures,
        serverCpu: cpuPercent(start.server, server),
        fakesCpu: fakesPid && start.fakes ? cpuPercent(start.fakes, sampleProcess(fakesPid)) : null,
        machineBusy: machineBusyPercent(start.machine, sampleMachine()),
        rssPerCallKb: (server.rssBytes - idleRss) / 1024 / Math.max(1, figures.connected),
        loadAverage: uptimeLoad(),
      };
    }
  }
  if (!result) throw new Error(`the load generator for ${calls} calls ended without figures`);
  return result;
}

const latePercent = (f: LoadFigures) => (f.frames ? (f.late / f.frames) * 100 : 0);

function uptimeLoad(): string {
  return /load average: (.*)$/.exec(execFileSync('uptime', { encoding: 'utf8' }).trim())?.[1] ?? '?';
}

function limitReached(step: Step, bare: Step): string | null {
  const f = step.figures;
  if (f.refused > 0) return `${f.refused} calls refused or failed to connect (${f.firstError})`;
  if (f.endedEarly > 0) return `${f.endedEarly} calls ended by the server`;
  if (f.dropped > 0) return `${f.dropped} frames dropped`;
  if (latePercent(f) - latePercent(bare.figures) > LATE_MARGIN_PERCENT) {
    return `${fixed(latePercent(f), 2)}% of frames late against ${fixed(latePercent(bare.figures), 2)}% for the bare server (worst ${fixed(f.lateMaxMs)} ms past the playout deadline)`;
  }
  if (step.serverCpu >= CPU_LIMIT_PERCENT) return `server CPU ${fixed(step.serverCpu)}% of one core`;
  return null;
}

console.log(`machine: ${execFileSync('nproc', { encoding: 'utf8' }).trim()} cores, load average ${uptimeLoad()}`);
const fakes = await startFakesProcess(['--stamp-frames', '--reply', REPLY, '--llm-ttft-ms', '200', '--tts-ttfb-ms', '150']);
const bench = await startBenchServer({
  fakes: fakes.info,
  greeting: GREETING,
  endpointingMs: 200,
  ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
  ...(values['cpu-prof'] ? { cpuProfileDir: values['cpu-prof'] } : {}),
});

const bare = await startHelperProcess<{ url: string }>('scripts/bench/bare-stream-server.ts');
const idleRss = { bare: sampleProcess(bare.pid).rssBytes, voicex: sampleProcess(bench.server.child.pid!).rssBytes };
const voicexTarget = [
  ...['--server', bench.server.url, '--public-url', BENCH_PUBLIC_URL, '--auth-token', BENCH_TWILIO_TOKEN],
  ...['--api-key', bench.apiKey, '--agent', bench.agentId],
];

const header = [
  'calls', 'server', 'CPU %', 'RSS/call KB', 'frames', 'dropped', 'late', 'late %', 'jitter p50 ms', 'jitter p99 ms',
  'turns', 'fakes CPU %', 'generator CPU %', 'gen. loop p99 ms', 'machine busy %', 'load avg',
];
const rows: string[][] = [header];
const row = (name: string, step: Step) => {
  const f = step.figures;
  return [
    String(step.calls), name, fixed(step.serverCpu), fixed(step.rssPerCallKb, 0), String(f.frames), String(f.dropped), String(f.late),
    fixed(latePercent(f), 2), fixed(f.jitterP50Ms, 2), fixed(f.jitterP99Ms, 2), String(f.turns), step.fakesCpu === null ? '-' : fixed(step.fakesCpu),
    fixed(f.generatorCpuPercent), fixed(f.generatorLoopDelayP99Ms), fixed(step.machineBusy), step.loadAverage,
  ];
};
let limit: string | null = null;
try {
  for (const calls of steps) {
    let baseline: Step;
    let step: Step;
    try {
      baseline = await runStep(bare.pid, idleRss.bare, null, calls, ['--bare-url', bare.info.url]);
      step = await runStep(bench.server.child.pid!, idleRss.voicex, fakes.pid, calls, voicexTarget);
    } catch (error) {
      limit ??= error instanceof Error ? error.message : String(error);
      break;
    }
    rows.push(row('bare', baseline), row('voicex', step));
    const f = step.figures;
    const notes = f.noReply || f.clears || f.unstamped ? ` (no reply ${f.noReply}, clears ${f.clears}, unstamped ${f.unstamped})` : '';
    console.log(`${calls} calls: bare ${rows.at(-2)!.slice(2, 10).join(' / ')}; voicex ${rows.at(-1)!.slice(2, 10).join(' / ')}${notes}`);
    const reached = limitReached(step, baseline);
    if (reached) {
      limit ??= `${calls} calls: ${reached}`;
      if (!values['keep-going']) break;
    }
    // Calls end (and are summarized) after the hang-up; let the server settle before the next step.
    await new Promise((r) => setTimeout(r, 3000));
  }
} finally {
  await bench.stop();
  await fakes.stop();
  await bare.stop();
}

console.log(`\n${table(rows)}\n`);
console.log(limit ? `Limit reached at ${limit}` : `No limit reached up to ${steps.at(-1)} calls.`);
console.log(`Targets: >= 500 calls with 0 dropped frames and jitter p99 <= 20 ms. Load average now: ${uptimeLoad()}`);
