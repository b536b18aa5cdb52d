import type { HandlerMap } from '../http/handler-types';
import { createApiKey, listOrganizationApiKeys, revokeApiKey } from '../services/api-keys';
import { presentApiKey } from './presenters';

export const apiKeyHandlers = {
  listApiKeys: async (req, svc) => ({ status: 200, body: (await listOrganizationApiKeys(svc, req.auth)).map(presentApiKey) }),

  createApiKey: async (req, svc) => {
    const { key, rawKey } = await createApiKey(svc, req.auth, req.body.name);
    return { status: 201, body: { ...presentApiKey(key), rawKey } };
  },

  revokeApiKey: async (req, svc) => {
    await revokeApiKey(svc, req.auth, req.params.id);
    return { status: 204 };
  },
} satisfies Partial<HandlerMap>;
