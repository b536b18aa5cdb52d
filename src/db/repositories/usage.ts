import type { UsageDay } from '../../domain';
import type { DB } from '../database';

export interface UsageDelta {
  calls: number;
  minutes: number;
  tokens: number;
  ttsChars: number;
  sttSeconds: number;
}

/** Adds to the day's counters atomically (one upsert), so concurrent call ends never lose an increment. */
export async function addUsage(db: DB, orgId: string, day: string, delta: UsageDelta): Promise<void> {
  await db
    .insertInto('daily_usage')
    .values({
      org_id: orgId,
      day,
      calls: delta.calls,
      minutes: delta.minutes,
      tokens: delta.tokens,
      tts_chars: delta.ttsChars,
      stt_seconds: delta.sttSeconds,
    })
    .onConflict((oc) =>
      oc.columns(['org_id', 'day']).doUpdateSet((eb) => ({
        calls: eb('daily_usage.calls', '+', eb.ref('excluded.calls')),
        minutes: eb('daily_usage.minutes', '+', eb.ref('excluded.minutes')),
        tokens: eb('daily_usage.tokens', '+', eb.ref('excluded.tokens')),
        tts_chars: eb('daily_usage.tts_chars', '+', eb.ref('excluded.tts_chars')),
        stt_seconds: eb('daily_usage.stt_seconds', '+', eb.ref('excluded.stt_seconds')),
      })),
    )
    .execute();
}

/** Stored rows from `fromDay` (inclusive, YYYY-MM-DD), oldest first; days without usage have no row. */
export async function listUsage(db: DB, orgId: string, fromDay: string): Promise<UsageDay[]> {
  const rows = await db
    .selectFrom('daily_usage')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('day', '>=', fromDay)
    .orderBy('day')
    .execute();
  return rows.map((r) => ({
    date: r.day,
    calls: Number(r.calls),
    minutes: Number(r.minutes),
    tokens: Number(r.tokens),
    ttsChars: Number(r.tts_chars),
    sttSeconds: Number(r.stt_seconds),
  }));
}

export async function minutesUsedSince(db: DB, orgId: string, fromDay: string): Promise<number> {
  const row = await db
    .selectFrom('daily_usage')
    .where('org_id', '=', orgId)
    .where('day', '>=', fromDay)
    .select((eb) => eb.fn.sum<number>('minutes').as('minutes'))
    .executeTakeFirst();
  return Number(row?.minutes ?? 0);
}
