/** An organization's view of providers: the platform's global ones (read-only) and its own. */
import { listAgentsUsingProvider } from '../db/repositories/agents';
import { listCatalog } from '../db/repositories/catalog';
import { lockOrganization } from '../db/repositories/organizations';
import {
  countOrganizationProviders,
  deleteProvider,
  findProvider,
  insertProvider,
  listProviders,
  updateProvider,
} from '../db/repositories/providers';
import type { Provider, ProviderCategory, ProviderInput, ProviderUpdate } from '../domain';
import { forbidden, notFound } from '../errors';
import type { CatalogEntry } from '../providers/catalog';
import type { AuthContext, ServiceContext } from './context';
import { prepareNewProvider, prepareProviderChanges, providerInUse, withUniqueProviderName } from './provider-rules';

export const providerRegistry = (svc: ServiceContext): Promise<CatalogEntry[]> => listCatalog(svc.db);

/** Global providers an organization can pick (active ones) and all of its own. */
export function listProvidersForOrganization(
  svc: ServiceContext,
  auth: AuthContext,
  filter: { client: boolean; category?: ProviderCategory },
): Promise<Provider[]> {
  return listProviders(svc.db, { orgId: auth.org.id }, { category: filter.category, ownOnly: filter.client, activeGlobalOnly: true });
}

/** A global provider or one of the organization's own; another organization's answers 404. */
export async function getProviderForOrganization(svc: ServiceContext, auth: AuthContext, id: string): Promise<Provider> {
  const provider = await findProvider(svc.db, { orgId: auth.org.id }, id);
  if (!provider) throw notFound('Provider');
  return provider;
}

async function ownProvider(svc: ServiceContext, auth: AuthContext, id: string): Promise<Provider> {
  const provider = await getProviderForOrganization(svc, auth, id);
  if (provider.orgId === null) {
    throw forbidden('Global providers are managed by the platform and are read-only', 'global_provider_read_only');
  }
  return provider;
}

/** The plan must include custom providers; the count is checked under the organization's lock. */
export async function createClientProvider(svc: ServiceContext, auth: AuthContext, input: ProviderInput): Promise<Provider> {
  const { org, plan } = auth;
  if (!plan.features.customProviders) {
    throw forbidden(`The ${plan.name} plan does not include custom providers`, 'custom_providers_not_allowed');
  }
  const provider = await prepareNewProvider(svc, input, org.id);
  return withUniqueProviderName(input.name, input.category, () =>
    svc.db.transaction().execute(async (trx) => {
      await lockOrganization(trx, org.id);
      const max = plan.features.maxCustomProviders;
      if ((await countOrganizationProviders(trx, org.id)) >= max) {
        throw forbidden(`The ${plan.name} plan allows ${max} custom provider${max === 1 ? '' : 's'}`, 'custom_provider_limit');
      }
      return insertProvider(trx, provider);
    }),
  );
}

export async function updateClientProvider(svc: ServiceContext, auth: AuthContext, id: string, changes: ProviderUpdate): Promise<Provider> {
  const provider = await ownProvider(svc, auth, id);
  const prepared = await prepareProviderChanges(svc, provider, changes);
  await withUniqueProviderName(changes.name ?? provider.name, provider.category, () => updateProvider(svc.db, id, prepared));
  return getProviderForOrganization(svc, auth, id);
}

/**
 * Refused while an agent uses it. Agents are created and changed under the same organization lock, so none can
 * start using the provider between the check and the delete.
 */
export async function deleteClientProvider(svc: ServiceContext, auth: AuthContext, id: string): Promise<void> {
  await ownProvider(svc, auth, id);
  await svc.db.transaction().execute(async (trx) => {
    await lockOrganization(trx, auth.org.id);
    const agents = await listAgentsUsingProvider(trx, id, auth.org.id);
    if (agents.length) throw providerInUse(agents);
    await deleteProvider(trx, id);
  });
}
