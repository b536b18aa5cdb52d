import autocannon from 'autocannon';

export interface LoadFigures {
  /** Responses per second over the whole run. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  responses: number;
  /** Responses of an unexpected status plus connection errors and timeouts; a run with any is suspect. */
  failures: number;
  /** The unexpected statuses and their counts, e.g. "409:20". */
  failureStatuses: string;
}

export interface LoadOptions {
  url: string;
  connections: number;
  durationSec: number;
  /** The status every response must have (`2xx` when omitted). */
  expectStatus?: number[];
  requests?: autocannon.Request[];
  headers?: Record<string, string>;
  method?: autocannon.Request['method'];
  body?: string;
}

/** One closed-loop autocannon run (each connection sends its next request when the previous one answered). */
export async function closedLoop(options: LoadOptions): Promise<LoadFigures> {
  const { url, connections, durationSec, method, headers, body, requests } = options;
  // autocannon takes an option given as undefined for a value, so only those set are passed.
  const optional = Object.fromEntries(Object.entries({ method, headers, body, requests }).filter(([, v]) => v !== undefined));
  const result = await autocannon({ url, connections, duration: durationSec, ...optional });
  const expected = options.expectStatus;
  const isExpected = (status: number) => (expected ? expected.includes(status) : status >= 200 && status < 300);
  const unexpectedStatuses = Object.entries(result.statusCodeStats ?? {}).filter(([status]) => !isExpected(Number(status)));
  const unexpected = unexpectedStatuses.reduce((sum, [, stats]) => sum + (stats.count ?? 0), 0);
  return {
    rps: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    responses: result.requests.total,
    failures: unexpected + result.errors + result.timeouts,
    failureStatuses: unexpectedStatuses.map(([status, stats]) => `${status}:${stats.count ?? 0}`).join(' '),
  };
}
