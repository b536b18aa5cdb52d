import type { HandlerMap } from '../http/handler-types';
import {
  createClientProvider,
  deleteClientProvider,
  getProviderForOrganization,
  listProvidersForOrganization,
  providerRegistry,
  updateClientProvider,
} from '../services/providers';
import { presentProvider, presentRegistryEntry } from './presenters';

export const providerHandlers = {
  listProviderRegistry: async (_req, svc) => ({ status: 200, body: (await providerRegistry(svc)).map(presentRegistryEntry) }),

  listProviders: async (req, svc) => ({
    status: 200,
    body: (await listProvidersForOrganization(svc, req.auth, req.query)).map(presentProvider),
  }),

  createProvider: async (req, svc) => ({ status: 201, body: presentProvider(await createClientProvider(svc, req.auth, req.body)) }),

  getProvider: async (req, svc) => ({
    status: 200,
    body: presentProvider(await getProviderForOrganization(svc, req.auth, req.params.id)),
  }),

  updateProvider: async (req, svc) => ({
    status: 200,
    body: presentProvider(await updateClientProvider(svc, req.auth, req.params.id, req.body)),
  }),

  deleteProvider: async (req, svc) => {
    await deleteClientProvider(svc, req.auth, req.params.id);
    return { status: 204 };
  },
} satisfies Partial<HandlerMap>;
