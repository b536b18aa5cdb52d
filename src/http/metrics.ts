import { createHash, timingSafeEqual } from 'node:crypto';
import type Koa from 'koa';
import { AppError } from '../errors';
import type { Metrics } from '../metrics';
import { operationIdOf } from './operation';

export const METRICS_PATH = '/metrics';

/**
 * Times every request by its operationId (identifyOperation). Mounted outermost, so the status it
 * records is the final one, after errors were mapped to responses.
 */
export function observeRequests(metrics: Metrics): Koa.Middleware {
  return async (ctx, next) => {
    const stopTimer = metrics.httpRequestDuration.startTimer();
    try {
      await next();
    } finally {
      stopTimer({ operationId: operationIdOf(ctx) ?? 'unknown', method: ctx.method, status: String(ctx.status) });
    }
  };
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function bearerMatches(header: string, token: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}

/** `GET /metrics` in Prometheus text format; with METRICS_TOKEN set, only for `Authorization: Bearer <token>`. */
export function metricsRoute(metrics: Metrics, token: string | null): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.path !== METRICS_PATH || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    if (token !== null && !bearerMatches(ctx.get('authorization'), token)) {
      ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new AppError(401, 'Metrics require Authorization: Bearer <METRICS_TOKEN>', 'unauthorized');
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  };
}
