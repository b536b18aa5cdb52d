import { sql, type Kysely } from 'kysely';

// Column types are the ones both SQLite and Postgres understand the same way; see src/db/schema.ts.
export async function up(db: Kysely<unknown>): Promise<void> {
  const now = sql`CURRENT_TIMESTAMP`;

  await db.schema
    .createTable('plans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('pricing', 'text', (c) => c.notNull())
    .addColumn('limits', 'text', (c) => c.notNull())
    .addColumn('models', 'text', (c) => c.notNull())
    .addColumn('features', 'text', (c) => c.notNull())
    .addColumn('public', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('custom', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sort_price', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('organizations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('plan_slug', 'text', (c) => c.notNull().references('plans.slug'))
    .addColumn('twilio_auth_token', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('organizations_status_idx').on('organizations').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('organizations_plan_idx').on('organizations').column('plan_slug').execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('users_org_idx').on('users').column('org_id').execute();
  // There is exactly one platform admin: this index is what makes setup a one-time operation, even under races.
  await db.schema
    .createIndex('users_one_superadmin_idx')
    .on('users')
    .column('role')
    .unique()
    .where(sql.ref('role'), '=', 'superadmin')
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('key_prefix', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('api_keys_org_idx').on('api_keys').columns(['org_id', 'created_at']).execute();

  await db.schema
    .createTable('provider_catalog')
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('provider_key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('requires_key', 'integer', (c) => c.notNull())
    .addColumn('default_base_url', 'text', (c) => c.notNull())
    .addColumn('credential_fields', 'text', (c) => c.notNull())
    .addColumn('settings_fields', 'text', (c) => c.notNull())
    .addColumn('models', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('provider_catalog_pk', ['category', 'provider_key'])
    .execute();

  await db.schema
    .createTable('providers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.references('organizations.id').onDelete('cascade'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('provider_key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('credentials', 'text')
    .addColumn('models', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // Names are unique per owner (the platform or one organization) and category, ignoring case.
  await db.schema
    .createIndex('providers_owner_name_idx')
    .on('providers')
    .unique()
    .expression(sql`coalesce(org_id, ''), category, lower(name)`)
    .execute();

  await db.schema
    .createTable('agents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('persona', 'text', (c) => c.notNull())
    .addColumn('llm_provider_id', 'text', (c) => c.notNull())
    .addColumn('llm_model_id', 'text', (c) => c.notNull())
    .addColumn('llm_config', 'text', (c) => c.notNull())
    .addColumn('tts_provider_id', 'text', (c) => c.notNull())
    .addColumn('tts_model_id', 'text', (c) => c.notNull())
    .addColumn('tts_config', 'text', (c) => c.notNull())
    .addColumn('stt_provider_id', 'text', (c) => c.notNull())
    .addColumn('stt_model_id', 'text', (c) => c.notNull())
    .addColumn('thresholds', 'text', (c) => c.notNull())
    .addColumn('phone_number', 'text', (c) => c.unique())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('agents_org_idx').on('agents').columns(['org_id', 'created_at']).execute();
  for (const column of ['llm_provider_id', 'tts_provider_id', 'stt_provider_id']) {
    await db.schema.createIndex(`agents_${column}_idx`).on('agents').column(column).execute();
  }

  await db.schema
    .createTable('calls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('agent_id', 'text')
    .addColumn('agent_name', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('from_number', 'text')
    .addColumn('to_number', 'text')
    .addColumn('twilio_call_sid', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('connected_at', 'text')
    .addColumn('ended_at', 'text')
    .addColumn('duration_sec', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('transcript', 'text', (c) => c.notNull())
    .addColumn('summary', 'text')
    .addColumn('sentiment', 'text')
    .addColumn('end_reason', 'text')
    .addColumn('metrics', 'text', (c) => c.notNull())
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('instance_id', 'text')
    .addColumn('heartbeat_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('calls_org_started_idx').on('calls').columns(['org_id', 'started_at']).execute();
  await db.schema.createIndex('calls_org_agent_idx').on('calls').columns(['org_id', 'agent_id', 'started_at']).execute();
  await db.schema.createIndex('calls_status_idx').on('calls').columns(['status', 'org_id']).execute();
  await db.schema.createIndex('calls_sid_idx').on('calls').column('twilio_call_sid').execute();

  await db.schema
    .createTable('daily_usage')
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('calls', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('minutes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('tokens', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('tts_chars', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('stt_seconds', 'double precision', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('daily_usage_pk', ['org_id', 'day'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['daily_usage', 'calls', 'agents', 'providers', 'provider_catalog', 'api_keys', 'users', 'organizations', 'plans']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
