import type { Kysely } from 'kysely';

/**
 * Rate-limit counters shared by every server process when the store is Postgres (RATE_LIMIT_STORE). The columns
 * are the ones rate-limiter-flexible's Postgres store reads and writes; created here rather than by the library so
 * the schema has one owner. `expire` is epoch milliseconds.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expire', 'bigint')
    .execute();
  await db.schema.createIndex('rate_limits_expire_idx').on('rate_limits').column('expire').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_limits').execute();
}
