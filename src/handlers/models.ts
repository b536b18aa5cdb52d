import type { HandlerMap } from '../http/handler-types';
import { searchModels } from '../services/models';

export const modelHandlers = {
  searchModels: async (req, svc) => {
    const { category, query, skip, limit } = req.query;
    const page = await searchModels(svc, req.auth, { category, query, skip, limit });
    return { status: 200, body: { ...page, skip, limit } };
  },
} satisfies Partial<HandlerMap>;
