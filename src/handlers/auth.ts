import type { HandlerMap } from '../http/handler-types';
import { signIn, signUp } from '../services/auth';
import { presentOrganization, presentSession, presentUser } from './presenters';

export const authHandlers = {
  signUp: async (req, svc) => ({ status: 201, body: presentSession(await signUp(svc, req.body)) }),

  signIn: async (req, svc) => ({ status: 200, body: presentSession(await signIn(svc, req.body)) }),

  getCurrentUser: async (req) => {
    const { user, org, plan } = req.auth;
    // getCurrentUser only accepts session tokens, so there is always a user.
    return { status: 200, body: { user: presentUser(user!), organization: presentOrganization(org, plan) } };
  },
} satisfies Partial<HandlerMap>;
