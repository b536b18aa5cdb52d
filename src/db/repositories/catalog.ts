import type { CatalogEntry, ProviderCategory } from '../../providers/catalog';
import type { DB } from '../database';
import { fromFlag, json, nowIso, parseJson, toFlag } from '../values';

/** The catalog in code is the truth; the table mirrors it so SQL (and other processes) can see it. */
export async function upsertCatalogEntry(db: DB, entry: CatalogEntry): Promise<void> {
  const values = {
    category: entry.category,
    provider_key: entry.providerKey,
    name: entry.name,
    requires_key: toFlag(entry.requiresKey),
    default_base_url: entry.defaultBaseUrl,
    credential_fields: json(entry.credentialFields),
    settings_fields: json(entry.settingsFields),
    models: json(entry.models),
    updated_at: nowIso(),
  };
  await db
    .insertInto('provider_catalog')
    .values(values)
    .onConflict((oc) => oc.columns(['category', 'provider_key']).doUpdateSet(values))
    .execute();
}

export async function listCatalog(db: DB): Promise<CatalogEntry[]> {
  const rows = await db.selectFrom('provider_catalog').selectAll().orderBy('category').orderBy('provider_key').execute();
  return rows.map((row) => ({
    providerKey: row.provider_key,
    category: row.category as ProviderCategory,
    name: row.name,
    requiresKey: fromFlag(row.requires_key),
    defaultBaseUrl: row.default_base_url,
    credentialFields: parseJson(row.credential_fields),
    settingsFields: parseJson(row.settings_fields),
    models: parseJson(row.models),
  }));
}
