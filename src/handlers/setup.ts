import type { HandlerMap } from '../http/handler-types';
import { completeSetup, isSetupCompleted } from '../services/setup';
import { presentSession } from './presenters';

export const setupHandlers = {
  getSetupStatus: async (_req, svc) => ({ status: 200, body: { completed: await isSetupCompleted(svc) } }),

  completeSetup: async (req, svc) => ({ status: 201, body: presentSession(await completeSetup(svc, req.body)) }),
} satisfies Partial<HandlerMap>;
