import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct SQL texts kept prepared; queries with variable IN lists make more, so the cache starts over past this. */
const MAX_STATEMENTS = 1000;

/**
 * better-sqlite3 as Kysely's SQLite driver sees it, with each distinct SQL text prepared once: Kysely prepares
 * every query anew, and compiling the SQL cost more than running it for our small indexed queries. A statement
 * is safe to reuse because better-sqlite3 runs it synchronously to the end (we never stream from SQLite) and
 * re-prepares it itself after a schema change.
 */
export function withStatementCache(database: SqliteDatabase): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare: (sql) => {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= MAX_STATEMENTS) statements.clear();
        statement = database.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
