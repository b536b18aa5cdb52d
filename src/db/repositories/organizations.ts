import type { Selectable } from 'kysely';
import type { Organization, OrganizationStatus } from '../../domain';
import type { DB } from '../database';
import type { OrganizationsTable } from '../schema';
import { newId, nowIso } from '../values';

function toOrganization(row: Selectable<OrganizationsTable>): Organization {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    planSlug: row.plan_slug,
    twilioAuthTokenSealed: row.twilio_auth_token,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertOrganization(
  db: DB,
  org: { name: string; status: OrganizationStatus; planSlug: string },
): Promise<Organization> {
  const now = nowIso();
  const row: Selectable<OrganizationsTable> = {
    id: newId(),
    name: org.name,
    status: org.status,
    plan_slug: org.planSlug,
    twilio_auth_token: null,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('organizations').values(row).execute();
  return toOrganization(row);
}

export async function findOrganizationById(db: DB, id: string): Promise<Organization | undefined> {
  const row = await db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toOrganization(row);
}

export async function updateOrganization(
  db: DB,
  id: string,
  changes: { name?: string; status?: OrganizationStatus; planSlug?: string; twilioAuthTokenSealed?: string | null },
): Promise<Organization | undefined> {
  await db
    .updateTable('organizations')
    .set({
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.status !== undefined && { status: changes.status }),
      ...(changes.planSlug !== undefined && { plan_slug: changes.planSlug }),
      ...(changes.twilioAuthTokenSealed !== undefined && { twilio_auth_token: changes.twilioAuthTokenSealed }),
      updated_at: nowIso(),
    })
    .where('id', '=', id)
    .execute();
  return findOrganizationById(db, id);
}

export async function listOrganizations(
  db: DB,
  filter: { status?: OrganizationStatus; skip: number; limit: number },
): Promise<{ items: Organization[]; total: number }> {
  let base = db.selectFrom('organizations');
  if (filter.status) base = base.where('status', '=', filter.status);
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').offset(filter.skip).limit(filter.limit).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toOrganization), total: Number(count.n) };
}

export async function countOrganizationsOnPlan(db: DB, planSlug: string, exceptOrgId?: string): Promise<number> {
  let query = db.selectFrom('organizations').where('plan_slug', '=', planSlug);
  if (exceptOrgId) query = query.where('id', '!=', exceptOrgId);
  const row = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Serializes limit checks of one organization across connections and processes: the row lock lasts until the
 * transaction ends (Postgres), and the write takes SQLite's database lock. Call first thing in a transaction.
 */
export async function lockOrganization(db: DB, id: string): Promise<void> {
  await db.updateTable('organizations').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('id', '=', id).execute();
}
