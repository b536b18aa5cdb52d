import type { HandlerMap } from '../http/handler-types';
import { answerIncomingCall, applyCallStatus, twilioRequestOf, verifyTwilioSignature } from '../services/phone-calls';

export const twilioHandlers = {
  handleIncomingCall: async (req, svc) => {
    const request = twilioRequestOf(svc, req.koa);
    verifyTwilioSignature(svc, req.auth, request);
    return { status: 200, body: await answerIncomingCall(svc, req.auth, { agentId: req.query.agentId, params: request.params }) };
  },

  handleCallStatus: async (req, svc) => {
    const request = twilioRequestOf(svc, req.koa);
    verifyTwilioSignature(svc, req.auth, request);
    await applyCallStatus(svc, req.auth, req.body);
    return { status: 204 };
  },
} satisfies Partial<HandlerMap>;
