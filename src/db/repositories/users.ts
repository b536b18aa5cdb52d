import type { Selectable } from 'kysely';
import type { User, UserRole } from '../../domain';
import type { DB } from '../database';
import type { UsersTable } from '../schema';
import { newId, nowIso } from '../values';

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    email: row.email,
    passwordHash: row.password_hash,
    role: row.role,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertUser(
  db: DB,
  user: { orgId: string; name: string; email: string; passwordHash: string; role: UserRole },
): Promise<User> {
  const now = nowIso();
  const row: Selectable<UsersTable> = {
    id: newId(),
    org_id: user.orgId,
    name: user.name,
    email: user.email.toLowerCase(),
    password_hash: user.passwordHash,
    role: user.role,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('users').values(row).execute();
  return toUser(row);
}

export async function findUserById(db: DB, id: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUser(row);
}

export async function findUserByEmail(db: DB, email: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
  return row && toUser(row);
}

export async function listUsersOfOrganizations(db: DB, orgIds: string[]): Promise<User[]> {
  if (orgIds.length === 0) return [];
  const rows = await db.selectFrom('users').selectAll().where('org_id', 'in', orgIds).orderBy('created_at').execute();
  return rows.map(toUser);
}

export async function superadminExists(db: DB): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('role', '=', 'superadmin').executeTakeFirst();
  return row !== undefined;
}
