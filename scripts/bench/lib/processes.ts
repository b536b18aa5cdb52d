/**
 * The processes a benchmark runs against: the fake vendors (test/fakes/serve.ts) and the Voicex server, each its
 * own OS process, plus CPU and memory readings of any process from /proc (Linux).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { FakeVendorUrls } from '../../../test/fakes/serve';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface HelperProcess<Info> {
  /** What the process printed as its first line (JSON). */
  info: Info;
  pid: number;
  stop(): Promise<void>;
}

/** A TypeScript script as its own process, ready once it printed one JSON line about itself. */
export async function startHelperProcess<Info>(script: string, args: string[] = []): Promise<HelperProcess<Info>> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A benchmark that fails half-way must not leave its helpers running.
  process.once('exit', () => child.kill('SIGKILL'));
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
  });
  return {
    info: JSON.parse(firstLine) as Info,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** `test/fakes/serve.ts` with the given options (e.g. `--llm-ttft-ms 200`); `info` holds the vendor URLs. */
export const startFakesProcess = (args: string[]) => startHelperProcess<FakeVendorUrls>('test/fakes/serve.ts', args);

export interface ProcessSample {
  /** CPU time used so far (user + system), milliseconds. */
  cpuMs: number;
  rssBytes: number;
  at: number;
}

const TICKS_PER_SECOND = 100;

/** Reads /proc/<pid>/stat (utime, stime) and /proc/<pid>/status (VmRSS). */
export function sampleProcess(pid: number): ProcessSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpuMs: (ticks * 1000) / TICKS_PER_SECOND, rssBytes: rssKb * 1024, at: performance.now() };
}

/** CPU used between two samples as a percentage of one core. */
export const cpuPercent = (from: ProcessSample, to: ProcessSample) => ((to.cpuMs - from.cpuMs) / (to.at - from.at)) * 100;

export interface MachineSample {
  busy: number;
  total: number;
}

/** Whole-machine CPU counters (/proc/stat), to tell how busy the shared machine was, other tenants included. */
export function sampleMachine(): MachineSample {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  const total = cpu.reduce((n, v) => n + v, 0);
  return { busy: total - idle, total };
}

/** Share of all cores that was busy between two samples, in percent. */
export const machineBusyPercent = (from: MachineSample, to: MachineSample) => ((to.busy - from.busy) / Math.max(1, to.total - from.total)) * 100;
