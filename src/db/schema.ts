/**
 * Table types as stored. Portable across SQLite and Postgres: ids and timestamps are text (ISO 8601 UTC, which
 * sorts correctly), booleans are 0/1 integers, structured values are JSON text. Repositories turn rows into
 * domain objects; nothing above `src/db` sees a row.
 */
export interface PlansTable {
  id: string;
  slug: string;
  name: string;
  description: string;
  pricing: string;
  limits: string;
  models: string;
  features: string;
  public: number;
  custom: number;
  /** Monthly price in cents, for "cheapest plan" ordering in SQL. */
  sort_price: number;
  created_at: string;
  updated_at: string;
}

export interface OrganizationsTable {
  id: string;
  name: string;
  status: 'pending' | 'active' | 'suspended';
  plan_slug: string;
  /** AES-256-GCM sealed, or null. */
  twilio_auth_token: string | null;
  created_at: string;
  updated_at: string;
}

export interface UsersTable {
  id: string;
  org_id: string;
  name: string;
  /** Lower-cased; unique. */
  email: string;
  password_hash: string;
  role: 'superadmin' | 'admin' | 'member';
  created_at: string;
  updated_at: string;
}

export interface ApiKeysTable {
  id: string;
  org_id: string;
  name: string;
  /** SHA-256 hex of the raw key. */
  key_hash: string;
  key_prefix: string;
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
}

export interface ProviderCatalogTable {
  category: string;
  provider_key: string;
  name: string;
  requires_key: number;
  default_base_url: string;
  credential_fields: string;
  settings_fields: string;
  models: string;
  updated_at: string;
}

export interface ProvidersTable {
  id: string;
  /** Null for global (platform) providers. */
  org_id: string | null;
  category: 'llm' | 'tts' | 'stt';
  provider_key: string;
  name: string;
  /** AES-256-GCM sealed JSON of the credentials, or null. */
  credentials: string | null;
  models: string;
  settings: string;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface AgentsTable {
  id: string;
  org_id: string;
  name: string;
  persona: string;
  llm_provider_id: string;
  llm_model_id: string;
  llm_config: string;
  tts_provider_id: string;
  tts_model_id: string;
  tts_config: string;
  stt_provider_id: string;
  stt_model_id: string;
  thresholds: string;
  phone_number: string | null;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface CallsTable {
  id: string;
  org_id: string;
  /** Null once the agent is deleted; the call keeps its history. */
  agent_id: string | null;
  agent_name: string;
  channel: 'phone' | 'web';
  status: 'active' | 'completed' | 'failed';
  from_number: string | null;
  to_number: string | null;
  twilio_call_sid: string | null;
  started_at: string;
  /** When the media stream connected; null while the slot is only reserved. */
  connected_at: string | null;
  ended_at: string | null;
  duration_sec: number;
  transcript: string;
  summary: string | null;
  sentiment: 'positive' | 'neutral' | 'negative' | null;
  end_reason: string | null;
  metrics: string;
  metadata: string;
  /** The server process carrying the call, for reaping calls of a process that died. */
  instance_id: string | null;
  heartbeat_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface DailyUsageTable {
  org_id: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  calls: number;
  minutes: number;
  tokens: number;
  tts_chars: number;
  stt_seconds: number;
}

export interface Database {
  plans: PlansTable;
  organizations: OrganizationsTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  provider_catalog: ProviderCatalogTable;
  providers: ProvidersTable;
  agents: AgentsTable;
  calls: CallsTable;
  daily_usage: DailyUsageTable;
}
