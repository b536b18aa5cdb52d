import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import type { DialectName } from './database';
import * as initial from './migrations/001_initial';
import * as rateLimits from './migrations/002_rate_limits';
import { reserveCallSlot } from './migrations/003_reserve_call_slot';

// Migrations are listed in code rather than read from a folder, so they run the same under tsx, tests and bundles.
const migrationsFor = (dialect: DialectName): Record<string, Migration> => ({
  '001_initial': initial,
  '002_rate_limits': rateLimits,
  '003_reserve_call_slot': reserveCallSlot(dialect),
});

/**
 * Kysely looks for its bookkeeping tables in every schema of the database unless told which one, so a migrated
 * neighbour schema (another test file, another app) would make it skip creating its own and then fail. Postgres
 * therefore names the connection's current schema (the first of its search_path).
 */
async function migrationSchema(db: Kysely<any>, dialect: DialectName): Promise<string | undefined> {
  if (dialect !== 'postgres') return undefined;
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema;
}

export async function migrateToLatest(db: Kysely<any>, dialect: DialectName): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(dialect) };
  const migrator = new Migrator({ db, provider, migrationTableSchema: await migrationSchema(db, dialect) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
