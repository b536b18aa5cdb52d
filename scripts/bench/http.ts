/**
 * API throughput against the real server (its own process, production mode, a fresh database per run), on SQLite
 * and Postgres, with a bare Koa hello-world measured in the same run as the baseline (the machine is shared and
 * noisy, so the ratios are the figures that compare across runs).
 *
 *   npm run bench:http -- [--duration 5] [--dialect sqlite|postgres] [--only list,search,...] [--profile]
 *
 * Scenarios, 50 connections each unless said: list (GET /dashboard/agents by API key, 10 agents; with a reference
 * row: bare Koa answering that same body, the ceiling of the list's ratio), search
 * (GET /dashboard/models/search), create-delete (POST /dashboard/agents then DELETE it), webhook-200 (signed
 * POST /twilio/voice sent open-loop at 200 req/s, p50/p99 from when each was due), webhook-max (the same,
 * closed-loop), and list-2-workers (list with WEB_CONCURRENCY=2, as a ratio to 1 worker).
 * --profile runs the 1-worker server under --cpu-prof and prints the functions with the most self time.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type autocannon from 'autocannon';
import { voiceWebhookRequest } from '../lib/twilio-caller';
import type { TestDialect } from '../../test/support/database';
import { setUpBenchOrg, type BenchOrg } from './lib/bench-org';
import { BENCH_PUBLIC_URL, BENCH_TWILIO_TOKEN } from './lib/bench-server';
import { profileDirectory, ROOT, startBareKoa, startVoicex, type RunningServer } from './lib/bench-servers';
import { topSelfTime } from './lib/cpu-profile-top';
import { closedLoop, type LoadFigures } from './lib/load';
import { openLoop } from './lib/open-loop';

const CONNECTIONS = 50;
const AGENTS = 10;
const WEBHOOK_RATE = 200;
const SCENARIOS = ['list', 'search', 'create-delete', 'webhook-200', 'webhook-max', 'list-2-workers'] as const;
type ScenarioName = (typeof SCENARIOS)[number];

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    dialect: { type: 'string' },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
  },
});
const durationSec = Number(flags.duration);
if (!(durationSec > 0)) throw new Error('--duration must be a positive number of seconds');
const warmupSec = Math.min(2, Math.max(1, durationSec / 3));
const dialects: TestDialect[] = flags.dialect ? [flags.dialect as TestDialect] : ['sqlite', 'postgres'];
if (dialects.some((d) => d !== 'sqlite' && d !== 'postgres')) throw new Error('--dialect must be sqlite or postgres');
const only = flags.only ? flags.only.split(',') : [...SCENARIOS];
const unknown = only.filter((name) => !SCENARIOS.includes(name as ScenarioName));
if (unknown.length) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`);
const wanted = (name: ScenarioName) => only.includes(name);

interface Row {
  scenario: string;
  rps?: number;
  p50Ms: number;
  p99Ms: number;
  /** Ratio to the baseline this row compares with (bare Koa, or 1 worker). */
  ratio?: { value: number; to: string };
  failures: number;
  failureStatuses?: string;
}

/** Warm-up (JIT, caches, pools) then the measured run. */
async function measured(options: Parameters<typeof closedLoop>[0]): Promise<LoadFigures> {
  await closedLoop({ ...options, durationSec: warmupSec });
  return closedLoop(options);
}

const listAgents = (server: RunningServer, org: BenchOrg) =>
  measured({ url: `${server.apiUrl}/dashboard/agents`, connections: CONNECTIONS, durationSec, headers: { 'x-api-key': org.apiKey } });

function signedWebhook(org: BenchOrg) {
  return voiceWebhookRequest({ publicUrl: BENCH_PUBLIC_URL, apiKey: org.apiKey, authToken: BENCH_TWILIO_TOKEN, agentId: org.agents[0]!._id });
}

/** Prints the 1-worker rows; returns the agent list figures the 2-worker run compares with. */
async function oneWorkerScenarios(server: RunningServer, org: BenchOrg, bareRps: number): Promise<LoadFigures | undefined> {
  let list: LoadFigures | undefined;
  const add = (scenario: string, figures: LoadFigures) =>
    printRow({ scenario, ...figures, ratio: { value: figures.rps / bareRps, to: 'bare Koa' } });
  const json = { 'content-type': 'application/json', 'x-api-key': org.apiKey };

  if (wanted('list') || wanted('list-2-workers')) {
    list = await listAgents(server, org);
    add('GET /dashboard/agents (API key)', list);
  }
  if (wanted('list')) {
    const { bytes, figures } = await bareKoaWithBodyOf(`${server.apiUrl}/dashboard/agents`, { 'x-api-key': org.apiKey });
    add(`  reference: bare Koa, that body (${(bytes / 1024).toFixed(1)} KiB)`, figures);
  }
  if (wanted('search')) {
    add(
      'GET /dashboard/models/search',
      await measured({
        url: `${server.apiUrl}/dashboard/models/search?category=llm&query=llama`,
        connections: CONNECTIONS,
        durationSec,
        headers: { 'x-api-key': org.apiKey },
      }),
    );
  }
  if (wanted('create-delete')) {
    const requests: autocannon.Request[] = [
      {
        method: 'POST',
        path: '/api/dashboard/agents',
        headers: json,
        body: JSON.stringify(org.agentBody),
        onResponse: (_status, body, context) => {
          (context as { agentId?: string }).agentId = (JSON.parse(body) as { _id: string })._id;
        },
      },
      {
        method: 'DELETE',
        headers: { 'x-api-key': org.apiKey },
        setupRequest: (request, context) => ({ ...request, path: `/api/dashboard/agents/${(context as { agentId: string }).agentId}` }),
      },
    ];
    add('POST + DELETE /dashboard/agents', await measured({ url: server.url, connections: CONNECTIONS, durationSec, requests, expectStatus: [201, 204] }));
  }
  if (wanted('webhook-200')) {
    const figures = await openLoop({
      url: server.url,
      ratePerSec: WEBHOOK_RATE,
      durationSec,
      expectStatus: 200,
      next: () => ({ method: 'POST', ...signedWebhook(org) }),
    });
    printRow({ scenario: `POST /twilio/voice, open loop ${WEBHOOK_RATE}/s`, ...figures });
  }
  if (wanted('webhook-max')) {
    const requests: autocannon.Request[] = [
      { method: 'POST', setupRequest: (request) => ({ ...request, method: 'POST', ...signedWebhook(org) }) },
    ];
    add('POST /twilio/voice, max', await measured({ url: server.url, connections: CONNECTIONS, durationSec, requests }));
  }
  return list;
}

/**
 * Bare Koa answering the very body an endpoint returned: what a response of that size costs with no routing,
 * validation, auth, database or logging, i.e. the ceiling for that endpoint's ratio on this machine.
 */
async function bareKoaWithBodyOf(url: string, headers: Record<string, string>): Promise<{ bytes: number; figures: LoadFigures }> {
  const body = await (await fetch(url, { headers })).text();
  const dir = await mkdtemp(join(tmpdir(), 'voicex-bench-body-'));
  const file = join(dir, 'body.json');
  await writeFile(file, body);
  const koa = await startBareKoa(file);
  try {
    return { bytes: Buffer.byteLength(body), figures: await measured({ url: koa.url, connections: CONNECTIONS, durationSec }) };
  } finally {
    await koa.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function benchDialect(dialect: TestDialect): Promise<void> {
  const koa = await startBareKoa();
  const bare = await measured({ url: koa.url, connections: CONNECTIONS, durationSec });
  await koa.stop();
  printRow({ scenario: 'bare Koa hello-world', ...bare });

  const profileDir = flags.profile ? await profileDirectory() : undefined;
  const one = await startVoicex({ dialect, workers: 1, profileDir });
  let oneWorkerList: LoadFigures | undefined;
  try {
    const org = await setUpBenchOrg(one.apiUrl, AGENTS);
    const list = await oneWorkerScenarios(one, org, bare.rps);
    if (wanted('list-2-workers')) oneWorkerList = list;
  } finally {
    await one.stop();
  }
  if (profileDir) await printProfile(dialect, profileDir);

  if (oneWorkerList) {
    const two = await startVoicex({ dialect, workers: 2 });
    try {
      const org = await setUpBenchOrg(two.apiUrl, AGENTS);
      const figures = await listAgents(two, org);
      printRow({
        scenario: 'GET /dashboard/agents, WEB_CONCURRENCY=2',
        ...figures,
        ratio: { value: figures.rps / oneWorkerList.rps, to: '1 worker' },
      });
    } finally {
      await two.stop();
    }
  }
}

async function printProfile(dialect: TestDialect, dir: string): Promise<void> {
  const { busyMs, top } = await topSelfTime(dir, ROOT, 25);
  console.log(`\nCPU profile (${dialect}, 1 worker, all scenarios): ${(busyMs / 1000).toFixed(1)} s busy; top self time (${dir})`);
  for (const t of top) console.log(`  ${(t.share * 100).toFixed(1).padStart(5)}%  ${t.ms.toFixed(0).padStart(6)} ms  ${t.name}  ${t.where}`);
}

const fixed = (n: number | undefined, digits: number) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits));
const WIDTHS = [44, 7, 8, 8, 19, 8];

function printLine(cells: string[]): void {
  console.log(cells.map((cell, i) => (i === 0 ? cell.padEnd(WIDTHS[i]!) : cell.padStart(WIDTHS[i]!))).join('  '));
}

/** Rows are printed as they are measured, so a run that fails late still shows what it measured. */
function printRow(r: Row): void {
  const ratio = r.ratio ? `${r.ratio.value.toFixed(2)}x ${r.ratio.to}` : '';
  printLine([r.scenario, fixed(r.rps, 0), fixed(r.p50Ms, 1), fixed(r.p99Ms, 1), ratio, `${r.failures}${r.failureStatuses ? ` (${r.failureStatuses})` : ''}`]);
}

const started = Date.now();
for (const dialect of dialects) {
  console.log(`\n${dialect}: ${CONNECTIONS} connections, ${durationSec} s per scenario after ${warmupSec} s warm-up`);
  printLine(['scenario', 'req/s', 'p50 ms', 'p99 ms', 'ratio', 'failures']);
  await benchDialect(dialect);
}
console.log(`\nfinished in ${Math.round((Date.now() - started) / 1000)} s`);
