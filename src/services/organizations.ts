import { findOrganizationById, updateOrganization } from '../db/repositories/organizations';
import { findPlanBySlug } from '../db/repositories/plans';
import type { Organization, Plan } from '../domain';
import { AppError, forbidden } from '../errors';
import type { AuthContext, ServiceContext } from './context';

export async function loadOrganization(svc: ServiceContext, orgId: string): Promise<Organization | null> {
  return svc.caches.orgs.getOrLoad(orgId, async () => (await findOrganizationById(svc.db, orgId)) ?? null);
}

export async function loadPlan(svc: ServiceContext, slug: string): Promise<Plan | null> {
  return svc.caches.plans.getOrLoad(slug, async () => (await findPlanBySlug(svc.db, slug)) ?? null);
}

/** An organization whose plan row is gone is a data error worth a loud failure, not a silent default. */
export async function loadPlanOf(svc: ServiceContext, org: Organization): Promise<Plan> {
  const plan = await loadPlan(svc, org.planSlug);
  if (!plan) throw new Error(`Organization ${org.id} is on unknown plan ${org.planSlug}`);
  return plan;
}

/** Pending and suspended organizations cannot use the dashboard, API keys, webhooks or streams. */
export function assertOrganizationActive(org: Organization): void {
  if (org.status === 'pending') {
    throw new AppError(403, 'Organization is pending activation by the platform admin', 'org_pending');
  }
  if (org.status === 'suspended') throw forbidden('Organization is suspended', 'org_suspended');
}

export function forgetOrganization(svc: ServiceContext, orgId: string): void {
  svc.caches.orgs.delete(orgId);
}

/**
 * What an organization may change about itself: its name and its own Twilio auth token (sealed; null removes it).
 * Status and plan belong to the platform admin.
 */
export async function updateOwnOrganization(
  svc: ServiceContext,
  auth: AuthContext,
  changes: { name?: string; twilioAuthToken?: string | null },
): Promise<Organization> {
  const twilioAuthTokenSealed =
    changes.twilioAuthToken === undefined ? undefined : changes.twilioAuthToken && svc.box.seal(changes.twilioAuthToken);
  const org = await updateOrganization(svc.db, auth.org.id, { name: changes.name, twilioAuthTokenSealed });
  forgetOrganization(svc, auth.org.id);
  if (!org) throw new Error(`Organization ${auth.org.id} vanished while being updated`);
  return org;
}
