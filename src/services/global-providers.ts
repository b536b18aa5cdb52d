/** The platform's own providers, offered to every organization subject to plan gating. Superadmin only. */
import { listAgentsUsingProvider } from '../db/repositories/agents';
import { deleteProvider, findProvider, insertProvider, listProviders, updateProvider } from '../db/repositories/providers';
import type { Provider, ProviderCategory, ProviderInput, ProviderUpdate } from '../domain';
import { notFound } from '../errors';
import type { ServiceContext } from './context';
import { prepareNewProvider, prepareProviderChanges, providerInUse, withUniqueProviderName } from './provider-rules';

export const listGlobalProviders = (svc: ServiceContext, filter: { category?: ProviderCategory }): Promise<Provider[]> =>
  listProviders(svc.db, 'global', filter);

export async function getGlobalProvider(svc: ServiceContext, id: string): Promise<Provider> {
  const provider = await findProvider(svc.db, 'global', id);
  if (!provider) throw notFound('Provider');
  return provider;
}

export async function createGlobalProvider(svc: ServiceContext, input: ProviderInput): Promise<Provider> {
  const provider = await prepareNewProvider(svc, input, null);
  return withUniqueProviderName(input.name, input.category, () => insertProvider(svc.db, provider));
}

export async function updateGlobalProvider(svc: ServiceContext, id: string, changes: ProviderUpdate): Promise<Provider> {
  const provider = await getGlobalProvider(svc, id);
  const prepared = await prepareProviderChanges(svc, provider, changes);
  await withUniqueProviderName(changes.name ?? provider.name, provider.category, () => updateProvider(svc.db, id, prepared));
  return getGlobalProvider(svc, id);
}

/** Refused while an agent of any organization uses it; the platform admin sees which. */
export async function deleteGlobalProvider(svc: ServiceContext, id: string): Promise<void> {
  await getGlobalProvider(svc, id);
  const agents = await listAgentsUsingProvider(svc.db, id);
  if (agents.length) throw providerInUse(agents);
  await deleteProvider(svc.db, id);
}
