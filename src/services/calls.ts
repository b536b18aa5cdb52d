import type { ConversationResult } from '../voice/types';
import { countActiveCalls, failCall, finishCall, insertCall, type NewCall } from '../db/repositories/calls';
import { lockOrganization } from '../db/repositories/organizations';
import { addUsage, minutesUsedSince } from '../db/repositories/usage';
import type { Call, Plan } from '../domain';
import { AppError } from '../errors';
import type { ServiceContext } from './context';

export const utcDay = (date = new Date()) => date.toISOString().slice(0, 10);
const monthStart = (date = new Date()) => `${date.toISOString().slice(0, 7)}-01`;

/**
 * Reserves one concurrent-call slot by inserting the call as `active`. Count and insert happen under the
 * organization's lock, so parallel webhooks (on any process) never exceed `maxConcurrentCalls`.
 */
export async function reserveCall(svc: ServiceContext, plan: Plan, call: Omit<NewCall, 'instanceId'>): Promise<Call> {
  const used = await minutesUsedSince(svc.db, call.orgId, monthStart());
  if (used >= plan.limits.maxMonthlyMinutes) {
    throw new AppError(403, 'The monthly minutes of the plan are used up', 'minutes_exhausted');
  }
  return svc.db.transaction().execute(async (trx) => {
    await lockOrganization(trx, call.orgId);
    if ((await countActiveCalls(trx, call.orgId)) >= plan.limits.maxConcurrentCalls) {
      throw new AppError(403, 'All call lines of the plan are busy', 'concurrency_limit');
    }
    return insertCall(trx, { ...call, instanceId: svc.instanceId });
  });
}

export interface CallRecord {
  result: ConversationResult;
  /** First to last media frame. */
  durationSec: number;
  failed: boolean;
}

/**
 * Ends the call (releasing its slot) with what the conversation recorded, then meters usage. Returns false when
 * the call had already been ended elsewhere (status callback, reaper), in which case nothing is metered twice.
 */
export async function recordCallEnd(svc: ServiceContext, call: Call, record: CallRecord): Promise<boolean> {
  const { result } = record;
  const ended = await finishCall(svc.db, call.id, {
    status: record.failed ? 'failed' : 'completed',
    endReason: result.endReason,
    durationSec: Math.round(record.durationSec * 10) / 10,
    transcript: result.transcript,
    summary: null,
    sentiment: null,
    metrics: result.metrics,
    metadata: { ...call.metadata, turns: result.turns },
  });
  if (!ended) return false;
  await addUsage(svc.db, call.orgId, utcDay(), {
    calls: 1,
    minutes: Math.ceil(record.durationSec / 60),
    tokens: result.usage.llmTokens,
    ttsChars: result.usage.ttsChars,
    sttSeconds: Math.round(result.usage.sttSeconds * 100) / 100,
  });
  return true;
}

/** A call that ends before any conversation ran (bad stream, missing agent): failed, nothing metered. */
export async function recordCallFailure(svc: ServiceContext, callId: string, reason: string): Promise<void> {
  await failCall(svc.db, callId, reason);
}
