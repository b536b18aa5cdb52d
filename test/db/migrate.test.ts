import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrate';
import { findPlanBySlug } from '../../src/db/repositories/plans';
import { seedDatabase } from '../../src/db/seed';
import { freshDatabaseUrl } from '../support/database';

describe('migrations', () => {
  // Postgres test databases hold one schema per test file, and a deployment may share a database with other
  // schemas: Kysely's bookkeeping tables elsewhere must not make it skip creating its own.
  it('migrates its own schema when other schemas of the database are migrated already', async () => {
    const neighbour = await freshDatabaseUrl();
    const own = await freshDatabaseUrl();
    const handles = [openDatabase(neighbour.url), openDatabase(own.url)];
    try {
      for (const handle of handles) {
        await migrateToLatest(handle.db, handle.dialect);
        await migrateToLatest(handle.db, handle.dialect); // and again, as at every start
        await seedDatabase(handle.db);
      }
      expect((await findPlanBySlug(handles[1]!.db, 'free'))?.name).toBe('Free');
    } finally {
      for (const handle of handles) await handle.close();
      await neighbour.drop();
      await own.drop();
    }
  });
});
