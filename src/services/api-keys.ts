import { createHash, randomBytes } from 'node:crypto';
import { deleteApiKey, insertApiKey, listApiKeys, touchApiKey } from '../db/repositories/api-keys';
import type { ApiKey } from '../domain';
import { notFound } from '../errors';
import type { AuthContext, ServiceContext } from './context';

const API_KEY_PATTERN = /^vx_[0-9a-f]{48}$/;
const PREFIX_LENGTH = 'vx_'.length + 8;
/** lastUsedAt is a hint for people, so it is written at most this often per key instead of on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export const isWellFormedApiKey = (raw: string) => API_KEY_PATTERN.test(raw);
export const hashApiKey = (raw: string) => createHash('sha256').update(raw).digest('hex');

export async function createApiKey(
  svc: ServiceContext,
  auth: AuthContext,
  name: string,
): Promise<{ key: ApiKey; rawKey: string }> {
  const rawKey = `vx_${randomBytes(24).toString('hex')}`;
  const key = await insertApiKey(svc.db, {
    orgId: auth.org.id,
    name,
    keyHash: hashApiKey(rawKey),
    keyPrefix: rawKey.slice(0, PREFIX_LENGTH),
    createdBy: auth.user?.id ?? null,
  });
  return { key, rawKey };
}

export const listOrganizationApiKeys = (svc: ServiceContext, auth: AuthContext) => listApiKeys(svc.db, auth.org.id);

export async function revokeApiKey(svc: ServiceContext, auth: AuthContext, id: string): Promise<void> {
  const keyHash = await deleteApiKey(svc.db, auth.org.id, id);
  if (!keyHash) throw notFound('API key');
  svc.caches.apiKeys.delete(keyHash);
}

export function recordApiKeyUse(svc: ServiceContext, key: ApiKey): void {
  const now = Date.now();
  if (key.lastUsedAt && now - Date.parse(key.lastUsedAt) < TOUCH_INTERVAL_MS) return;
  key.lastUsedAt = new Date(now).toISOString();
  touchApiKey(svc.db, key.id, key.lastUsedAt).catch((error) => svc.log.warn({ err: error }, 'could not record API key use'));
}
