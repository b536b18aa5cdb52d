import type { DB } from '../db/database';
import {
  countOrganizationsOnPlan,
  findOrganizationById,
  listOrganizations,
  updateOrganization,
} from '../db/repositories/organizations';
import { findPlanBySlug, listPlans, lockPlan } from '../db/repositories/plans';
import { findUserByEmail, listUsersOfOrganizations } from '../db/repositories/users';
import type { Organization, OrganizationStatus, Plan } from '../domain';
import { AppError, badRequest, conflict, notFound } from '../errors';
import type { ServiceContext } from './context';
import { forgetOrganization } from './organizations';

export interface OrganizationWithPlan {
  org: Organization;
  plan: Plan;
}

export interface OrganizationAdminChanges {
  status?: OrganizationStatus;
  planSlug?: string;
}

// Reads here go to the database, not the auth caches: the platform admin must see what was just changed.

/** The foreign key keeps every organization on an existing plan; a miss is a data error worth a loud failure. */
function withPlan(org: Organization, plan: Plan | undefined): OrganizationWithPlan {
  if (!plan) throw new Error(`Organization ${org.id} is on unknown plan ${org.planSlug}`);
  return { org, plan };
}

/** Newest first, optionally only one status. */
export async function listOrganizationsForAdmin(
  svc: ServiceContext,
  filter: { status?: OrganizationStatus; skip: number; limit: number },
): Promise<{ items: OrganizationWithPlan[]; total: number }> {
  const [page, plans] = await Promise.all([listOrganizations(svc.db, filter), listPlans(svc.db)]);
  const bySlug = new Map(plans.map((plan) => [plan.slug, plan]));
  return { items: page.items.map((org) => withPlan(org, bySlug.get(org.planSlug))), total: page.total };
}

export async function getOrganizationForAdmin(svc: ServiceContext, orgId: string): Promise<OrganizationWithPlan> {
  const org = await findOrganizationById(svc.db, orgId);
  if (!org) throw notFound('Organization');
  return withPlan(org, await findPlanBySlug(svc.db, org.planSlug));
}

/**
 * Checks that the plan exists and, if custom, is not another organization's. The plan row stays locked until the
 * transaction ends, so two admins cannot hand one custom plan to two organizations at the same moment.
 */
async function claimPlan(trx: DB, slug: string, orgId: string): Promise<void> {
  // 400 rather than 404: the organization in the path exists, the request names a plan that does not.
  if (!(await lockPlan(trx, slug))) throw badRequest(`Unknown plan "${slug}"`, 'unknown_plan');
  const plan = await findPlanBySlug(trx, slug);
  if (plan?.custom && (await countOrganizationsOnPlan(trx, slug, orgId)) > 0) {
    throw conflict(`Custom plan "${slug}" is already assigned to another organization`, 'custom_plan_taken');
  }
}

/**
 * Activates, suspends or re-plans an organization. Its tokens and API keys follow on their next request in this
 * process and within the auth cache TTL in others (org status and plan are re-read on every request).
 */
export async function updateOrganizationAsAdmin(
  svc: ServiceContext,
  orgId: string,
  changes: OrganizationAdminChanges,
): Promise<OrganizationWithPlan> {
  const result = await svc.db.transaction().execute(async (trx) => {
    if (!(await findOrganizationById(trx, orgId))) throw notFound('Organization');
    if (changes.planSlug !== undefined) await claimPlan(trx, changes.planSlug, orgId);
    const org = await updateOrganization(trx, orgId, { status: changes.status, planSlug: changes.planSlug });
    if (!org) throw notFound('Organization');
    return withPlan(org, await findPlanBySlug(trx, org.planSlug));
  });
  forgetOrganization(svc, orgId);
  return result;
}

/** For operators, who know a company by its admin's email as often as by its id. */
export async function findOrganizationByEmailOrId(svc: ServiceContext, emailOrId: string): Promise<Organization> {
  if (emailOrId.includes('@')) {
    const user = await findUserByEmail(svc.db, emailOrId);
    const org = user && (await findOrganizationById(svc.db, user.orgId));
    if (!org) throw new AppError(404, `No user with email ${emailOrId}`, 'not_found');
    return org;
  }
  const org = await findOrganizationById(svc.db, emailOrId);
  if (!org) throw notFound(`Organization ${emailOrId}`);
  return org;
}

/** The emails of each organization's users, oldest first (the one who signed up leads). */
export async function listOrganizationEmails(svc: ServiceContext, orgIds: string[]): Promise<Map<string, string[]>> {
  const emails = new Map<string, string[]>(orgIds.map((id) => [id, []]));
  for (const user of await listUsersOfOrganizations(svc.db, orgIds)) emails.get(user.orgId)?.push(user.email);
  return emails;
}
