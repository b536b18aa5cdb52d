import type { HandlerMap } from '../http/handler-types';
import { dailyUsage } from '../services/usage';

export const analyticsHandlers = {
  getUsage: async (req, svc) => ({ status: 200, body: await dailyUsage(svc, req.auth, req.query.days) }),
} satisfies Partial<HandlerMap>;
