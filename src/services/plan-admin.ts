import { countOrganizationsOnPlan } from '../db/repositories/organizations';
import { deletePlan, insertPlan, listPlans, lockPlan, updatePlan, type PlanInput } from '../db/repositories/plans';
import { isUniqueViolation } from '../db/values';
import type { Plan, PlanModels, ProviderCategory } from '../domain';
import { AppError, conflict, notFound } from '../errors';
import { findCatalogEntry } from '../providers/catalog';
import type { ServiceContext } from './context';

export type NewPlan = Omit<PlanInput, 'description' | 'public' | 'custom'> &
  Partial<Pick<PlanInput, 'description' | 'public' | 'custom'>>;

/** The slug is the plan's identity (organizations refer to it), so it is not among the changes. */
export type PlanChanges = Partial<Omit<PlanInput, 'slug'>>;

const CATEGORIES: readonly ProviderCategory[] = ['llm', 'tts', 'stt'];

/**
 * Each entry must name a catalog provider of its category, or no agent could ever use it. The model id is left
 * free on purpose: a global provider may serve models the catalog does not list (a self-hosted Ollama model, a
 * vendor's new release), and a plan must be able to grant them.
 */
export function assertPlanModelsKnown(models: PlanModels): void {
  const details = CATEGORIES.flatMap((category) =>
    models[category].flatMap((ref, index) => {
      const providerKey = ref.slice(0, ref.indexOf('/'));
      if (findCatalogEntry(category, providerKey)) return [];
      return [{ path: `body.models.${category}.${index}`, message: `names "${providerKey}", which is not a ${category} provider of the catalog` }];
    }),
  );
  const first = details[0];
  if (first) throw new AppError(400, `Invalid request: ${first.path} ${first.message}`, 'unknown_provider', { details });
}

/** Every plan, including custom and non-public ones, cheapest first. */
export const listAllPlans = (svc: ServiceContext): Promise<Plan[]> => listPlans(svc.db);

export async function createPlan(svc: ServiceContext, input: NewPlan): Promise<Plan> {
  assertPlanModelsKnown(input.models);
  try {
    const plan = await insertPlan(svc.db, {
      ...input,
      description: input.description ?? '',
      public: input.public ?? true,
      custom: input.custom ?? false,
    });
    // An earlier lookup of this slug may have cached "no such plan".
    svc.caches.plans.delete(plan.slug);
    return plan;
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`Plan "${input.slug}" already exists`, 'plan_exists');
    throw error;
  }
}

/**
 * Partial update. Organizations on the plan see the new limits and models on their next request in this process
 * and within the auth cache TTL in others; agent statuses follow because they are computed on read.
 */
export async function updatePlanBySlug(svc: ServiceContext, slug: string, changes: PlanChanges): Promise<Plan> {
  if (changes.models) assertPlanModelsKnown(changes.models);
  const plan = await svc.db.transaction().execute(async (trx) => {
    if (!(await lockPlan(trx, slug))) throw notFound('Plan');
    if (changes.custom === true) {
      const holders = await countOrganizationsOnPlan(trx, slug);
      if (holders > 1) {
        throw conflict(`Plan "${slug}" is used by ${holders} organizations; a custom plan belongs to one`, 'custom_plan_shared');
      }
    }
    return updatePlan(trx, slug, changes);
  });
  svc.caches.plans.delete(slug);
  if (!plan) throw notFound('Plan');
  return plan;
}

/** Built-in plans are no exception: any plan can go once no organization is on it. */
export async function deletePlanBySlug(svc: ServiceContext, slug: string): Promise<void> {
  await svc.db.transaction().execute(async (trx) => {
    if (!(await lockPlan(trx, slug))) throw notFound('Plan');
    const holders = await countOrganizationsOnPlan(trx, slug);
    if (holders > 0) {
      throw conflict(`Plan "${slug}" is used by ${holders} organization${holders === 1 ? '' : 's'}`, 'plan_in_use');
    }
    await deletePlan(trx, slug);
  });
  svc.caches.plans.delete(slug);
}
