import type { HandlerMap } from '../http/handler-types';
import { createAgent, getAgent, listAgentsWithStatus, removeAgent, updateAgent } from '../services/agents';
import { presentAgent } from './presenters';

export const agentHandlers = {
  listAgents: async (req, svc) => ({ status: 200, body: (await listAgentsWithStatus(svc, req.auth)).map(presentAgent) }),

  createAgent: async (req, svc) => ({ status: 201, body: presentAgent(await createAgent(svc, req.auth, req.body)) }),

  getAgent: async (req, svc) => ({ status: 200, body: presentAgent(await getAgent(svc, req.auth, req.params.id)) }),

  updateAgent: async (req, svc) => ({ status: 200, body: presentAgent(await updateAgent(svc, req.auth, req.params.id, req.body)) }),

  deleteAgent: async (req, svc) => {
    await removeAgent(svc, req.auth, req.params.id);
    return { status: 204 };
  },
} satisfies Partial<HandlerMap>;
