/** Rules shared by organizations' own providers and the platform's global ones: catalog, credentials, settings, names. */
import type { AgentUsingProvider } from '../db/repositories/agents';
import type { NewProvider, ProviderChanges } from '../db/repositories/providers';
import { isUniqueViolation } from '../db/values';
import type {
  Provider,
  ProviderCategory,
  ProviderCredentials,
  ProviderInput,
  ProviderModel,
  ProviderSettings,
  ProviderUpdate,
} from '../domain';
import { badRequest, conflict } from '../errors';
import { findCatalogEntry, type CatalogEntry, type SettingsField } from '../providers/catalog';
import { assertSafeProviderUrl, UnsafeProviderUrlError } from '../providers/url-guard';
import type { ServiceContext } from './context';

const SERVICE_URL_PROTOCOLS = new Set(['http:', 'https:', 'ws:', 'wss:']);

function catalogEntryOf(category: ProviderCategory, providerKey: string): CatalogEntry {
  const entry = findCatalogEntry(category, providerKey);
  if (!entry) throw badRequest(`Unknown ${category.toUpperCase()} provider type "${providerKey}"`, 'unknown_provider_type');
  return entry;
}

function validateServiceUrl(key: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badRequest(`settings.${key} must be an absolute URL`, 'invalid_settings');
  }
  if (!SERVICE_URL_PROTOCOLS.has(url.protocol)) {
    throw badRequest(`settings.${key} must be an http(s) or ws(s) URL`, 'invalid_settings');
  }
  // Settings are shown to every member and may be logged; secrets belong in credentials, which are sealed.
  if (url.username || url.password) {
    throw badRequest(`settings.${key} must not carry credentials; put them in credentials`, 'invalid_settings');
  }
}

function matchesType(field: SettingsField, value: unknown): boolean {
  if (field.type === 'url' || field.type === 'string') return typeof value === 'string';
  return typeof value === field.type;
}

/**
 * The one check of a provider's settings against its catalog entry, on creation and on every change. Outbound
 * URL policy (which hosts a provider may reach) belongs here, so that nothing can store a URL it would refuse.
 */
export function validateProviderSettings(entry: CatalogEntry, settings: ProviderSettings): void {
  for (const [key, value] of Object.entries(settings)) {
    const field = entry.settingsFields.find((f) => f.key === key);
    if (!field) {
      const known = entry.settingsFields.map((f) => f.key).join(', ') || 'none';
      throw badRequest(`settings.${key} is not a setting of ${entry.name} (settings: ${known})`, 'invalid_settings');
    }
    if (!matchesType(field, value)) throw badRequest(`settings.${key} must be a ${field.type}`, 'invalid_settings');
    if (field.type === 'url') validateServiceUrl(key, value as string);
  }
  for (const field of entry.settingsFields) {
    if (field.required && settings[field.key] === undefined) throw badRequest(`settings.${field.key} is required`, 'invalid_settings');
  }
}

/** A name that does not resolve within this is left to the connect-time guard. */
const SAVE_TIME_DNS_MS = 3000;

/**
 * An organization's provider must not point at the platform's own network (SSRF): loopback, private, link-local
 * and metadata addresses are refused when it is saved, created or changed, unless the operator allows private
 * URLs. The adapters check again at connect time, which also covers names whose DNS answer changes later.
 * The platform's global providers are configured by its operator and are not fenced.
 */
async function assertUrlsAllowed(svc: ServiceContext, entry: CatalogEntry, settings: ProviderSettings, orgId: string | null): Promise<void> {
  if (orgId === null || svc.config.providerAllowPrivateUrls) return;
  for (const field of entry.settingsFields) {
    const value = settings[field.key];
    if (field.type !== 'url' || typeof value !== 'string') continue;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, SAVE_TIME_DNS_MS)));
    try {
      await Promise.race([assertSafeProviderUrl(value), timeout]);
    } catch (error) {
      if (error instanceof UnsafeProviderUrlError) {
        throw badRequest(`settings.${field.key} is refused: ${error.message}`, 'provider_url_not_allowed');
      }
      // The name does not resolve now: the vendor is unreachable, not unsafe.
    } finally {
      clearTimeout(timer);
    }
  }
}

function validateCredentials(entry: CatalogEntry, credentials: ProviderCredentials): void {
  for (const key of Object.keys(credentials)) {
    if (!entry.credentialFields.includes(key)) {
      const expected = entry.credentialFields.length ? `expected: ${entry.credentialFields.join(', ')}` : 'it takes none';
      throw badRequest(`credentials.${key} is not a credential of ${entry.name} (${expected})`, 'invalid_credentials');
    }
  }
  if (!entry.requiresKey) return;
  for (const field of entry.credentialFields) {
    if (!credentials[field]) throw badRequest(`credentials.${field} is required for ${entry.name}`, 'invalid_credentials');
  }
}

function validateModels(models: ProviderModel[]): void {
  const seen = new Set<string>();
  for (const model of models) {
    if (seen.has(model.modelId)) throw badRequest(`models lists "${model.modelId}" twice`, 'duplicate_model');
    seen.add(model.modelId);
  }
}

const seal = (svc: ServiceContext, credentials: ProviderCredentials) =>
  Object.keys(credentials).length ? svc.box.sealJson(credentials) : null;

/** A validated provider ready to insert; `orgId` null makes it global. */
export async function prepareNewProvider(svc: ServiceContext, input: ProviderInput, orgId: string | null): Promise<NewProvider> {
  const entry = catalogEntryOf(input.category, input.providerKey);
  const credentials = input.credentials ?? {};
  const settings = input.settings ?? {};
  validateCredentials(entry, credentials);
  validateProviderSettings(entry, settings);
  await assertUrlsAllowed(svc, entry, settings, orgId);
  validateModels(input.models);
  return {
    orgId,
    category: input.category,
    providerKey: input.providerKey,
    name: input.name,
    credentialsSealed: seal(svc, credentials),
    models: input.models,
    settings,
    active: input.active ?? true,
  };
}

/** Validated changes; credentials, models and settings are replaced as a whole when given. */
export async function prepareProviderChanges(svc: ServiceContext, provider: Provider, changes: ProviderUpdate): Promise<ProviderChanges> {
  const entry = catalogEntryOf(provider.category, provider.providerKey);
  if (changes.credentials) validateCredentials(entry, changes.credentials);
  if (changes.settings) {
    validateProviderSettings(entry, changes.settings);
    await assertUrlsAllowed(svc, entry, changes.settings, provider.orgId);
  }
  if (changes.models) validateModels(changes.models);
  return {
    name: changes.name,
    active: changes.active,
    credentialsSealed: changes.credentials && seal(svc, changes.credentials),
    models: changes.models,
    settings: changes.settings,
  };
}

/** Runs a write, answering 409 when the name is already taken by the same owner in the category. */
export async function withUniqueProviderName<T>(name: string, category: ProviderCategory, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw conflict(`A ${category.toUpperCase()} provider named "${name}" already exists`, 'provider_name_taken');
    }
    throw error;
  }
}

/** 409 naming the agents that still use a provider, so people know what to change first. */
export function providerInUse(agents: AgentUsingProvider[]) {
  const count = `${agents.length} agent${agents.length === 1 ? '' : 's'}`;
  return conflict(`Provider is used by ${count}`, 'provider_in_use', { agents: agents.map((a) => ({ _id: a.id, name: a.name })) });
}
