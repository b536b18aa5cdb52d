import type { HandlerMap } from '../http/handler-types';
import {
  getOrganizationForAdmin,
  listOrganizationsForAdmin,
  updateOrganizationAsAdmin,
} from '../services/organization-admin';
import { createPlan, deletePlanBySlug, listAllPlans, updatePlanBySlug } from '../services/plan-admin';
import { presentOrganization, presentPlan } from './presenters';

/** Platform administration; access.ts lets only a superadmin session reach these. */
export const adminHandlers = {
  listOrganizations: async (req, svc) => {
    // The validator applies the spec's defaults; the fallbacks only satisfy the optional types.
    const skip = req.query.skip ?? 0;
    const limit = req.query.limit ?? 20;
    const page = await listOrganizationsForAdmin(svc, { status: req.query.status, skip, limit });
    return {
      status: 200,
      body: { items: page.items.map(({ org, plan }) => presentOrganization(org, plan)), total: page.total, skip, limit },
    };
  },

  getOrganizationById: async (req, svc) => {
    const { org, plan } = await getOrganizationForAdmin(svc, req.params.id);
    return { status: 200, body: presentOrganization(org, plan) };
  },

  updateOrganizationById: async (req, svc) => {
    const { org, plan } = await updateOrganizationAsAdmin(svc, req.params.id, req.body);
    return { status: 200, body: presentOrganization(org, plan) };
  },

  listAllPlans: async (_req, svc) => ({ status: 200, body: (await listAllPlans(svc)).map(presentPlan) }),

  createPlan: async (req, svc) => ({ status: 201, body: presentPlan(await createPlan(svc, req.body)) }),

  updatePlan: async (req, svc) => ({ status: 200, body: presentPlan(await updatePlanBySlug(svc, req.params.slug, req.body)) }),

  deletePlan: async (req, svc) => {
    await deletePlanBySlug(svc, req.params.slug);
    return { status: 204 };
  },
} satisfies Partial<HandlerMap>;
