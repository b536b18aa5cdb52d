import type { Selectable } from 'kysely';
import type { Agent, LlmConfig, Persona, Thresholds, TtsConfig } from '../../domain';
import type { DB } from '../database';
import type { AgentsTable } from '../schema';
import { fromFlag, json, newId, nowIso, parseJson, toFlag } from '../values';

function toAgent(row: Selectable<AgentsTable>): Agent {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    persona: parseJson<Persona>(row.persona),
    llmProviderId: row.llm_provider_id,
    llmModelId: row.llm_model_id,
    llmConfig: parseJson<LlmConfig>(row.llm_config),
    ttsProviderId: row.tts_provider_id,
    ttsModelId: row.tts_model_id,
    ttsConfig: parseJson<TtsConfig>(row.tts_config),
    sttProviderId: row.stt_provider_id,
    sttModelId: row.stt_model_id,
    thresholds: parseJson<Thresholds>(row.thresholds),
    phoneNumber: row.phone_number,
    active: fromFlag(row.active),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Everything an organization configures on an agent. */
export type AgentFields = Omit<Agent, 'id' | 'orgId' | 'createdAt' | 'updatedAt'>;

function toRow(fields: AgentFields) {
  return {
    name: fields.name,
    persona: json(fields.persona),
    llm_provider_id: fields.llmProviderId,
    llm_model_id: fields.llmModelId,
    llm_config: json(fields.llmConfig),
    tts_provider_id: fields.ttsProviderId,
    tts_model_id: fields.ttsModelId,
    tts_config: json(fields.ttsConfig),
    stt_provider_id: fields.sttProviderId,
    stt_model_id: fields.sttModelId,
    thresholds: json(fields.thresholds),
    phone_number: fields.phoneNumber,
    active: toFlag(fields.active),
  };
}

export async function insertAgent(db: DB, orgId: string, fields: AgentFields): Promise<Agent> {
  const now = nowIso();
  const row: Selectable<AgentsTable> = { id: newId(), org_id: orgId, ...toRow(fields), created_at: now, updated_at: now };
  await db.insertInto('agents').values(row).execute();
  return toAgent(row);
}

export async function findAgent(db: DB, orgId: string, id: string): Promise<Agent | undefined> {
  const row = await db.selectFrom('agents').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return row && toAgent(row);
}

/** Newest first. */
export async function listAgents(db: DB, orgId: string): Promise<Agent[]> {
  const rows = await db
    .selectFrom('agents')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toAgent);
}

export async function countAgents(db: DB, orgId: string): Promise<number> {
  const row = await db
    .selectFrom('agents')
    .where('org_id', '=', orgId)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Writes every field: the service merges a partial update into the whole agent and validates that. */
export async function replaceAgent(db: DB, orgId: string, id: string, fields: AgentFields): Promise<Agent | undefined> {
  await db
    .updateTable('agents')
    .set({ ...toRow(fields), updated_at: nowIso() })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
  return findAgent(db, orgId, id);
}

export async function deleteAgent(db: DB, orgId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('agents').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export interface AgentUsingProvider {
  id: string;
  orgId: string;
  name: string;
}

/** Agents that name the provider for any of their three roles, optionally only one organization's. */
export async function listAgentsUsingProvider(db: DB, providerId: string, orgId?: string): Promise<AgentUsingProvider[]> {
  let query = db
    .selectFrom('agents')
    .select(['id', 'org_id', 'name'])
    .where((eb) =>
      eb.or([eb('llm_provider_id', '=', providerId), eb('tts_provider_id', '=', providerId), eb('stt_provider_id', '=', providerId)]),
    );
  if (orgId) query = query.where('org_id', '=', orgId);
  const rows = await query.orderBy('name').orderBy('id').execute();
  return rows.map((row) => ({ id: row.id, orgId: row.org_id, name: row.name }));
}

export async function findAgentByPhoneNumber(db: DB, orgId: string, phoneNumber: string): Promise<Agent | undefined> {
  const row = await db
    .selectFrom('agents')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('phone_number', '=', phoneNumber)
    .executeTakeFirst();
  return row && toAgent(row);
}
