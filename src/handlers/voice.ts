import type { HandlerMap } from '../http/handler-types';
import { startWebSession } from '../services/web-calls';

export const voiceHandlers = {
  createVoiceSession: async (req, svc) => {
    const { callId, ...session } = await startWebSession(svc, req.auth, req.body);
    return { status: 201, body: { sessionId: callId, ...session } };
  },
} satisfies Partial<HandlerMap>;
