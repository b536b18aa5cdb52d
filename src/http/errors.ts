import type { ErrorObject } from 'ajv';
import type { Logger } from 'pino';
import { isDatabaseUnavailable, isUniqueViolation, isUnstorableText } from '../db/values';
import { AppError, badRequest } from '../errors';

export interface ErrorResponse {
  status: number;
  body: { error: string; code: string; [extra: string]: unknown };
}

/** `/requestBody/persona/language` -> `body.persona.language`, `/query/limit` -> `query.limit`. */
function fieldPath(error: ErrorObject): string {
  const parts = error.instancePath.split('/').filter(Boolean);
  if (parts[0] === 'requestBody') parts[0] = 'body';
  if (error.keyword === 'required') parts.push(String(error.params.missingProperty));
  if (error.keyword === 'additionalProperties') parts.push(String(error.params.additionalProperty));
  return parts.join('.') || 'body';
}

function describe(error: ErrorObject): string {
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'additionalProperties') return 'is not allowed';
  if (error.keyword === 'enum') return `must be one of: ${(error.params.allowedValues as unknown[]).join(', ')}`;
  return error.message ?? 'is invalid';
}

/** Ajv errors from request validation as one 400 with a readable message and per-field details. */
export function validationError(errors: ErrorObject[]): AppError {
  // oneOf/anyOf add a summary error beside the specific ones; the specific ones say more.
  const useful = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if');
  const details = (useful.length ? useful : errors).slice(0, 20).map((e) => ({ path: fieldPath(e), message: describe(e) }));
  const first = details[0];
  const message = first ? `Invalid request: ${first.path} ${first.message}` : 'Invalid request';
  return new AppError(400, message, 'validation_failed', { details });
}

/**
 * A handler answered something openapi.yaml does not describe. Only raised where responses are validated
 * (development and tests), so a drift between code and contract fails loudly instead of reaching clients.
 */
export class ResponseMismatchError extends Error {
  constructor(
    readonly operationId: string,
    readonly errors: ErrorObject[],
  ) {
    super(`response of ${operationId} does not match openapi.yaml`);
  }
}

/** Errors of the body parser (raw-body / co-body) carry `type` and `status`; zlib's (a broken gzip body) a `Z_` code. */
function bodyParserError(error: { type?: string; status?: number; code?: unknown }): AppError | undefined {
  if (error.type === 'entity.too.large' || error.status === 413) {
    return new AppError(413, 'Request body too large', 'payload_too_large');
  }
  if (typeof error.code === 'string' && error.code.startsWith('Z_')) {
    return badRequest('Request body is not valid for its Content-Encoding', 'invalid_body_encoding');
  }
  if (error.type === 'entity.parse.failed' || error.type === 'encoding.unsupported' || error.status === 400 || error.status === 415) {
    return badRequest('Request body is not valid JSON or form data', 'invalid_body');
  }
  return undefined;
}

/** The one place where errors become HTTP responses. Unknown errors are logged and answered as a bare 500. */
export function toErrorResponse(error: unknown, log: Logger): ErrorResponse {
  if (error instanceof AppError) {
    return { status: error.status, body: { error: error.message, code: error.code, ...error.extra } };
  }
  const fromBody = error && typeof error === 'object' ? bodyParserError(error as { type?: string }) : undefined;
  if (fromBody) return toErrorResponse(fromBody, log);
  if (error instanceof ResponseMismatchError) {
    log.error({ operationId: error.operationId, errors: error.errors }, error.message);
    const details = error.errors.map((e) => ({ path: e.instancePath || '/', message: e.message ?? e.keyword }));
    return { status: 500, body: { error: 'Response does not match openapi.yaml', code: 'response_mismatch', details } };
  }
  if (isDatabaseUnavailable(error)) {
    log.warn({ err: error }, 'database unavailable');
    return { status: 503, body: { error: 'Service temporarily unavailable, please retry', code: 'database_unavailable' } };
  }
  if (isUnstorableText(error)) return toErrorResponse(badRequest('Text contains characters that cannot be stored', 'unstorable_text'), log);
  if (isUniqueViolation(error)) {
    return { status: 409, body: { error: 'A resource with these values already exists', code: 'conflict' } };
  }
  log.error({ err: error }, 'unhandled error');
  return { status: 500, body: { error: 'Internal server error', code: 'internal' } };
}
