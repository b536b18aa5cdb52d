import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type TestDialect = 'sqlite' | 'postgres';

export const testDialect = (): TestDialect => (process.env.VOICEX_TEST_DB === 'postgres' ? 'postgres' : 'sqlite');

export const POSTGRES_URL = process.env.VOICEX_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A fresh database for one test server: an in-memory SQLite file, or a new Postgres schema selected through the
 * connection's search_path (so the app runs its own migrations into it, as in production).
 */
export async function freshDatabaseUrl(
  options: { persistent?: boolean; dialect?: TestDialect } = {},
): Promise<{ url: string; drop(): Promise<void> }> {
  if ((options.dialect ?? testDialect()) === 'sqlite') {
    // A file outlives one app instance, for tests that restart the server over the same data.
    if (!options.persistent) return { url: 'sqlite::memory:', drop: async () => {} };
    const dir = await mkdtemp(join(tmpdir(), 'voicex-test-'));
    return { url: `sqlite:${join(dir, 'voicex.db')}`, drop: () => rm(dir, { recursive: true, force: true }) };
  }
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}
