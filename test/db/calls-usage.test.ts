import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrate';
import { callTotals, EMPTY_METRICS, failStaleCalls, finishCall, insertCall, listCalls } from '../../src/db/repositories/calls';
import { insertOrganization } from '../../src/db/repositories/organizations';
import { addUsage, listUsage, minutesUsedSince } from '../../src/db/repositories/usage';
import { seedDatabase } from '../../src/db/seed';
import { freshDatabaseUrl } from '../support/database';

let handle: DatabaseHandle;
let drop: () => Promise<void>;
beforeAll(async () => {
  const fresh = await freshDatabaseUrl();
  drop = fresh.drop;
  handle = openDatabase(fresh.url);
  await migrateToLatest(handle.db, handle.dialect);
  await seedDatabase(handle.db);
  await seedDatabase(handle.db); // idempotent
});
afterAll(async () => {
  await handle.close();
  await drop();
});

const newOrg = () => insertOrganization(handle.db, { name: 'Org', status: 'active', planSlug: 'free' });
const newCall = (orgId: string) =>
  insertCall(handle.db, { orgId, agentId: 'a1', agentName: 'Bot', channel: 'phone', from: null, to: null, twilioCallSid: null, instanceId: 'i1' });
const outcome = (durationSec: number) => ({
  status: 'completed' as const,
  endReason: 'caller_hangup',
  durationSec,
  transcript: [],
  summary: null,
  sentiment: null,
  metrics: EMPTY_METRICS,
  metadata: { turns: [] },
});

describe('daily usage', () => {
  it('adds concurrent increments without losing any', async () => {
    const org = await newOrg();
    await Promise.all(
      Array.from({ length: 25 }, () => addUsage(handle.db, org.id, '2026-11-29', { calls: 1, minutes: 2, tokens: 100, ttsChars: 10, sttSeconds: 1.5 })),
    );
    expect(await listUsage(handle.db, org.id, '2026-11-01')).toEqual([
      { date: '2026-11-29', calls: 25, minutes: 50, tokens: 2500, ttsChars: 250, sttSeconds: 37.5 },
    ]);
    expect(await minutesUsedSince(handle.db, org.id, '2026-11-01')).toBe(50);
    expect(await minutesUsedSince(handle.db, org.id, '2026-12-01')).toBe(0);
  });
});

describe('calls', () => {
  it('finishes a call once and totals minutes rounded up per call', async () => {
    const org = await newOrg();
    const first = await newCall(org.id);
    const second = await newCall(org.id);
    await newCall(org.id); // still active
    expect(await finishCall(handle.db, first.id, outcome(61))).toBe(true);
    expect(await finishCall(handle.db, first.id, outcome(999))).toBe(false);
    await finishCall(handle.db, second.id, outcome(30));
    expect(await callTotals(handle.db, org.id)).toEqual({ totalCalls: 3, activeCalls: 1, totalMinutes: 3, avgDurationSec: 45.5 });
  });

  it('closes calls whose process stopped heartbeating as failed and leaves ended calls alone', async () => {
    const org = await newOrg();
    const stale = await newCall(org.id);
    const done = await newCall(org.id);
    await finishCall(handle.db, done.id, outcome(10));
    const failed = await failStaleCalls(handle.db, new Date(Date.now() + 1000).toISOString());
    expect(failed).toContain(stale.id);
    const calls = await listCalls(handle.db, org.id, { skip: 0, limit: 10 });
    expect(calls.find((c) => c.id === stale.id)).toMatchObject({ status: 'failed', endReason: 'server_lost' });
    expect(calls.find((c) => c.id === done.id)).toMatchObject({ status: 'completed', durationSec: 10 });
  });
});
