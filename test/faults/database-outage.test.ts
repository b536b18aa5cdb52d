/**
 * Postgres goes down under load and comes back: meanwhile every request answers 503 { error } (never a 500, never a
 * 401 from an authentication that could not be checked), the server recovers without a restart, and every write it
 * acknowledged is still there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllFakes, type RunningFakes } from '../fakes/serve';
import { createPrivatePostgres, type PrivatePostgres } from '../support/private-postgres';
import { processClient, setUpProcessWorld } from '../support/process-world';
import { startServerProcess, type ServerProcess } from '../support/server-process';

const OUTAGE_MS = 3000;
/** The bar: no 5xx once the database has been back this long. */
const RECOVERY_MS = 5000;
const WRITERS = 6;
const READERS = 2;
/**
 * The server's auth cache TTL (config authCacheMs): for this long after the database goes away, a read answered from
 * the authenticated context alone (GET /organization) may still succeed from memory, which is fine.
 */
const AUTH_CACHE_MS = 500;

let postgres: PrivatePostgres;
let fakes: RunningFakes;
let server: ServerProcess;
beforeAll(async () => {
  postgres = await createPrivatePostgres();
  fakes = await startAllFakes();
  server = await startServerProcess({
    NODE_ENV: 'test',
    DATABASE_URL: postgres.url,
    JWT_SECRET: 'faults-test-jwt-secret-0123456789abcdef0123456789',
    ENCRYPTION_KEY: 'cd'.repeat(32),
  });
});
afterAll(async () => {
  await server?.stop('SIGKILL');
  await fakes?.close();
  await postgres?.destroy();
});

interface Outcome {
  startedAt: number;
  endedAt: number;
  status: number;
  /** `{ error }` present (for refusals). */
  hasError: boolean;
  /** The id of an API key whose creation was acknowledged. */
  createdId?: string;
}

async function attempt(send: () => Promise<Response>): Promise<Outcome> {
  const startedAt = Date.now();
  try {
    const response = await send();
    const body = (await response.json().catch(() => ({}))) as { error?: unknown; _id?: string };
    return { startedAt, endedAt: Date.now(), status: response.status, hasError: typeof body.error === 'string', ...(response.status === 201 && body._id ? { createdId: body._id } : {}) };
  } catch {
    return { startedAt, endedAt: Date.now(), status: 0, hasError: false };
  }
}

const countBy = (outcomes: Outcome[]) => outcomes.reduce<Record<number, number>>((acc, o) => ({ ...acc, [o.status]: (acc[o.status] ?? 0) + 1 }), {});

describe('Postgres outage under load', () => {
  it('answers 503 { error } while Postgres is down, recovers on its own, and loses no acknowledged write', async () => {
    const world = await setUpProcessWorld(server, fakes.urls);
    const org = await world.newOrg('pro');
    const outcomes: Outcome[] = [];
    let running = true;
    const timeout = () => AbortSignal.timeout(15_000);
    const writer = async (w: number) => {
      for (let n = 0; running; n++) {
        outcomes.push(
          await attempt(() =>
            fetch(`${server.apiUrl}/dashboard/api-keys`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-api-key': org.apiKey },
              body: JSON.stringify({ name: `w${w}-${n}` }),
              signal: timeout(),
            }),
          ),
        );
      }
    };
    const reader = async () => {
      while (running) outcomes.push(await attempt(() => fetch(`${server.apiUrl}/dashboard/organization`, { headers: { authorization: `Bearer ${org.token}` }, signal: timeout() })));
    };
    const load = Promise.all([...Array.from({ length: WRITERS }, (_, w) => writer(w)), ...Array.from({ length: READERS }, reader)]);
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    await sleep(1500);
    await postgres.stop('immediate');
    const downAt = Date.now() + AUTH_CACHE_MS;
    await sleep(OUTAGE_MS);
    if (server.child.exitCode !== null || server.child.signalCode !== null) throw new Error(`server died during the outage:\n${server.output()}`);
    const probes = { health: (await fetch(`${server.apiUrl}/health`)).status, ready: (await fetch(`${server.apiUrl}/ready`)).status };
    const restartAt = Date.now();
    await postgres.start();
    const backAt = Date.now();
    await sleep(RECOVERY_MS + 3000);
    running = false;
    await load;

    const during = outcomes.filter((o) => o.startedAt >= downAt && o.endedAt <= restartAt);
    const firstSuccess = outcomes.filter((o) => o.startedAt >= backAt && o.status < 300).sort((a, b) => a.endedAt - b.endedAt)[0];
    const late = outcomes.filter((o) => o.startedAt >= backAt + RECOVERY_MS);
    const acknowledged = outcomes.flatMap((o) => (o.createdId ? [o.createdId] : []));
    const { data: stored } = await processClient(server, { token: org.token }).GET('/dashboard/api-keys');
    const storedIds = new Set(stored!.map((k) => k._id));
    const lost = acknowledged.filter((id) => !storedIds.has(id));
    const unexpected = outcomes.filter((o) => ![200, 201, 503].includes(o.status) || (o.status === 503 && !o.hasError));

    console.log(
      `database outage: down ${restartAt - downAt} ms (start took ${backAt - restartAt} ms); ${outcomes.length} requests, by status ${JSON.stringify(countBy(outcomes))}; ` +
        `during the outage ${JSON.stringify(countBy(during))}; /health ${probes.health}, /ready ${probes.ready} while down; ` +
        `first success ${firstSuccess ? firstSuccess.endedAt - backAt : 'never'} ms after Postgres was back; ` +
        `after ${RECOVERY_MS} ms: ${late.length} requests, ${late.filter((o) => o.status >= 500).length} 5xx; ` +
        `writes acknowledged ${acknowledged.length}, lost ${lost.length}`,
    );

    expect(unexpected.map((o) => o.status)).toEqual([]);
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((o) => o.status === 503)).toBe(true);
    expect(probes).toEqual({ health: 200, ready: 503 });
    expect(firstSuccess).toBeDefined();
    expect(late.length).toBeGreaterThan(0);
    expect(late.filter((o) => o.status !== 200 && o.status !== 201)).toEqual([]);
    expect(lost).toEqual([]);
  });
});
