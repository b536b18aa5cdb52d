import type { ConversationResult } from '../voice/types';
import { failCall, finishCall } from '../db/repositories/calls';
import { addUsage } from '../db/repositories/usage';
import type { Call } from '../domain';
import type { ServiceContext } from './context';

export const utcDay = (date = new Date()) => date.toISOString().slice(0, 10);

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
