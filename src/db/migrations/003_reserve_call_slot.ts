import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { DialectName } from '../database';

/**
 * Postgres: the concurrent-call check and the insert of the call as one server-side step (see
 * insertCallWithinLimit). The organization's row lock is taken the way every other org-wide check takes it (a
 * no-op UPDATE), and the count runs after it, as its own statement, so it sees every call committed by whoever held
 * the lock before. The row arrives as JSON with the table's column names, so the function never lists them.
 * SQLite has no stored functions and needs none: it runs one writer at a time.
 */
export function reserveCallSlot(dialect: DialectName): Migration {
  if (dialect !== 'postgres') return { up: async () => {} };
  return {
    async up(db: Kysely<unknown>) {
      await sql`
        create function reserve_call_slot(org text, max_active integer, call json) returns boolean
        language plpgsql volatile as $$
        begin
          update organizations set updated_at = updated_at where id = org;
          if (select count(*) from calls where org_id = org and status = 'active') >= max_active then
            return false;
          end if;
          insert into calls select * from json_populate_record(null::calls, call);
          return true;
        end
        $$`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`drop function reserve_call_slot(text, integer, json)`.execute(db);
    },
  };
}
