import { listUsage } from '../db/repositories/usage';
import type { UsageDay } from '../domain';
import type { AuthContext, ServiceContext } from './context';

const DAY_MS = 86_400_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const emptyDay = (date: string): UsageDay => ({ date, calls: 0, minutes: 0, tokens: 0, ttsChars: 0, sttSeconds: 0 });

/** One row per UTC day, oldest first, ending today; days without usage are zeros so charts need no gap logic. */
export async function dailyUsage(svc: ServiceContext, auth: AuthContext, days: number, now = new Date()): Promise<UsageDay[]> {
  const dates = Array.from({ length: days }, (_, i) => utcDay(now.getTime() - (days - 1 - i) * DAY_MS));
  const stored = new Map((await listUsage(svc.db, auth.org.id, dates[0]!)).map((day) => [day.date, day]));
  return dates.map((date) => stored.get(date) ?? emptyDay(date));
}
