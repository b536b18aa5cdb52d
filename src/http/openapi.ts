import { fileURLToPath } from 'node:url';
import addFormats from 'ajv-formats';
import type { Context as KoaContext } from 'koa';
import { OpenAPIBackend, type Context as OpenApiContext, type Document, type Options } from 'openapi-backend';
import type Ajv from 'ajv';
import { AppError, unauthorized } from '../errors';
import { authenticateApiKey, authenticateSession } from '../services/auth';
import type { AuthContext, ServiceContext } from '../services/context';
import { apiKeyCannotAdminister, authorize, isAdminPath } from './access';
import { CompiledRouter } from './compiled-router';
import { ResponseMismatchError, validationError } from './errors';
import type { HandlerMap, HandlerRequest, OperationId } from './handler-types';

export const SPEC_PATH = fileURLToPath(new URL('../../openapi.yaml', import.meta.url));
export const API_ROOT = '/api';

interface Reply {
  status: number;
  body?: unknown;
}

function bearerToken(koa: KoaContext): string | undefined {
  const header = koa.get('authorization');
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw unauthorized('Authorization header must be "Bearer <token>"', 'invalid_authorization');
  return match[1];
}

function authenticated(c: OpenApiContext): AuthContext | undefined {
  for (const [scheme, result] of Object.entries(c.security ?? {})) {
    if (scheme !== 'authorized' && result && typeof result === 'object' && !('error' in result)) return result as AuthContext;
  }
  return undefined;
}

/**
 * The most telling refusal among the security handlers' errors: a 403 beats a 401, a specific 401 a generic one.
 * A handler that failed for another reason (the database is down) did not refuse anyone: that error is raised.
 */
function refusal(c: OpenApiContext, koa: KoaContext): AppError {
  const raised = Object.values(c.security ?? {}).map((r) => (r && typeof r === 'object' && 'error' in r ? (r as { error: unknown }).error : undefined));
  const failure = raised.find((e) => e !== undefined && !(e instanceof AppError));
  if (failure) throw failure;
  const errors = raised.filter((e): e is AppError => e instanceof AppError);
  const forbidden = errors.find((e) => e.status === 403);
  if (forbidden) return forbidden;
  if (errors[0]) return errors[0];
  if (isAdminPath(c.operation.path) && koa.get('x-api-key')) return apiKeyCannotAdminister();
  return unauthorized();
}

/** How requests are routed and validated; tests build a validator with the same rules to predict refusals. */
export const REQUEST_VALIDATION = {
  definition: SPEC_PATH,
  apiRoot: API_ROOT,
  strict: true,
  // Query and path parameters arrive as strings; handlers get them typed as the spec says, with its defaults.
  coerceTypes: true,
  validate: true,
  ajvOpts: { useDefaults: true, allErrors: false },
  customizeAjv: (ajv: Ajv) => {
    addFormats.default(ajv, ['email', 'date-time', 'date', 'uri']);
    return ajv;
  },
} satisfies Options;

/**
 * openapi-backend routes by operationId, runs the security handlers, validates the request, then calls our
 * typed handler. Errors are thrown and mapped in one place (src/http/errors.ts).
 */
export interface OpenApiOptions {
  /** Runs once the caller is authenticated, before the handler (the per-caller rate limit). */
  admitCaller?: (koa: KoaContext, auth: AuthContext) => Promise<void>;
}

export async function createOpenApiBackend(svc: ServiceContext, handlers: HandlerMap, options: OpenApiOptions = {}): Promise<OpenAPIBackend> {
  const api = new OpenAPIBackend(REQUEST_VALIDATION);

  const check = (c: OpenApiContext, auth: AuthContext | null) => {
    if (!auth) throw unauthorized('Invalid or expired credentials', 'invalid_credentials');
    authorize(c.operation.operationId as OperationId, c.operation.path, auth);
    return auth;
  };

  api.registerSecurityHandler('bearerAuth', async (c, koa: KoaContext) => {
    const token = bearerToken(koa);
    return token === undefined ? undefined : check(c, await authenticateSession(svc, token));
  });
  api.registerSecurityHandler('apiKeyAuth', async (c, koa: KoaContext) => {
    const key = koa.get('x-api-key');
    return key ? check(c, await authenticateApiKey(svc, key)) : undefined;
  });
  api.registerSecurityHandler('webhookApiKey', async (c, koa: KoaContext) => {
    const key = koa.query.api_key;
    return typeof key === 'string' && key ? check(c, await authenticateApiKey(svc, key)) : undefined;
  });

  api.register({
    notFound: () => {
      throw new AppError(404, 'Route not found', 'route_not_found');
    },
    methodNotAllowed: () => {
      throw new AppError(405, 'Method not allowed', 'method_not_allowed');
    },
    unauthorizedHandler: (c, koa: KoaContext) => {
      throw refusal(c, koa);
    },
    validationFail: (c) => {
      throw validationError(c.validation.errors ?? []);
    },
    postResponseHandler: (c, koa: KoaContext) => {
      const reply = c.response as Reply;
      if (svc.config.validateResponses && reply.status !== 204) {
        const result = c.api.validateResponse(reply.body, c.operation, reply.status);
        if (result.errors?.length) throw new ResponseMismatchError(c.operation.operationId ?? '', result.errors);
      }
      koa.status = reply.status;
      if (reply.status === 204) return;
      koa.body = reply.body;
      if (typeof reply.body === 'string') koa.type = 'text/xml';
    },
  });

  for (const operationId of Object.keys(handlers) as OperationId[]) {
    const handler = handlers[operationId] as (req: HandlerRequest<OperationId>, svc: ServiceContext) => Promise<Reply>;
    api.register(operationId, async (c: OpenApiContext, koa: KoaContext) => {
      const auth = authenticated(c);
      if (auth) await options.admitCaller?.(koa, auth);
      const req = {
        params: c.request.params,
        query: c.request.query,
        body: c.request.requestBody,
        koa,
        get auth(): AuthContext {
          if (!auth) throw unauthorized();
          return auth;
        },
      } as unknown as HandlerRequest<OperationId>;
      return handler(req, svc);
    });
  }

  await api.init();
  api.router = new CompiledRouter({ definition: api.definition, apiRoot: API_ROOT });
  return api;
}

export function definitionOf(api: OpenAPIBackend): Document {
  return api.definition;
}
