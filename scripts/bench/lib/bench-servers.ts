import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshDatabaseUrl, type TestDialect } from '../../../test/support/database';
import { startServerProcess } from '../../../test/support/server-process';
import { BENCH_PUBLIC_URL, BENCH_TWILIO_TOKEN } from './bench-server';
import { startHelperProcess } from './processes';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const UNREACHABLE_RATE = '1000000000/1';

const children = new Set<{ kill(signal: NodeJS.Signals): unknown }>();
// A benchmark that fails half-way must not leave servers running behind it.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export interface RunningServer {
  url: string;
  apiUrl: string;
  /** Graceful stop; with profiling on, resolves once the profile files are written. */
  stop(): Promise<void>;
}

export interface VoicexOptions {
  dialect: TestDialect;
  workers: number;
  /** Write a V8 CPU profile per process into this directory. */
  profileDir?: string;
}

/**
 * `npm start` in production mode (no response validation, info logs) as its own process, over a fresh SQLite
 * file or a fresh Postgres schema. A reserved call whose stream never connects is released after 2 s, as if
 * Twilio's stream had come and gone, so webhook runs do not pile up thousands of pending calls.
 */
export async function startVoicex(options: VoicexOptions): Promise<RunningServer> {
  const database = await freshDatabaseUrl({ dialect: options.dialect, persistent: true });
  const nodeArgs = options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [];
  const server = await startServerProcess(
    {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      DATABASE_URL: database.url,
      JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123456789abcdef',
      ENCRYPTION_KEY: '0123456789abcdef'.repeat(4),
      PUBLIC_URL: BENCH_PUBLIC_URL,
      TWILIO_AUTH_TOKEN: BENCH_TWILIO_TOKEN,
      WEB_CONCURRENCY: String(options.workers),
      CALL_CONNECT_TIMEOUT_MS: '2000',
      // The limiters still count every request (their cost is measured) but never refuse the benchmark's load.
      RATE_LIMIT_IP: UNREACHABLE_RATE,
      RATE_LIMIT_CALLER: UNREACHABLE_RATE,
      RATE_LIMIT_WEBHOOK: UNREACHABLE_RATE,
      SHUTDOWN_GRACE_MS: '1000',
    },
    // Two workers each compiling the spec's validators take over half a minute on a busy 2-core machine.
    180_000,
    nodeArgs,
  );
  children.add(server.child);
  // Its info log lines are part of the cost measured, but nobody reads them here.
  server.child.stdout!.removeAllListeners('data').resume();
  return {
    url: server.url,
    apiUrl: server.apiUrl,
    stop: async () => {
      await server.stop('SIGTERM');
      children.delete(server.child);
      await database.drop();
    },
  };
}

/** The bare Koa hello-world (bare-koa-server.ts) in its own process, or answering the JSON of `bodyFile`. */
export async function startBareKoa(bodyFile?: string): Promise<RunningServer> {
  const bare = await startHelperProcess<{ url: string }>('scripts/bench/lib/bare-koa-server.ts', bodyFile ? ['--body-file', bodyFile] : []);
  return { url: bare.info.url, apiUrl: bare.info.url, stop: () => bare.stop() };
}

export const profileDirectory = () => mkdtemp(join(tmpdir(), 'voicex-cpu-prof-'));
