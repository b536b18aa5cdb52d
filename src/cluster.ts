import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { Config } from './config';
import { openDatabase } from './db/database';
import { migrateToLatest } from './db/migrate';
import { seedDatabase } from './db/seed';

/** A worker that dies this soon after starting is failing to boot, not crashing under load. */
const BOOT_FAILURE_MS = 5000;
const MAX_BOOT_FAILURES = 5;
const RESPAWN_DELAY_MS = 500;

/**
 * The primary of `WEB_CONCURRENCY` workers sharing the port. It prepares the database once, keeps the workers
 * running (a crashed worker is replaced; its calls are reaped by the others' heartbeat checks), and on SIGTERM
 * or SIGINT lets every worker drain before it exits.
 */
export async function runPrimary(config: Config, log: Logger): Promise<void> {
  // Workers migrate too and find nothing to do; doing it first keeps N processes from queuing on the lock.
  const database = openDatabase(config.databaseUrl, { poolSize: 1 });
  await migrateToLatest(database.db, database.dialect);
  await seedDatabase(database.db);
  await database.close();

  let stopping = false;
  let bootFailures = 0;
  const startedAt = new Map<Worker, number>();
  const fork = () => startedAt.set(cluster.fork(), Date.now());

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    if (stopping) {
      if (startedAt.size === 0) process.exit(0);
      return;
    }
    bootFailures = lived < BOOT_FAILURE_MS ? bootFailures + 1 : 0;
    if (bootFailures >= MAX_BOOT_FAILURES) {
      log.fatal({ code, signal }, 'workers keep failing at start; giving up');
      process.exit(1);
    }
    log.error({ pid: worker.process.pid, code, signal }, 'worker died; starting a new one');
    setTimeout(fork, RESPAWN_DELAY_MS);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, workers: startedAt.size }, 'stopping workers');
    for (const worker of startedAt.keys()) worker.process.kill('SIGTERM');
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  for (let i = 0; i < config.webConcurrency; i++) fork();
  log.info({ workers: config.webConcurrency, port: config.port }, 'primary started');
}
