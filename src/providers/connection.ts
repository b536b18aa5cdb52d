/** Reading a ProviderConnection the same way in every adapter. */
import { findCatalogEntry } from './catalog';
import type { ProviderCategory } from './catalog';
import type { ProviderConnection } from './types';

export const DEFAULT_TIMEOUT_MS = 10_000;

export function timeoutOf(connection: ProviderConnection): number {
  const value = connection.timeoutMs;
  return typeof value === 'number' && value > 0 ? value : DEFAULT_TIMEOUT_MS;
}

/** `settings.baseUrl` when set, else the catalog's vendor origin; no trailing slash. */
export function baseUrlOf(connection: ProviderConnection, category: ProviderCategory): string {
  const configured = connection.settings.baseUrl;
  const base =
    typeof configured === 'string' && configured.trim() !== ''
      ? configured.trim()
      : findCatalogEntry(category, connection.providerKey)?.defaultBaseUrl;
  if (!base) throw new Error(`No base URL for ${category} provider ${connection.providerKey}`);
  return base.replace(/\/+$/, '');
}

export function apiKeyOf(connection: ProviderConnection): string | undefined {
  const key = connection.credentials.apiKey;
  return typeof key === 'string' && key !== '' ? key : undefined;
}

/** Every credential value, so error texts can be scrubbed of them. */
export function secretsOf(connection: ProviderConnection): string[] {
  return Object.values(connection.credentials).filter((value): value is string => typeof value === 'string' && value !== '');
}

export function stringSetting(connection: ProviderConnection, key: string): string | undefined {
  const value = connection.settings[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
