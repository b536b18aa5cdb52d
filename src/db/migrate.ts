import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import * as initial from './migrations/001_initial';

// Migrations are listed in code rather than read from a folder, so they run the same under tsx, tests and bundles.
const migrations: Record<string, Migration> = {
  '001_initial': initial,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Without a schema, Kysely takes its bookkeeping tables as present when any schema of the database has them, and
 * then fails on ours. Another schema with them is common: a second app, or the tests' one schema per suite.
 * Naming the schema unqualified tables land in keeps each schema's migrations to itself.
 */
async function migrationTableSchema(db: Kysely<any>): Promise<string | undefined> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return undefined;
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema;
}

export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({ db, provider, migrationTableSchema: await migrationTableSchema(db) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
