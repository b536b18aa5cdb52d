/**
 * `npm run bench:calls`: how many concurrent phone calls one server process carries. The server, the fake vendors
 * and the load generator are three processes; the generator places N calls (50 caller frames/s each, the agent
 * answering every caller turn with stamped TTS audio), and N ramps until a limit: dropped or late agent frames,
 * refused or broken calls, or the server using a whole core.
 *
 *   npm run bench:calls -- [--steps 50,100,200,300,500] [--seconds 15] [--database-url URL] [--cpu-prof DIR]
 *
 * Per N it prints the server's CPU (share of one core) and RSS per call, the agent frames received, dropped and
 * late, their jitter p50/p99, and how busy the whole (shared) machine and the generator were, so a limit reached
 * because the machine or the generator ran out is told apart from one reached by the server.
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { LoadFigures } from './load-generator';
import { BENCH_PUBLIC_URL, BENCH_TWILIO_TOKEN, startBenchServer, type BenchServer } from './lib/bench-server';
import { cpuPercent, machineBusyPercent, sampleMachine, sampleProcess, startFakesProcess, type MachineSample, type ProcessSample } from './lib/processes';
import { fixed, table } from './lib/stats';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Past this share of one core the server's event loop has no slack left for 20 ms pacing. */
const CPU_LIMIT_PERCENT = 90;
const REPLY = 'Sure, I can help you with that booking today. Let me check the details for you right away.';
const GREETING = 'Hello, thank you for calling. How can I help you today?';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '50,100,200,300,500' },
    seconds: { type: 'string', default: '15' },
    'database-url': { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});
const steps = values.steps.split(',').map(Number);
if (!steps.every((n) => Number.isInteger(n) && n > 0)) throw new Error(`Invalid --steps ${values.steps}`);

interface Step {
  calls: number;
  figures: LoadFigures;
  serverCpu: number;
  fakesCpu: number;
  machineBusy: number;
  rssPerCallKb: number;
  loadAverage: string;
}

async function runStep(bench: BenchServer, fakesPid: number, calls: number): Promise<Step> {
  const idle = sampleProcess(bench.server.child.pid!);
  const child = spawn(
    process.execPath,
    [
      ...['--import', 'tsx', 'scripts/bench/load-generator.ts'],
      ...['--server', bench.server.url, '--public-url', BENCH_PUBLIC_URL, '--auth-token', BENCH_TWILIO_TOKEN],
      ...['--api-key', bench.apiKey, '--agent', bench.agentId, '--calls', String(calls), '--seconds', values.seconds],
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let start: { server: ProcessSample; fakes: ProcessSample; machine: MachineSample } | null = null;
  let result: Step | null = null;
  for await (const line of createInterface({ input: child.stdout! })) {
    const message = JSON.parse(line) as { event: string };
    if (message.event === 'window-start') {
      start = { server: sampleProcess(bench.server.child.pid!), fakes: sampleProcess(fakesPid), machine: sampleMachine() };
    } else if (message.event === 'window-end' && start) {
      const server = sampleProcess(bench.server.child.pid!);
      result = {
        calls,
        figures: message as LoadFigures,
        serverCpu: cpuPercent(start.server, server),
        fakesCpu: cpuPercent(start.fakes, sampleProcess(fakesPid)),
        machineBusy: machineBusyPercent(start.machine, sampleMachine()),
        rssPerCallKb: (server.rssBytes - idle.rssBytes) / 1024 / Math.max(1, (message as LoadFigures).connected),
        loadAverage: uptimeLoad(),
      };
    }
  }
  if (!result) throw new Error(`the load generator for ${calls} calls ended without figures`);
  // Calls end (and are summarized) after the hang-up; let the server settle before the next step.
  await new Promise((r) => setTimeout(r, 3000));
  return result;
}

function uptimeLoad(): string {
  return /load average: (.*)$/.exec(execFileSync('uptime', { encoding: 'utf8' }).trim())?.[1] ?? '?';
}

function limitReached(step: Step): string | null {
  const f = step.figures;
  if (f.refused > 0) return `${f.refused} calls refused or failed to connect (${f.firstError})`;
  if (f.endedEarly > 0) return `${f.endedEarly} calls ended by the server`;
  if (f.dropped > 0) return `${f.dropped} frames dropped`;
  if (f.late > 0) return `${f.late} frames late (worst ${fixed(f.lateMaxMs)} ms past the playout deadline)`;
  if (step.serverCpu >= CPU_LIMIT_PERCENT) return `server CPU ${fixed(step.serverCpu)}% of one core`;
  return null;
}

console.log(`machine: ${execFileSync('nproc', { encoding: 'utf8' }).trim()} cores, load average ${uptimeLoad()}`);
const fakes = await startFakesProcess(['--stamp-frames', '--reply', REPLY, '--llm-ttft-ms', '200', '--tts-ttfb-ms', '150']);
const bench = await startBenchServer({
  fakes: fakes.urls,
  greeting: GREETING,
  endpointingMs: 200,
  ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
  ...(values['cpu-prof'] ? { env: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${values['cpu-prof']}` } } : {}),
});

const header = [
  'calls', 'server CPU %', 'RSS/call KB', 'frames', 'dropped', 'late', 'jitter p50 ms', 'jitter p99 ms',
  'turns', 'fakes CPU %', 'generator CPU %', 'gen. loop p99 ms', 'machine busy %', 'load avg',
];
const rows: string[][] = [header];
let limit: string | null = null;
try {
  for (const calls of steps) {
    const step = await runStep(bench, fakes.pid, calls);
    const f = step.figures;
    rows.push([
      String(calls), fixed(step.serverCpu), fixed(step.rssPerCallKb, 0), String(f.frames), String(f.dropped), String(f.late),
      fixed(f.jitterP50Ms, 2), fixed(f.jitterP99Ms, 2), String(f.turns), fixed(step.fakesCpu), fixed(f.generatorCpuPercent),
      fixed(f.generatorLoopDelayP99Ms), fixed(step.machineBusy), step.loadAverage,
    ]);
    console.log(`${calls} calls: ${rows.at(-1)!.slice(1, 8).join(' / ')}${f.noReply || f.clears || f.unstamped ? ` (no reply ${f.noReply}, clears ${f.clears}, unstamped ${f.unstamped})` : ''}`);
    limit = limitReached(step);
    if (limit) {
      limit = `${calls} calls: ${limit}`;
      break;
    }
  }
} finally {
  await bench.stop();
  await fakes.stop();
}

console.log(`\n${table(rows)}\n`);
console.log(limit ? `Limit reached at ${limit}` : `No limit reached up to ${steps.at(-1)} calls.`);
console.log(`Targets: >= 500 calls with 0 dropped frames and jitter p99 <= 20 ms. Load average now: ${uptimeLoad()}`);
