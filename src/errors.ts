/**
 * The one error type that crosses layers. Services throw it with the HTTP status the caller should see;
 * `src/http/errors.ts` is the only place that turns errors into responses.
 */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 429 | 503;

export class AppError extends Error {
  constructor(
    readonly status: ErrorStatus,
    message: string,
    readonly code: string,
    /** Extra fields of the error body, beside `error` and `code`. */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, code = 'bad_request') => new AppError(400, message, code);
export const unauthorized = (message = 'Authentication required', code = 'unauthorized') =>
  new AppError(401, message, code);
export const forbidden = (message: string, code = 'forbidden') => new AppError(403, message, code);
export const notFound = (what: string) => new AppError(404, `${what} not found`, 'not_found');
export const conflict = (message: string, code = 'conflict', extra?: Record<string, unknown>) =>
  new AppError(409, message, code, extra);
