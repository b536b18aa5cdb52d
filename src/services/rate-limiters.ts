/**
 * The request counters behind rate limiting, built from config. In memory they are per process; in Postgres or
 * Redis every server process counts against the same numbers. A store that fails (Postgres restarting, Redis
 * gone) falls back to counting in memory rather than failing requests.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type pg from 'pg';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { RateLimitConfig, RateLimitRule, RateLimitStore } from '../config';

/** `signin` counts per address and email, `signup` and `setup` per address; all three follow RATE_LIMIT_SIGNIN. */
export type LimiterName = 'ip' | 'caller' | 'signin' | 'signup' | 'setup' | 'webhook';

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (at least 1). */
  resetSec: number;
}

export interface RateLimiters {
  readonly store: RateLimitStore;
  consume(name: LimiterName, key: string): Promise<RateLimitDecision>;
  close(): Promise<void>;
}

/** Table created by migration 002_rate_limits. */
const POSTGRES_TABLE = 'rate_limits';

const RULE_OF: Record<LimiterName, keyof Pick<RateLimitConfig, 'ip' | 'caller' | 'signin' | 'webhook'>> = {
  ip: 'ip',
  caller: 'caller',
  signin: 'signin',
  signup: 'signin',
  setup: 'signin',
  webhook: 'webhook',
};

/** Keys may hold emails or API keys: the stores see a digest, never the value. */
export const counterKey = (...parts: string[]): string =>
  createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 32);

function decisionOf(rule: RateLimitRule, res: RateLimiterRes, allowed: boolean): RateLimitDecision {
  return {
    allowed,
    limit: rule.points,
    remaining: Math.max(0, res.remainingPoints),
    resetSec: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
  };
}

interface StoreOptions {
  pgPool?: pg.Pool | undefined;
}

export function createRateLimiters(config: RateLimitConfig, options: StoreOptions = {}): RateLimiters {
  const redis =
    config.store === 'redis'
      ? // No offline queue: while Redis is unreachable a count fails at once and the memory fallback answers.
        new Redis(config.redisUrl!, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false })
      : undefined;
  redis?.on('error', () => {});
  if (config.store === 'postgres' && !options.pgPool) throw new Error('the Postgres rate-limit store needs the database pool');

  const build = (name: LimiterName): RateLimiterAbstract => {
    const rule = config[RULE_OF[name]];
    const base = { points: rule.points, duration: rule.durationSec, keyPrefix: `${config.keyPrefix}:${name}` };
    const memory = new RateLimiterMemory(base);
    if (config.store === 'redis') return new RateLimiterRedis({ ...base, storeClient: redis, insuranceLimiter: memory });
    if (config.store === 'postgres') {
      return new RateLimiterPostgres({
        ...base,
        storeClient: options.pgPool,
        storeType: 'pool',
        tableName: POSTGRES_TABLE,
        tableCreated: true,
        // The sweep of expired rows (every 5 min, unref'd timer) covers the whole table: one limiter runs it.
        clearExpiredByTimeout: name === 'ip',
        insuranceLimiter: memory,
      });
    }
    return memory;
  };
  const limiters = Object.fromEntries(
    (Object.keys(RULE_OF) as LimiterName[]).map((name) => [name, build(name)]),
  ) as Record<LimiterName, RateLimiterAbstract>;

  return {
    store: config.store,
    async consume(name, key) {
      const rule = config[RULE_OF[name]];
      try {
        return decisionOf(rule, await limiters[name].consume(key), true);
      } catch (refused) {
        if (refused instanceof RateLimiterRes) return decisionOf(rule, refused, false);
        throw refused;
      }
    },
    async close() {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
