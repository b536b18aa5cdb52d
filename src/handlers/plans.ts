import { listPlans } from '../db/repositories/plans';
import type { HandlerMap } from '../http/handler-types';
import { presentPlan } from './presenters';

export const planHandlers = {
  listPublicPlans: async (_req, svc) => ({
    status: 200,
    body: (await listPlans(svc.db, { publicOnly: true })).map(presentPlan),
  }),
} satisfies Partial<HandlerMap>;
