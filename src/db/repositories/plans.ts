import type { Selectable } from 'kysely';
import type { Plan } from '../../domain';
import type { DB } from '../database';
import type { PlansTable } from '../schema';
import { fromFlag, json, newId, nowIso, parseJson, toFlag } from '../values';

export type PlanInput = Omit<Plan, 'id' | 'createdAt' | 'updatedAt'>;

function toPlan(row: Selectable<PlansTable>): Plan {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    pricing: parseJson(row.pricing),
    limits: parseJson(row.limits),
    models: parseJson(row.models),
    features: parseJson(row.features),
    public: fromFlag(row.public),
    custom: fromFlag(row.custom),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toRow(plan: Partial<PlanInput>) {
  return {
    ...(plan.slug !== undefined && { slug: plan.slug }),
    ...(plan.name !== undefined && { name: plan.name }),
    ...(plan.description !== undefined && { description: plan.description }),
    ...(plan.pricing !== undefined && { pricing: json(plan.pricing), sort_price: Math.round(plan.pricing.monthly * 100) }),
    ...(plan.limits !== undefined && { limits: json(plan.limits) }),
    ...(plan.models !== undefined && { models: json(plan.models) }),
    ...(plan.features !== undefined && { features: json(plan.features) }),
    ...(plan.public !== undefined && { public: toFlag(plan.public) }),
    ...(plan.custom !== undefined && { custom: toFlag(plan.custom) }),
  };
}

/** Cheapest first, then by name. */
export async function listPlans(db: DB, filter: { publicOnly?: boolean } = {}): Promise<Plan[]> {
  let query = db.selectFrom('plans').selectAll();
  if (filter.publicOnly) query = query.where('public', '=', 1).where('custom', '=', 0);
  const rows = await query.orderBy('sort_price').orderBy('name').execute();
  return rows.map(toPlan);
}

export async function findPlanBySlug(db: DB, slug: string): Promise<Plan | undefined> {
  const row = await db.selectFrom('plans').selectAll().where('slug', '=', slug).executeTakeFirst();
  return row && toPlan(row);
}

export async function insertPlan(db: DB, plan: PlanInput): Promise<Plan> {
  const now = nowIso();
  const row = { id: newId(), ...toRow(plan), created_at: now, updated_at: now } as Selectable<PlansTable>;
  await db.insertInto('plans').values(row).execute();
  return toPlan(row);
}

export async function anyPlanExists(db: DB): Promise<boolean> {
  return (await db.selectFrom('plans').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/** Inserts the plan, or leaves an existing plan of that slug untouched (admins may have edited it). */
export async function insertPlanIfMissing(db: DB, plan: PlanInput): Promise<void> {
  const now = nowIso();
  const row = { id: newId(), ...toRow(plan), created_at: now, updated_at: now } as Selectable<PlansTable>;
  await db.insertInto('plans').values(row).onConflict((oc) => oc.column('slug').doNothing()).execute();
}

export async function updatePlan(db: DB, slug: string, changes: Partial<PlanInput>): Promise<Plan | undefined> {
  await db.updateTable('plans').set({ ...toRow(changes), updated_at: nowIso() }).where('slug', '=', slug).execute();
  return findPlanBySlug(db, slug);
}

/**
 * Serializes changes that depend on who is on a plan (assigning a custom plan, deleting): the row lock lasts
 * until the transaction ends (Postgres), and the write takes SQLite's database lock. False if there is no such plan.
 */
export async function lockPlan(db: DB, slug: string): Promise<boolean> {
  const result = await db
    .updateTable('plans')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('slug', '=', slug)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deletePlan(db: DB, slug: string): Promise<boolean> {
  const result = await db.deleteFrom('plans').where('slug', '=', slug).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
