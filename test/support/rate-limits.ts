/** Rate limits in tests: generous by default so no suite trips them, tight where a suite measures them. */

/** What every test server runs with unless a suite sets its own (see startTestServer). */
export const GENEROUS_RATE_LIMITS = {
  RATE_LIMIT_IP: '1000000/60',
  RATE_LIMIT_CALLER: '1000000/60',
  RATE_LIMIT_SIGNIN: '1000000/60',
  RATE_LIMIT_WEBHOOK: '1000000/60',
} as const;

export interface RateLimitHeaders {
  limit: number;
  remaining: number;
  reset: number;
  retryAfter: number | null;
}

export function rateLimitHeadersOf(response: Response): RateLimitHeaders {
  const number = (name: string) => {
    const value = response.headers.get(name);
    if (value === null || !/^\d+$/.test(value)) throw new Error(`header ${name} missing or not a whole number: ${value}`);
    return Number(value);
  };
  return {
    limit: number('ratelimit-limit'),
    remaining: number('ratelimit-remaining'),
    reset: number('ratelimit-reset'),
    retryAfter: response.headers.has('retry-after') ? number('retry-after') : null,
  };
}

export interface Tally {
  sent: number;
  refused: number;
  /** Status of every answer that was not 429. */
  others: number[];
}

/** Sends `count` requests one after another and counts the 429s. */
export async function tally(count: number, send: (i: number) => Promise<Response>): Promise<Tally> {
  const result: Tally = { sent: 0, refused: 0, others: [] };
  for (let i = 0; i < count; i++) {
    const response = await send(i);
    result.sent++;
    if (response.status === 429) result.refused++;
    else result.others.push(response.status);
    await response.body?.cancel();
  }
  return result;
}
