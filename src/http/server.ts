import { randomUUID } from 'node:crypto';
import Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import type { OpenAPIBackend } from 'openapi-backend';
import type { ServiceContext } from '../services/context';
import type { RateLimiters } from '../services/rate-limiters';
import { toErrorResponse } from './errors';
import { observeRequests } from './metrics';
import { identifyOperation } from './operation';
import { limitByAddress, limitByOperation } from './rate-limit';
import { screenRequestInput } from './request-body';

const REQUEST_ID = /^[\w.:-]{1,64}$/;

/** Request id, one log line per request, and the mapping of every error to `{ error }`. */
function requestScope(svc: ServiceContext): Koa.Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.set('x-request-id', requestId);
    const log = svc.log.child({ requestId });
    ctx.state.log = log;
    try {
      await next();
    } catch (error) {
      const { status, body } = toErrorResponse(error, log);
      ctx.status = status;
      ctx.body = body;
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // The path, never the URL: webhook URLs carry the API key in their query.
    log.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10 }, 'request');
  };
}

export function createHttpApp(
  svc: ServiceContext,
  api: OpenAPIBackend,
  limiters: RateLimiters,
  extraRoutes: Koa.Middleware[] = [],
): Koa {
  const app = new Koa();
  // Behind a proxy, ctx.ip is the address the nearest proxy appended, not one the client wrote itself.
  app.proxy = svc.config.trustProxy;
  app.maxIpsCount = 1;
  app.use(identifyOperation(api));
  app.use(observeRequests(svc.metrics));
  app.use(requestScope(svc));
  app.use(limitByAddress(limiters));
  app.use(
    bodyParser({
      enableTypes: ['json', 'form'],
      jsonLimit: '256kb',
      formLimit: '64kb',
      strict: true,
    }),
  );
  app.use(limitByOperation(limiters));
  app.use(screenRequestInput());
  for (const route of extraRoutes) app.use(route);
  app.use((ctx) =>
    api.handleRequest(
      { method: ctx.method, path: ctx.path, body: ctx.request.body, query: ctx.query as Record<string, string | string[]>, headers: ctx.headers as Record<string, string> },
      ctx,
    ),
  );
  return app;
}
