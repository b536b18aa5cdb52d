import type Koa from 'koa';
import type { OpenAPIBackend } from 'openapi-backend';
import type { OperationId } from './handler-types';

/**
 * Names the operation a request is for, once, before anything else runs: the metrics label and the per-operation
 * rate limits both read it. openapi-backend still routes the request itself when it handles it.
 */
export function identifyOperation(api: OpenAPIBackend): Koa.Middleware {
  return (ctx, next) => {
    ctx.state.operationId = api.matchOperation({ method: ctx.method, path: ctx.path, headers: {} })?.operationId;
    return next();
  };
}

export const operationIdOf = (ctx: Koa.Context): OperationId | undefined => ctx.state.operationId as OperationId | undefined;
