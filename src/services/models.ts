import { listPlans } from '../db/repositories/plans';
import { listProviders } from '../db/repositories/providers';
import type { ModelSearchItem, Plan, Provider, ProviderCategory } from '../domain';
import type { AuthContext, ServiceContext } from './context';
import { modelRef, planAllowsModel } from './plan-models';

export interface ModelSearch {
  category: ProviderCategory;
  /** Case-insensitive, matched against modelId and label; empty matches all. */
  query: string;
  skip: number;
  limit: number;
}

const byAllowedThenName = (a: ModelSearchItem, b: ModelSearchItem) =>
  Number(b.allowed) - Number(a.allowed) ||
  a.providerName.localeCompare(b.providerName) ||
  a.label.localeCompare(b.label) ||
  a.providerId.localeCompare(b.providerId);

/** The cheapest public plan that includes a global provider's model, to tell people what to upgrade to. */
function cheapestPlanWith(publicPlans: Plan[], provider: Provider, modelId: string): string | null {
  const ref = modelRef(provider.providerKey, modelId);
  return publicPlans.find((plan) => plan.models[provider.category].includes(ref))?.slug ?? null;
}

/**
 * Every model of the providers the organization can pick (active global ones and its own), allowed first. A few
 * hundred models at most, so they are filtered and paged in memory.
 */
export async function searchModels(
  svc: ServiceContext,
  auth: AuthContext,
  search: ModelSearch,
): Promise<{ items: ModelSearchItem[]; total: number }> {
  const [providers, publicPlans] = await Promise.all([
    listProviders(svc.db, { orgId: auth.org.id }, { category: search.category, activeGlobalOnly: true }),
    listPlans(svc.db, { publicOnly: true }),
  ]);
  const needle = search.query.trim().toLowerCase();
  const matches = providers.flatMap((provider) =>
    provider.models
      .filter((m) => !needle || m.modelId.toLowerCase().includes(needle) || m.label.toLowerCase().includes(needle))
      .map((model): ModelSearchItem => {
        const allowed = planAllowsModel(auth.plan, provider, model.modelId);
        return {
          providerId: provider.id,
          providerKey: provider.providerKey,
          providerName: provider.name,
          modelId: model.modelId,
          label: model.label,
          source: provider.orgId === null ? 'global' : 'client',
          allowed,
          requiredPlan: allowed ? null : cheapestPlanWith(publicPlans, provider, model.modelId),
        };
      }),
  );
  matches.sort(byAllowedThenName);
  return { items: matches.slice(search.skip, search.skip + search.limit), total: matches.length };
}
