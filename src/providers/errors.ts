/**
 * The one error type adapters throw, so the pipeline can decide (retry, apologise, hang up) without knowing vendors.
 * Messages are built here from status codes and redacted vendor text: credentials never reach a log line.
 */
import { UnsafeProviderUrlError } from './url-guard';

export type ProviderErrorKind =
  | 'timeout'
  | 'auth'
  | 'rate_limited'
  | 'unavailable'
  | 'bad_response'
  | 'aborted'
  /** The vendor refused our request as malformed (400, 404, 422): a configuration problem, retrying will not help. */
  | 'invalid_request'
  /** The configured base URL points at an address the platform refuses (loopback, private, metadata, ...). */
  | 'unsafe_url';

export interface ProviderErrorInit {
  kind: ProviderErrorKind;
  /** Catalog key of the vendor, e.g. `openai`, `deepgram`. */
  provider: string;
  message: string;
  /** The vendor's HTTP status, when the failure came with one. */
  status?: number;
  cause?: unknown;
}

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly provider: string;
  readonly status: number | undefined;

  constructor(init: ProviderErrorInit) {
    super(`${init.provider}: ${init.message}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ProviderError';
    this.kind = init.kind;
    this.provider = init.provider;
    this.status = init.status;
  }

  /** Worth another attempt later: the vendor was busy, slow or down, not misconfigured. */
  get retryable(): boolean {
    return this.kind === 'timeout' || this.kind === 'rate_limited' || this.kind === 'unavailable';
  }
}

export function kindForStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate_limited';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'unavailable';
  if (status >= 300 && status < 400) return 'bad_response';
  return 'invalid_request';
}

const MAX_DETAIL_CHARS = 300;
/** Shapes of vendor keys that error texts sometimes echo back, masked or not (sk-..., gsk_..., Token ...). */
const KEY_LIKE = /\b(?:sk|gsk|xi|dg)[-_][A-Za-z0-9_*.-]{6,}|\b(?:Bearer|Token)\s+[A-Za-z0-9_*.=-]{8,}/g;

export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out.replace(KEY_LIKE, '[redacted]');
}

/** Pulls a human message out of the usual vendor error bodies ({error:{message}}, {detail:{message}}, text). */
export function vendorErrorDetail(body: string): string {
  const trimmed = body.trim();
  if (!trimmed) return '';
  try {
    const parsed: unknown = JSON.parse(trimmed);
    const message = findMessage(parsed);
    if (message) return message.slice(0, MAX_DETAIL_CHARS);
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return trimmed.slice(0, MAX_DETAIL_CHARS);
}

function findMessage(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  for (const key of ['message', 'error', 'detail', 'err_msg', 'description']) {
    const found = findMessage(record[key]);
    if (found) return found;
  }
  return undefined;
}

export function providerErrorFromStatus(
  provider: string,
  status: number,
  body: string,
  secrets: readonly string[],
): ProviderError {
  const detail = redactSecrets(vendorErrorDetail(body), secrets);
  const kind = kindForStatus(status);
  const what = status >= 300 && status < 400 ? 'unexpected redirect (not followed)' : `HTTP ${status}`;
  return new ProviderError({ kind, provider, status, message: detail ? `${what}: ${detail}` : what });
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

/** Normalises anything thrown while talking to a vendor. */
export function toProviderError(error: unknown, provider: string, secrets: readonly string[] = []): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof UnsafeProviderUrlError) {
    return new ProviderError({ kind: 'unsafe_url', provider, message: error.message, cause: error });
  }
  const code = (error as { code?: unknown } | null)?.code;
  const name = (error as { name?: unknown } | null)?.name;
  const raw = error instanceof Error ? error.message : String(error);
  const message = redactSecrets(raw, secrets);
  if (name === 'AbortError') return new ProviderError({ kind: 'aborted', provider, message: 'aborted', cause: error });
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    return new ProviderError({ kind: 'unavailable', provider, message: `network error ${code}`, cause: error });
  }
  return new ProviderError({ kind: 'unavailable', provider, message, cause: error });
}
