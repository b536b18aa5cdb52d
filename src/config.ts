import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';

export type Environment = 'development' | 'production' | 'test';

export interface Config {
  env: Environment;
  host: string;
  port: number;
  /** Public origin, used for the stream URL and Twilio signatures. No trailing slash. */
  publicUrl: string;
  databaseUrl: string;
  jwtSecret: string;
  jwtTtlSec: number;
  /** 32-byte AES-256-GCM key for provider credentials. */
  encryptionKey: Buffer;
  twilioAuthToken: string | null;
  logLevel: string;
  providerAllowPrivateUrls: boolean;
  /** Validate every response against the spec and fail loudly on a mismatch (development and tests). */
  validateResponses: boolean;
  /** How long auth lookups (org status, plan, API keys) may be served from memory. */
  authCacheMs: number;
  /** When set, `GET /metrics` requires `Authorization: Bearer <metricsToken>`; when null it is open. */
  metricsToken: string | null;
  /** Server processes (node:cluster workers) sharing the port; each runs HTTP and media streams. */
  webConcurrency: number;
  /** Behind a reverse proxy: the client address is the last one it appended to X-Forwarded-For. */
  trustProxy: boolean;
  rateLimits: RateLimitConfig;
  calls: {
    /** How often a process marks the calls it carries as alive. */
    heartbeatMs: number;
    /** A call whose heartbeat is older than this lost its process (crash, kill -9) and is closed as failed. */
    staleMs: number;
    /** A reserved slot whose media stream has not connected after this is released. */
    connectTimeoutMs: number;
    /** Lifetime of the signed token a media stream presents. */
    streamTokenTtlSec: number;
    /** On SIGTERM, how long active calls may go on before they are ended. */
    shutdownGraceMs: number;
  };
}

/** `points` requests per `durationSec` seconds. */
export interface RateLimitRule {
  points: number;
  durationSec: number;
}

export type RateLimitStore = 'memory' | 'postgres' | 'redis';

export interface RateLimitConfig {
  /** Every request, per client address. */
  ip: RateLimitRule;
  /** Authenticated requests, per API key or per signed-in user. */
  caller: RateLimitRule;
  /** Sign-in attempts per address and email; also sign-ups and setup per address. */
  signin: RateLimitRule;
  /** Twilio webhooks, per API key in the URL. */
  webhook: RateLimitRule;
  /** Where counters live: memory is per process; Postgres and Redis are shared by all processes. */
  store: RateLimitStore;
  redisUrl: string | null;
  /** Prefix of every counter key, so several deployments can share one Redis. */
  keyPrefix: string;
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class ConfigError extends Error {}

function parseEnvironment(value: string | undefined): Environment {
  if (value === undefined || value === '') return 'development';
  if (value === 'development' || value === 'production' || value === 'test') return value;
  throw new ConfigError(`NODE_ENV must be development, production or test, got "${value}"`);
}

function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be 0-65535, got "${value}"`);
  return port;
}

function parseMs(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 1) throw new ConfigError(`${name} must be a positive whole number, got "${value}"`);
  return ms;
}

function parseWorkers(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const workers = Number(value);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
    throw new ConfigError(`WEB_CONCURRENCY must be a whole number from 1 to 256, got "${value}"`);
  }
  return workers;
}

function parseBoolean(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (/^(1|true|yes)$/i.test(value)) return true;
  if (/^(0|false|no)$/i.test(value)) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

function parseRateLimitRule(name: string, value: string | undefined, fallback: RateLimitRule): RateLimitRule {
  if (value === undefined || value === '') return fallback;
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const points = Number(match?.[1]);
  const durationSec = Number(match?.[2]);
  if (!match || points < 1 || durationSec < 1) {
    throw new ConfigError(`${name} must be <requests>/<seconds> with both at least 1, e.g. 600/60, got "${value}"`);
  }
  return { points, durationSec };
}

function parseRateLimits(env: Env, databaseUrl: string): RateLimitConfig {
  const redisUrl = env.REDIS_URL || null;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) throw new ConfigError('REDIS_URL must start with redis:// or rediss://');
  const postgres = databaseUrl.startsWith('postgres');
  const store = env.RATE_LIMIT_STORE || (redisUrl ? 'redis' : postgres ? 'postgres' : 'memory');
  if (store !== 'memory' && store !== 'postgres' && store !== 'redis') {
    throw new ConfigError(`RATE_LIMIT_STORE must be memory, postgres or redis, got "${store}"`);
  }
  if (store === 'redis' && !redisUrl) throw new ConfigError('RATE_LIMIT_STORE=redis needs REDIS_URL');
  if (store === 'postgres' && !postgres) throw new ConfigError('RATE_LIMIT_STORE=postgres needs a postgres:// DATABASE_URL');
  return {
    ip: parseRateLimitRule('RATE_LIMIT_IP', env.RATE_LIMIT_IP, { points: 1200, durationSec: 60 }),
    caller: parseRateLimitRule('RATE_LIMIT_CALLER', env.RATE_LIMIT_CALLER, { points: 600, durationSec: 60 }),
    signin: parseRateLimitRule('RATE_LIMIT_SIGNIN', env.RATE_LIMIT_SIGNIN, { points: 10, durationSec: 900 }),
    webhook: parseRateLimitRule('RATE_LIMIT_WEBHOOK', env.RATE_LIMIT_WEBHOOK, { points: 120, durationSec: 60 }),
    store,
    redisUrl,
    keyPrefix: env.RATE_LIMIT_PREFIX || 'voicex',
  };
}

function parsePublicUrl(value: string | undefined, port: number): string {
  const raw = value || `http://localhost:${port || 3001}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('PUBLIC_URL must be http(s)');
  return url.origin + url.pathname.replace(/\/+$/, '');
}

function parseDatabaseUrl(value: string | undefined): string {
  const url = value || 'sqlite:./data/voicex.db';
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(url)) {
    throw new ConfigError('DATABASE_URL must start with sqlite: or postgres://');
  }
  return url;
}

function parseEncryptionKey(hex: string): Buffer {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new ConfigError('ENCRYPTION_KEY must be 64 hex characters');
  return Buffer.from(hex, 'hex');
}

/**
 * Development secrets are generated once and kept under the data directory, so tokens and encrypted
 * credentials survive restarts without any setup. Production must set them explicitly.
 */
function devSecrets(dataDir: string): { jwtSecret: string; encryptionKey: string } {
  const file = join(dataDir, 'dev-secrets.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    const secrets = { jwtSecret: randomBytes(32).toString('hex'), encryptionKey: randomBytes(32).toString('hex') };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    return secrets;
  }
}

/** Parses and validates the whole configuration. `env` is process.env in main.ts and a literal in tests. */
export function parseConfig(env: Env): Config {
  const nodeEnv = parseEnvironment(env.NODE_ENV);
  const production = nodeEnv === 'production';
  const port = parsePort(env.PORT, 3001);
  const logLevel = env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info');
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  let jwtSecret = env.JWT_SECRET;
  let encryptionKey = env.ENCRYPTION_KEY;
  if (production && (!jwtSecret || !encryptionKey)) {
    throw new ConfigError('JWT_SECRET and ENCRYPTION_KEY are required when NODE_ENV=production');
  }
  if (!jwtSecret || !encryptionKey) {
    const generated = devSecrets(env.DATA_DIR || './data');
    jwtSecret ||= generated.jwtSecret;
    encryptionKey ||= generated.encryptionKey;
  }
  if (jwtSecret.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters');

  const databaseUrl = parseDatabaseUrl(env.DATABASE_URL);
  return {
    env: nodeEnv,
    host: env.HOST || '0.0.0.0',
    port,
    publicUrl: parsePublicUrl(env.PUBLIC_URL, port),
    databaseUrl,
    jwtSecret,
    jwtTtlSec: 7 * 24 * 3600,
    encryptionKey: parseEncryptionKey(encryptionKey),
    twilioAuthToken: env.TWILIO_AUTH_TOKEN || null,
    logLevel,
    providerAllowPrivateUrls: parseBoolean('PROVIDER_ALLOW_PRIVATE_URLS', env.PROVIDER_ALLOW_PRIVATE_URLS, !production),
    validateResponses: !production,
    authCacheMs: 500,
    metricsToken: env.METRICS_TOKEN || null,
    webConcurrency: parseWorkers(env.WEB_CONCURRENCY, production ? availableParallelism() : 1),
    trustProxy: parseBoolean('TRUST_PROXY', env.TRUST_PROXY, false),
    rateLimits: parseRateLimits(env, databaseUrl),
    calls: {
      heartbeatMs: parseMs('CALL_HEARTBEAT_MS', env.CALL_HEARTBEAT_MS, 5000),
      staleMs: parseMs('CALL_STALE_MS', env.CALL_STALE_MS, 20_000),
      connectTimeoutMs: parseMs('CALL_CONNECT_TIMEOUT_MS', env.CALL_CONNECT_TIMEOUT_MS, 30_000),
      streamTokenTtlSec: 60,
      shutdownGraceMs: parseMs('SHUTDOWN_GRACE_MS', env.SHUTDOWN_GRACE_MS, 30_000),
    },
  };
}
