import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { DialectName } from '../database';

/**
 * Postgres: the admission checks of a call and its insert as one server-side step (see insertCallWithinLimits).
 * Minutes used this month are summed first, without a lock (they only grow when calls end). Then the
 * organization's row lock is taken the way every other org-wide check takes it (a no-op UPDATE), and the count of
 * active calls runs after it, as its own statement, so it sees every call committed by whoever held the lock
 * before. The row arrives as JSON with the table's column names, so the function never lists them; a column added
 * to `calls` later must be in that row too (json_populate_record gives a missing key null, not the default).
 * SQLite has no stored functions and needs none: it runs one writer at a time.
 */
export function reserveCallSlot(dialect: DialectName): Migration {
  if (dialect !== 'postgres') return { up: async () => {} };
  return {
    async up(db: Kysely<unknown>) {
      await sql`
        create function reserve_call_slot(org text, max_active bigint, max_minutes bigint, month_start text, call json)
        returns text language plpgsql volatile as $$
        begin
          if (select coalesce(sum(minutes), 0) from daily_usage where org_id = org and day >= month_start) >= max_minutes then
            return 'minutes';
          end if;
          update organizations set updated_at = updated_at where id = org;
          if (select count(*) from calls where org_id = org and status = 'active') >= max_active then
            return 'lines';
          end if;
          insert into calls select * from json_populate_record(null::calls, call);
          return 'reserved';
        end
        $$`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`drop function reserve_call_slot(text, bigint, bigint, text, json)`.execute(db);
    },
  };
}
