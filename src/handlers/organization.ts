import type { HandlerMap } from '../http/handler-types';
import { updateOwnOrganization } from '../services/organizations';
import { dashboardStats } from '../services/stats';
import { presentOrganization, presentPlan } from './presenters';

export const organizationHandlers = {
  getOrganization: async (req) => ({ status: 200, body: presentOrganization(req.auth.org, req.auth.plan) }),

  updateOrganization: async (req, svc) => ({
    status: 200,
    body: presentOrganization(await updateOwnOrganization(svc, req.auth, req.body), req.auth.plan),
  }),

  getDashboardStats: async (req, svc) => ({ status: 200, body: await dashboardStats(svc, req.auth) }),

  getCurrentPlan: async (req) => ({ status: 200, body: presentPlan(req.auth.plan) }),
} satisfies Partial<HandlerMap>;
