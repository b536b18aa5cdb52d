import { sql, type Selectable } from 'kysely';
import type { Provider, ProviderCategory, ProviderModel, ProviderSettings } from '../../domain';
import type { DB } from '../database';
import type { ProvidersTable } from '../schema';
import { fromFlag, json, newId, nowIso, parseJson, toFlag } from '../values';

function toProvider(row: Selectable<ProvidersTable>): Provider {
  return {
    id: row.id,
    orgId: row.org_id,
    category: row.category,
    providerKey: row.provider_key,
    name: row.name,
    credentialsSealed: row.credentials,
    models: parseJson<ProviderModel[]>(row.models),
    settings: parseJson<ProviderSettings>(row.settings),
    active: fromFlag(row.active),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export type NewProvider = Omit<Provider, 'id' | 'createdAt' | 'updatedAt'>;
export type ProviderChanges = Partial<Pick<Provider, 'name' | 'active' | 'credentialsSealed' | 'models' | 'settings'>>;

export async function insertProvider(db: DB, provider: NewProvider): Promise<Provider> {
  const now = nowIso();
  const row: Selectable<ProvidersTable> = {
    id: newId(),
    org_id: provider.orgId,
    category: provider.category,
    provider_key: provider.providerKey,
    name: provider.name,
    credentials: provider.credentialsSealed,
    models: json(provider.models),
    settings: json(provider.settings),
    active: toFlag(provider.active),
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('providers').values(row).execute();
  return toProvider(row);
}

/** Owner scopes: an organization sees the platform's providers and its own, the platform admin only its own. */
export type ProviderScope = { orgId: string } | 'global';

function scoped(db: DB, scope: ProviderScope) {
  const query = db.selectFrom('providers').selectAll();
  return scope === 'global'
    ? query.where('org_id', 'is', null)
    : query.where((eb) => eb.or([eb('org_id', 'is', null), eb('org_id', '=', scope.orgId)]));
}

export async function findProvider(db: DB, scope: ProviderScope, id: string): Promise<Provider | undefined> {
  const row = await scoped(db, scope).where('id', '=', id).executeTakeFirst();
  return row && toProvider(row);
}

/** One query for many ids, e.g. the providers of every agent on a page. */
export async function findProviders(db: DB, scope: ProviderScope, ids: readonly string[]): Promise<Provider[]> {
  if (ids.length === 0) return [];
  const rows = await scoped(db, scope).where('id', 'in', [...new Set(ids)]).execute();
  return rows.map(toProvider);
}

export interface ProviderListFilter {
  category?: ProviderCategory;
  /** Only the organization's own, without the platform's. */
  ownOnly?: boolean;
  /** Leave out inactive platform providers (an organization cannot pick them). */
  activeGlobalOnly?: boolean;
}

/** By category, platform providers before the organization's own, then by name. */
export async function listProviders(db: DB, scope: ProviderScope, filter: ProviderListFilter = {}): Promise<Provider[]> {
  let query = scoped(db, scope);
  if (filter.ownOnly && scope !== 'global') query = query.where('org_id', '=', scope.orgId);
  if (filter.activeGlobalOnly) query = query.where((eb) => eb.or([eb('org_id', 'is not', null), eb('active', '=', 1)]));
  if (filter.category) query = query.where('category', '=', filter.category);
  const rows = await query
    .orderBy('category')
    .orderBy(sql`case when org_id is null then 0 else 1 end`)
    .orderBy(sql`lower(name)`)
    .orderBy('id')
    .execute();
  return rows.map(toProvider);
}

export async function countOrganizationProviders(db: DB, orgId: string): Promise<number> {
  const row = await db
    .selectFrom('providers')
    .where('org_id', '=', orgId)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateProvider(db: DB, id: string, changes: ProviderChanges): Promise<void> {
  await db
    .updateTable('providers')
    .set({
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.active !== undefined && { active: toFlag(changes.active) }),
      ...(changes.credentialsSealed !== undefined && { credentials: changes.credentialsSealed }),
      ...(changes.models !== undefined && { models: json(changes.models) }),
      ...(changes.settings !== undefined && { settings: json(changes.settings) }),
      updated_at: nowIso(),
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteProvider(db: DB, id: string): Promise<void> {
  await db.deleteFrom('providers').where('id', '=', id).execute();
}
