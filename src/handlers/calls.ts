import type { HandlerMap } from '../http/handler-types';
import { countOrganizationCalls, getOrganizationCall, listOrganizationCalls } from '../services/call-history';
import { presentCall, presentCallSummary } from './presenters';

export const callHandlers = {
  listCalls: async (req, svc) => ({
    status: 200,
    body: (await listOrganizationCalls(svc, req.auth, req.query)).map(presentCallSummary),
  }),

  countCalls: async (req, svc) => ({ status: 200, body: { count: await countOrganizationCalls(svc, req.auth, req.query) } }),

  getCall: async (req, svc) => ({ status: 200, body: presentCall(await getOrganizationCall(svc, req.auth, req.params.id)) }),
} satisfies Partial<HandlerMap>;
