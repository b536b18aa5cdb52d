import type { HandlerMap } from '../http/handler-types';
import {
  createGlobalProvider,
  deleteGlobalProvider,
  getGlobalProvider,
  listGlobalProviders,
  updateGlobalProvider,
} from '../services/global-providers';
import { presentProvider } from './presenters';

/** The platform's global providers; access.ts lets only a superadmin session reach /admin/*. */
export const adminProviderHandlers = {
  listGlobalProviders: async (req, svc) => ({ status: 200, body: (await listGlobalProviders(svc, req.query)).map(presentProvider) }),

  createGlobalProvider: async (req, svc) => ({ status: 201, body: presentProvider(await createGlobalProvider(svc, req.body)) }),

  getGlobalProvider: async (req, svc) => ({ status: 200, body: presentProvider(await getGlobalProvider(svc, req.params.id)) }),

  updateGlobalProvider: async (req, svc) => ({
    status: 200,
    body: presentProvider(await updateGlobalProvider(svc, req.params.id, req.body)),
  }),

  deleteGlobalProvider: async (req, svc) => {
    await deleteGlobalProvider(svc, req.params.id);
    return { status: 204 };
  },
} satisfies Partial<HandlerMap>;
