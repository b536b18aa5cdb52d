import type { Selectable } from 'kysely';
import type { ApiKey } from '../../domain';
import type { DB } from '../database';
import type { ApiKeysTable } from '../schema';
import { newId, nowIso } from '../values';

function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    keyHash: row.key_hash,
    keyPrefix: row.key_prefix,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

export async function insertApiKey(
  db: DB,
  key: { orgId: string; name: string; keyHash: string; keyPrefix: string; createdBy: string | null },
): Promise<ApiKey> {
  const row: Selectable<ApiKeysTable> = {
    id: newId(),
    org_id: key.orgId,
    name: key.name,
    key_hash: key.keyHash,
    key_prefix: key.keyPrefix,
    created_by: key.createdBy,
    created_at: nowIso(),
    last_used_at: null,
  };
  await db.insertInto('api_keys').values(row).execute();
  return toApiKey(row);
}

export async function findApiKeyByHash(db: DB, keyHash: string): Promise<ApiKey | undefined> {
  const row = await db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
  return row && toApiKey(row);
}

export async function listApiKeys(db: DB, orgId: string): Promise<ApiKey[]> {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toApiKey);
}

/** Returns the deleted key's hash (to evict it from caches), or undefined when the org has no such key. */
export async function deleteApiKey(db: DB, orgId: string, id: string): Promise<string | undefined> {
  const row = await db
    .deleteFrom('api_keys')
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .returning('key_hash')
    .executeTakeFirst();
  return row?.key_hash;
}

export async function touchApiKey(db: DB, id: string, at: string): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
}
