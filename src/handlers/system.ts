import { sql } from 'kysely';
import { AppError } from '../errors';
import type { HandlerMap } from '../http/handler-types';

export const systemHandlers = {
  getHealth: async () => ({ status: 200, body: { status: 'ok', timestamp: Date.now() } }),

  getReadiness: async (_req, svc) => {
    try {
      await sql`select 1`.execute(svc.db);
    } catch {
      throw new AppError(503, 'Database unavailable', 'unavailable');
    }
    return { status: 200, body: { status: 'ok', database: 'ok' } };
  },
} satisfies Partial<HandlerMap>;
