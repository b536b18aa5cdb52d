import type { Plan, Provider } from '../domain';

/** How plans name a model: `providerKey/modelId`. */
export const modelRef = (providerKey: string, modelId: string) => `${providerKey}/${modelId}`;

/** The plan gates the platform's providers only; an organization may use any model of its own providers. */
export function planAllowsModel(plan: Plan, provider: Provider, modelId: string): boolean {
  return provider.orgId !== null || plan.models[provider.category].includes(modelRef(provider.providerKey, modelId));
}
