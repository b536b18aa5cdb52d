import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { DatabaseHandle, DB, DialectName } from '../db/database';
import { createMetrics, type Metrics } from '../metrics';
import type { ApiKey, Organization, Plan, User } from '../domain';
import { CallRegistry } from './call-registry';
import { createCredentialBox, type CredentialBox } from './credential-box';
import { createTokenService, type TokenService } from './tokens';
import { TtlCache } from './ttl-cache';

/** Short-lived lookups on the authentication path; see TtlCache for why they may be stale for up to the TTL. */
export interface AuthCaches {
  users: TtlCache<User | null>;
  orgs: TtlCache<Organization | null>;
  plans: TtlCache<Plan | null>;
  apiKeys: TtlCache<ApiKey | null>;
}

/** Everything a service needs, built once per app instance (no module-level state). */
export interface ServiceContext {
  db: DB;
  dialect: DialectName;
  config: Config;
  log: Logger;
  box: CredentialBox;
  tokens: TokenService;
  caches: AuthCaches;
  /** Identifies this server process, e.g. for calls it carries. */
  instanceId: string;
  /** This app's Prometheus series, served at /metrics; the call path observes active calls and latencies. */
  metrics: Metrics;
  /** The calls this process carries. */
  calls: CallRegistry;
}

export function createAuthCaches(ttlMs: number): AuthCaches {
  return {
    users: new TtlCache(ttlMs),
    orgs: new TtlCache(ttlMs),
    plans: new TtlCache(ttlMs),
    apiKeys: new TtlCache(ttlMs),
  };
}

/**
 * The one way to build a ServiceContext, shared by the HTTP app and the operator CLI so both run the same
 * services over the same secrets. The database must already be migrated.
 */
export function createServiceContext(config: Config, log: Logger, database: DatabaseHandle): ServiceContext {
  const metrics = createMetrics();
  return {
    db: database.db,
    dialect: database.dialect,
    config,
    log,
    box: createCredentialBox(config.encryptionKey),
    tokens: createTokenService(config.jwtSecret, config.jwtTtlSec),
    caches: createAuthCaches(config.authCacheMs),
    instanceId: randomBytes(6).toString('hex'),
    metrics,
    calls: new CallRegistry({ db: database.db, config, log, metrics }),
  };
}

/** The caller of an authenticated request. */
export interface AuthContext {
  org: Organization;
  plan: Plan;
  /** The signed-in user, or the creator of the API key (null if that user is gone). */
  user: User | null;
  apiKey: ApiKey | null;
}
