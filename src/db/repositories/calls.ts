import { sql, type Selectable } from 'kysely';
import type { Call, CallChannel, CallMetadata, CallMetrics, CallStatus, TranscriptMessage } from '../../domain';
import type { DB, DialectName } from '../database';
import type { CallsTable } from '../schema';
import { json, newId, nowIso, parseJson } from '../values';
import { lockOrganization } from './organizations';
import { minutesUsedSince } from './usage';

export const EMPTY_METRICS: CallMetrics = {
  ttfbMs: null,
  avgLatencyMs: null,
  totalTokens: 0,
  ttsChars: 0,
  interruptions: 0,
  turnCount: 0,
};

function toCall(row: Selectable<CallsTable>): Call {
  return {
    id: row.id,
    orgId: row.org_id,
    agentId: row.agent_id,
    agentName: row.agent_name,
    channel: row.channel,
    status: row.status,
    from: row.from_number,
    to: row.to_number,
    twilioCallSid: row.twilio_call_sid,
    startedAt: row.started_at,
    connectedAt: row.connected_at,
    endedAt: row.ended_at,
    durationSec: row.duration_sec,
    transcript: parseJson<TranscriptMessage[]>(row.transcript),
    summary: row.summary,
    sentiment: row.sentiment,
    endReason: row.end_reason,
    metrics: parseJson<CallMetrics>(row.metrics),
    metadata: parseJson<CallMetadata>(row.metadata),
    instanceId: row.instance_id,
    heartbeatAt: row.heartbeat_at,
  };
}

export interface NewCall {
  orgId: string;
  agentId: string;
  agentName: string;
  channel: CallChannel;
  from: string | null;
  to: string | null;
  twilioCallSid: string | null;
  instanceId: string;
  clientMetadata?: Record<string, unknown>;
}

function newCallRow(call: NewCall): Selectable<CallsTable> {
  const now = nowIso();
  const metadata: CallMetadata = { turns: [], ...(call.clientMetadata && { client: call.clientMetadata }) };
  return {
    id: newId(),
    org_id: call.orgId,
    agent_id: call.agentId,
    agent_name: call.agentName,
    channel: call.channel,
    status: 'active',
    from_number: call.from,
    to_number: call.to,
    twilio_call_sid: call.twilioCallSid,
    started_at: now,
    connected_at: null,
    ended_at: null,
    duration_sec: 0,
    transcript: '[]',
    summary: null,
    sentiment: null,
    end_reason: null,
    metrics: json(EMPTY_METRICS),
    metadata: json(metadata),
    instance_id: call.instanceId,
    heartbeat_at: now,
    created_at: now,
    updated_at: now,
  };
}

/** A call starts `active`, its slot reserved, before media flows. Admission checks the slot first (insertCallWithinLimits). */
export async function insertCall(db: DB, call: NewCall): Promise<Call> {
  const row = newCallRow(call);
  await db.insertInto('calls').values(row).execute();
  return toCall(row);
}

/** Why a call got no slot: every line of the plan busy, or the month's minutes used up. */
export type NoSlot = 'lines' | 'minutes';

export interface CallLimits {
  maxActive: number;
  maxMonthlyMinutes: number;
  /** First day of the current month, `YYYY-MM-DD` (daily_usage's key). */
  monthStart: string;
}

/**
 * Inserts the call as `active` (its slot reserved, before media flows) if the organization has minutes left this
 * month and fewer than `maxActive` active calls. Counting and inserting happen under the organization's row lock,
 * so parallel reservations on any process never exceed the limit. On Postgres that is one statement
 * (reserve_call_slot, migration 003): the lock is held for the function's run instead of across four client round
 * trips, which under load had capped one organization's admissions near 100 calls/s.
 */
export async function insertCallWithinLimits(db: DB, dialect: DialectName, call: NewCall, limits: CallLimits): Promise<Call | NoSlot> {
  if (dialect === 'postgres') {
    const row = newCallRow(call);
    const { rows } = await sql<{ outcome: 'reserved' | NoSlot }>`select reserve_call_slot(${call.orgId}, ${limits.maxActive}, ${limits.maxMonthlyMinutes}, ${limits.monthStart}, ${json(row)}::json) as outcome`.execute(db);
    const outcome = rows[0]?.outcome;
    if (!outcome) throw new Error('reserve_call_slot returned nothing');
    return outcome === 'reserved' ? toCall(row) : outcome;
  }
  if ((await minutesUsedSince(db, call.orgId, limits.monthStart)) >= limits.maxMonthlyMinutes) return 'minutes';
  return db.transaction().execute(async (trx) => {
    await lockOrganization(trx, call.orgId);
    if ((await countActiveCalls(trx, call.orgId)) >= limits.maxActive) return 'lines';
    return insertCall(trx, call);
  });
}

export async function findCall(db: DB, orgId: string, id: string): Promise<Call | undefined> {
  const row = await db.selectFrom('calls').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return row && toCall(row);
}

export async function findCallByTwilioSid(db: DB, orgId: string, callSid: string): Promise<Call | undefined> {
  const row = await db
    .selectFrom('calls')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('twilio_call_sid', '=', callSid)
    .orderBy('started_at', 'desc')
    .executeTakeFirst();
  return row && toCall(row);
}

export interface CallFilter {
  agentId?: string;
  status?: CallStatus;
  channel?: CallChannel;
}

function filtered(db: DB, orgId: string, filter: CallFilter) {
  let query = db.selectFrom('calls').where('org_id', '=', orgId);
  if (filter.agentId) query = query.where('agent_id', '=', filter.agentId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.channel) query = query.where('channel', '=', filter.channel);
  return query;
}

/** Newest first. */
export async function listCalls(db: DB, orgId: string, filter: CallFilter & { skip: number; limit: number }): Promise<Call[]> {
  const rows = await filtered(db, orgId, filter)
    .selectAll()
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .offset(filter.skip)
    .limit(filter.limit)
    .execute();
  return rows.map(toCall);
}

export async function countCalls(db: DB, orgId: string, filter: CallFilter): Promise<number> {
  const row = await filtered(db, orgId, filter).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export const countActiveCalls = (db: DB, orgId: string) => countCalls(db, orgId, { status: 'active' });

/** Totals for the dashboard, computed in SQL. Minutes round each call up, as billing does. */
export async function callTotals(db: DB, orgId: string): Promise<{ totalCalls: number; activeCalls: number; totalMinutes: number; avgDurationSec: number }> {
  const row = await db
    .selectFrom('calls')
    .where('org_id', '=', orgId)
    .select((eb) => [
      eb.fn.countAll<number>().as('total'),
      eb.fn.sum<number>(eb.case().when('status', '=', 'active').then(1).else(0).end()).as('active'),
      eb.fn
        .sum<number>(
          eb.case().when('status', '!=', 'active').then(eb.fn('ceil', [eb('duration_sec', '/', 60)])).else(0).end(),
        )
        .as('minutes'),
      eb.fn.avg<number>(eb.case().when('status', '!=', 'active').then(eb.ref('duration_sec')).end()).as('avg'),
    ])
    .executeTakeFirstOrThrow();
  return {
    totalCalls: Number(row.total),
    activeCalls: Number(row.active ?? 0),
    totalMinutes: Number(row.minutes ?? 0),
    avgDurationSec: Math.round(Number(row.avg ?? 0) * 10) / 10,
  };
}

/** Claims a reserved call for the stream that connected; false when another stream claimed it first (a replay). */
export async function markCallConnected(db: DB, id: string, instanceId: string): Promise<boolean> {
  const now = nowIso();
  const result = await db
    .updateTable('calls')
    .set({ connected_at: now, instance_id: instanceId, heartbeat_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .where('connected_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export interface CallOutcome {
  status: 'completed' | 'failed';
  endReason: string;
  durationSec: number;
  transcript: TranscriptMessage[];
  summary: string | null;
  sentiment: 'positive' | 'neutral' | 'negative' | null;
  metrics: CallMetrics;
  metadata: CallMetadata;
}

/** Ends an active call once; false when it had already ended (e.g. closed by a status callback or a reaper). */
export async function finishCall(db: DB, id: string, outcome: CallOutcome): Promise<boolean> {
  const now = nowIso();
  const result = await db
    .updateTable('calls')
    .set({
      status: outcome.status,
      end_reason: outcome.endReason,
      duration_sec: outcome.durationSec,
      transcript: json(outcome.transcript),
      summary: outcome.summary,
      sentiment: outcome.sentiment,
      metrics: json(outcome.metrics),
      metadata: json(outcome.metadata),
      ended_at: now,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Closes active calls matching the condition as failed, keeping whatever they had recorded. Returns their ids. */
async function failActiveCalls(db: DB, reason: string, where: { instanceId?: string; heartbeatBefore?: string; neverConnectedBefore?: string; neverConnected?: boolean; id?: string }): Promise<string[]> {
  const now = nowIso();
  let query = db
    .updateTable('calls')
    .set({ status: 'failed', end_reason: reason, ended_at: now, updated_at: now })
    .where('status', '=', 'active');
  if (where.id) query = query.where('id', '=', where.id);
  if (where.instanceId) query = query.where('instance_id', '=', where.instanceId);
  if (where.heartbeatBefore) query = query.where('heartbeat_at', '<', where.heartbeatBefore);
  if (where.neverConnectedBefore) query = query.where('started_at', '<', where.neverConnectedBefore);
  if (where.neverConnected || where.neverConnectedBefore) query = query.where('connected_at', 'is', null);
  const rows = await query.returning('id').execute();
  return rows.map((r) => r.id);
}

/** Calls whose process stopped heartbeating (crash, kill -9) are closed as failed. */
export const failStaleCalls = (db: DB, heartbeatBefore: string) => failActiveCalls(db, 'server_lost', { heartbeatBefore });

/** Slots reserved by a webhook whose media stream never connected. */
export const failUnconnectedCalls = (db: DB, startedBefore: string) =>
  failActiveCalls(db, 'never_connected', { neverConnectedBefore: startedBefore });

export const failCall = (db: DB, id: string, reason: string) => failActiveCalls(db, reason, { id });

/** A reserved slot whose stream went away before attaching: released now rather than at the connect timeout. */
export const releaseUnconnectedCall = (db: DB, id: string) => failActiveCalls(db, 'never_connected', { id, neverConnected: true });

export async function heartbeatCalls(db: DB, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('calls').set({ heartbeat_at: nowIso() }).where('id', 'in', ids).where('status', '=', 'active').execute();
}

/** The post-call summary arrives after the call has ended (and released its slot). */
export async function saveCallSummary(
  db: DB,
  id: string,
  summary: { summary: string; sentiment: 'positive' | 'neutral' | 'negative' },
): Promise<void> {
  await db
    .updateTable('calls')
    .set({ summary: summary.summary, sentiment: summary.sentiment, updated_at: nowIso() })
    .where('id', '=', id)
    .execute();
}

/** A deleted agent's calls keep their history (and agentName) but no longer point at it. */
export async function detachCallsFromAgent(db: DB, orgId: string, agentId: string): Promise<void> {
  await db
    .updateTable('calls')
    .set({ agent_id: null, updated_at: nowIso() })
    .where('org_id', '=', orgId)
    .where('agent_id', '=', agentId)
    .execute();
}
