import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { CallChannel } from '../domain';

/**
 * HS256 tokens, algorithm pinned on both sides. Session tokens (`typ: session`) authenticate dashboard users;
 * stream tokens (`typ: stream`) let one media stream attach to one reserved call, over the channel it was reserved
 * for: a web session's token does not open a Twilio stream and the other way round.
 */
export interface SessionClaims {
  userId: string;
  orgId: string;
}

export interface StreamClaims {
  callId: string;
  orgId: string;
  channel: CallChannel;
}

export interface TokenService {
  signSession(claims: SessionClaims): string;
  verifySession(token: string): SessionClaims | null;
  signStream(claims: StreamClaims, ttlSec: number): string;
  verifyStream(token: string): StreamClaims | null;
}

const ALGORITHM = 'HS256' as const;
const isChannel = (value: unknown): value is CallChannel => value === 'phone' || value === 'web';

export function createTokenService(secret: string, sessionTtlSec: number): TokenService {
  // Built once: given a string, jsonwebtoken first tries to parse it as a PEM key (and throws) on every call,
  // which was most of the cost of signing a stream token in the voice webhook.
  const key = createSecretKey(Buffer.from(secret));
  const verify = (token: string, typ: string): jwt.JwtPayload | null => {
    try {
      const payload = jwt.verify(token, key, { algorithms: [ALGORITHM] });
      return typeof payload === 'object' && payload.typ === typ ? payload : null;
    } catch {
      return null;
    }
  };
  return {
    signSession: ({ userId, orgId }) =>
      jwt.sign({ typ: 'session', org: orgId }, key, { algorithm: ALGORITHM, subject: userId, expiresIn: sessionTtlSec }),
    verifySession: (token) => {
      const payload = verify(token, 'session');
      return payload && typeof payload.sub === 'string' && typeof payload.org === 'string'
        ? { userId: payload.sub, orgId: payload.org }
        : null;
    },
    signStream: ({ callId, orgId, channel }, ttlSec) =>
      jwt.sign({ typ: 'stream', org: orgId, ch: channel }, key, { algorithm: ALGORITHM, subject: callId, expiresIn: ttlSec }),
    verifyStream: (token) => {
      const payload = verify(token, 'stream');
      return payload && typeof payload.sub === 'string' && typeof payload.org === 'string' && isChannel(payload.ch)
        ? { callId: payload.sub, orgId: payload.org, channel: payload.ch }
        : null;
    },
  };
}
