import twilio from 'twilio';
import type { Context as KoaContext } from 'koa';
import { findAgentByPhoneNumber, listAgents } from '../db/repositories/agents';
import { findCallByTwilioSid, failCall } from '../db/repositories/calls';
import { AppError, forbidden } from '../errors';
import { refusalTwiml, streamTwiml, streamUrlFor } from '../voice/twilio/twiml';
import { TWILIO_STREAM_PATH } from '../voice/twilio/protocol';
import { withAgentStatus } from './agent-status';
import { admitCall } from './call-admission';
import type { AuthContext, ServiceContext } from './context';

/** What a caller hears when the call cannot be taken; short, since it is spoken. */
const SPOKEN_REFUSALS: Record<string, string> = {
  org_inactive: 'Sorry, this service is not available right now. Goodbye.',
  no_agent: 'Sorry, no assistant answers this number. Goodbye.',
  agent_paused: 'Sorry, the assistant is not available right now. Please call again later. Goodbye.',
  concurrency_limit: 'All our lines are busy right now. Please call again in a few minutes. Goodbye.',
  minutes_exhausted: 'Sorry, this service has used up its calling time for this month. Goodbye.',
};

export interface TwilioRequest {
  /** The URL Twilio requested, as Twilio saw it: PUBLIC_URL + path + query. */
  url: string;
  signature: string | undefined;
  params: Record<string, string>;
}

export function twilioRequestOf(svc: ServiceContext, koa: KoaContext): TwilioRequest {
  return {
    url: `${svc.config.publicUrl}${koa.originalUrl}`,
    signature: koa.get('x-twilio-signature') || undefined,
    params: (koa.request as unknown as { body: Record<string, string> }).body ?? {},
  };
}

/**
 * X-Twilio-Signature with the organization's own auth token, else the platform's. With neither, production
 * refuses (nothing proves the request is Twilio's) and development accepts with a warning.
 */
export function verifyTwilioSignature(svc: ServiceContext, auth: AuthContext, request: TwilioRequest): void {
  const authToken = auth.org.twilioAuthTokenSealed ? svc.box.open(auth.org.twilioAuthTokenSealed) : svc.config.twilioAuthToken;
  if (!authToken) {
    if (svc.config.env === 'production') {
      throw forbidden('Twilio signatures cannot be verified: no Twilio auth token is configured', 'twilio_token_missing');
    }
    svc.log.warn({ orgId: auth.org.id }, 'accepting a Twilio webhook without signature check: no Twilio auth token configured');
    return;
  }
  if (!request.signature || !twilio.validateRequest(authToken, request.signature, request.url, request.params)) {
    throw forbidden('Invalid Twilio signature', 'invalid_signature');
  }
}

/**
 * `agentId` if given, else the agent owning the dialled number, else the organization's only active agent.
 * Returns the agent id, or the refusal when no agent fits.
 */
async function pickAgent(
  svc: ServiceContext,
  auth: AuthContext,
  agentId: string | undefined,
  to: string | undefined,
): Promise<{ agentId: string } | { refusal: 'no_agent' | 'agent_paused' }> {
  if (agentId) return { agentId };
  if (to) {
    const owner = await findAgentByPhoneNumber(svc.db, auth.org.id, to);
    if (owner) return { agentId: owner.id };
  }
  const agents = await withAgentStatus(svc, auth.org, auth.plan, await listAgents(svc.db, auth.org.id));
  const active = agents.filter((a) => a.status === 'active');
  if (active.length === 1) return { agentId: active[0]!.agent.id };
  return { refusal: agents.length > 0 && active.length === 0 ? 'agent_paused' : 'no_agent' };
}

/** Answers Twilio's voice webhook: TwiML that connects the media stream, or a spoken refusal. */
export async function answerIncomingCall(
  svc: ServiceContext,
  auth: AuthContext,
  input: { agentId?: string; params: Record<string, string> },
): Promise<string> {
  const refuse = (code: string) => {
    svc.log.info({ orgId: auth.org.id, code }, 'call refused');
    return refusalTwiml(SPOKEN_REFUSALS[code]!);
  };
  if (auth.org.status !== 'active') return refuse('org_inactive');

  const picked = await pickAgent(svc, auth, input.agentId, input.params.To);
  if ('refusal' in picked) return refuse(picked.refusal);

  try {
    const call = await admitCall(svc, auth, picked.agentId, {
      channel: 'phone',
      from: input.params.From ?? null,
      to: input.params.To ?? null,
      twilioCallSid: input.params.CallSid ?? null,
    });
    const token = svc.tokens.signStream({ callId: call.id, orgId: call.orgId, channel: 'phone' }, svc.config.calls.streamTokenTtlSec);
    return streamTwiml(streamUrlFor(svc.config.publicUrl, TWILIO_STREAM_PATH), { callId: call.id, token });
  } catch (error) {
    if (error instanceof AppError && error.code in SPOKEN_REFUSALS) return refuse(error.code);
    throw error;
  }
}

const ENDED_STATUSES = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/** Twilio's status callback: a call Twilio reports ended is closed here if its stream did not close it already. */
export async function applyCallStatus(
  svc: ServiceContext,
  auth: AuthContext,
  params: { CallSid: string; CallStatus: string },
): Promise<void> {
  if (!ENDED_STATUSES.has(params.CallStatus)) return;
  const call = await findCallByTwilioSid(svc.db, auth.org.id, params.CallSid);
  if (!call || call.status !== 'active') return;
  const live = svc.calls.get(call.id);
  if (live) await live.end('caller_hangup');
  else if (!call.connectedAt) await failCall(svc.db, call.id, `twilio_${params.CallStatus.replace('-', '_')}`);
}
