import { releaseUnconnectedCall } from '../db/repositories/calls';
import { streamUrlFor } from '../voice/twilio/twiml';
import { WEB_VOICE_PATH } from '../voice/web/protocol';
import { admitCall } from './call-admission';
import type { AuthContext, ServiceContext } from './context';

export interface WebSession {
  callId: string;
  token: string;
  wsUrl: string;
  expiresAt: string;
}

/**
 * Admits a browser call like an incoming phone call (same checks, slot reserved now) and hands out what the
 * browser needs instead of the API key: a one-use token for this call's socket, valid for a minute. A slot whose
 * socket never connects is released by the call registry after CALL_CONNECT_TIMEOUT_MS, as for phone calls.
 */
export async function startWebSession(
  svc: ServiceContext,
  auth: AuthContext,
  input: { agentId: string; metadata?: Record<string, unknown> },
): Promise<WebSession> {
  const call = await admitCall(svc, auth, input.agentId, {
    channel: 'web',
    from: null,
    to: null,
    twilioCallSid: null,
    ...(input.metadata && { clientMetadata: input.metadata }),
  });
  const ttlSec = svc.config.calls.streamTokenTtlSec;
  const token = svc.tokens.signStream({ callId: call.id, orgId: call.orgId, channel: 'web' }, ttlSec);
  const wsUrl = new URL(streamUrlFor(svc.config.publicUrl, WEB_VOICE_PATH));
  wsUrl.searchParams.set('token', token);
  return { callId: call.id, token, wsUrl: wsUrl.toString(), expiresAt: new Date(Date.now() + ttlSec * 1000).toISOString() };
}

/** The session's socket closed before `start`: its line is free again at once. */
export async function releaseWebSession(svc: ServiceContext, callId: string): Promise<void> {
  try {
    await releaseUnconnectedCall(svc.db, callId);
  } catch (error) {
    svc.log.warn({ err: error, callId }, 'could not release an unconnected web session; the call registry will');
  }
}
