/**
 * Rate limiting: every request per client address, then by operation (sign-in attempts per address and email,
 * sign-ups and setup per address, Twilio webhooks per API key), then each authenticated caller per API key or user.
 * Answers 429 `{ error }` with Retry-After; every answer carries the RateLimit-* headers of the tightest limit.
 */
import type Koa from 'koa';
import { AppError } from '../errors';
import type { AuthContext } from '../services/context';
import { counterKey, type LimiterName, type RateLimitDecision, type RateLimiters } from '../services/rate-limiters';
import type { OperationId } from './handler-types';
import { operationIdOf } from './operation';

const PER_ADDRESS: Partial<Record<OperationId, LimiterName>> = { signUp: 'signup', completeSetup: 'setup' };
const WEBHOOKS = new Set<OperationId>(['handleIncomingCall', 'handleCallStatus']);

function apply(ctx: Koa.Context, decision: RateLimitDecision): void {
  const shown = ctx.state.rateLimit as RateLimitDecision | undefined;
  if (decision.allowed && shown && shown.remaining <= decision.remaining) return;
  ctx.state.rateLimit = decision;
  ctx.set('RateLimit-Limit', String(decision.limit));
  ctx.set('RateLimit-Remaining', String(decision.remaining));
  ctx.set('RateLimit-Reset', String(decision.resetSec));
  if (decision.allowed) return;
  ctx.set('Retry-After', String(decision.resetSec));
  throw new AppError(429, `Too many requests, retry in ${decision.resetSec} s`, 'rate_limited');
}

async function limit(ctx: Koa.Context, limiters: RateLimiters, name: LimiterName, key: string): Promise<void> {
  apply(ctx, await limiters.consume(name, key));
}

/** Every request, before its body is read. */
export function limitByAddress(limiters: RateLimiters): Koa.Middleware {
  return async (ctx, next) => {
    await limit(ctx, limiters, 'ip', ctx.ip);
    await next();
  };
}

function emailOf(body: unknown): string {
  const email = body && typeof body === 'object' ? (body as { email?: unknown }).email : undefined;
  return typeof email === 'string' ? email.trim().toLowerCase() : '';
}

/**
 * The stricter limits of particular operations, once the body is parsed. Sign-in counts every attempt per address
 * and email, so once an email is locked from an address even the right password waits, while other emails and
 * other addresses are unaffected.
 */
export function limitByOperation(limiters: RateLimiters): Koa.Middleware {
  return async (ctx, next) => {
    const operationId = operationIdOf(ctx);
    if (operationId === 'signIn') await limit(ctx, limiters, 'signin', counterKey(ctx.ip, emailOf(ctx.request.body)));
    const perAddress = operationId && PER_ADDRESS[operationId];
    if (perAddress) await limit(ctx, limiters, perAddress, ctx.ip);
    const apiKey = ctx.query.api_key;
    if (operationId && WEBHOOKS.has(operationId) && typeof apiKey === 'string') {
      await limit(ctx, limiters, 'webhook', counterKey(apiKey));
    }
    await next();
  };
}

/** Authenticated requests, per API key or per user, once the credentials are known to be good. */
export function limitCaller(limiters: RateLimiters): (koa: Koa.Context, auth: AuthContext) => Promise<void> {
  return async (koa, auth) => {
    const caller = auth.apiKey ? `key:${auth.apiKey.id}` : `user:${auth.user?.id ?? auth.org.id}`;
    await limit(koa, limiters, 'caller', caller);
  };
}
