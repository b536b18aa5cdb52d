import type { DB } from '../db/database';
import { countAgents, deleteAgent, findAgent, insertAgent, listAgents, replaceAgent, type AgentFields } from '../db/repositories/agents';
import { detachCallsFromAgent } from '../db/repositories/calls';
import { lockOrganization } from '../db/repositories/organizations';
import { findProviders } from '../db/repositories/providers';
import { isUniqueViolation } from '../db/values';
import type { Agent, AgentChanges, AgentInput, Plan } from '../domain';
import { badRequest, conflict, forbidden, notFound } from '../errors';
import { draftFromChanges, draftFromInput, type AgentDraft } from './agent-config';
import { agentRoles, withAgentStatus, type AgentWithState } from './agent-status';
import type { AuthContext, ServiceContext } from './context';
import { modelRef, planAllowsModel } from './plan-models';

/**
 * Checks a whole agent against its providers and the plan, and settles the STT model. Runs inside the write's
 * transaction, under the organization lock that provider deletion takes too, so a provider cannot disappear
 * between the check and the write. Another organization's provider reads as missing: its id is not revealed.
 */
async function validateAgent(trx: DB, orgId: string, plan: Plan, draft: AgentDraft): Promise<AgentFields> {
  const providers = await findProviders(trx, { orgId }, [draft.llmProviderId, draft.ttsProviderId, draft.sttProviderId]);
  const byId = new Map(providers.map((provider) => [provider.id, provider]));
  const fields: AgentFields = { ...draft, sttModelId: draft.sttModelId ?? byId.get(draft.sttProviderId)?.models[0]?.modelId ?? '' };

  for (const role of agentRoles(fields)) {
    const provider = byId.get(role.providerId);
    if (!provider) throw badRequest(`${role.providerField}: no ${role.label} provider with id "${role.providerId}"`, 'invalid_provider');
    if (provider.category !== role.category) {
      throw badRequest(
        `${role.providerField}: provider "${provider.name}" is for ${provider.category.toUpperCase()}, not ${role.label}`,
        'invalid_provider',
      );
    }
    if (!provider.models.some((m) => m.modelId === role.modelId)) {
      const message = `${role.modelField}: ${role.label} provider "${provider.name}" does not offer model "${role.modelId}"`;
      throw badRequest(message, 'unknown_model');
    }
    if (!planAllowsModel(plan, provider, role.modelId)) {
      const model = modelRef(provider.providerKey, role.modelId);
      throw forbidden(`The ${plan.name} plan does not include ${role.label} model ${model}`, 'model_not_in_plan');
    }
  }

  const maxDuration = plan.limits.maxCallDurationSec;
  if (fields.thresholds.maxCallDurationSec > maxDuration) {
    throw forbidden(`thresholds.maxCallDurationSec cannot exceed ${maxDuration} s on the ${plan.name} plan`, 'duration_over_plan');
  }
  return fields;
}

/** Phone numbers route incoming calls, so one number belongs to one agent across the platform. */
async function withUniquePhoneNumber<T>(phoneNumber: string | null, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`Phone number ${phoneNumber} is already used by another agent`, 'phone_number_taken');
    throw error;
  }
}

async function withState(svc: ServiceContext, auth: AuthContext, agent: Agent): Promise<AgentWithState> {
  const [viewed] = await withAgentStatus(svc, auth.org, auth.plan, [agent]);
  return viewed!;
}

export async function listAgentsWithStatus(svc: ServiceContext, auth: AuthContext): Promise<AgentWithState[]> {
  return withAgentStatus(svc, auth.org, auth.plan, await listAgents(svc.db, auth.org.id));
}

export async function getAgent(svc: ServiceContext, auth: AuthContext, id: string): Promise<AgentWithState> {
  const agent = await findAgent(svc.db, auth.org.id, id);
  if (!agent) throw notFound('Agent');
  return withState(svc, auth, agent);
}

/** Count and insert happen under the organization's lock, so parallel creates never exceed `maxAgents`. */
export async function createAgent(svc: ServiceContext, auth: AuthContext, input: AgentInput): Promise<AgentWithState> {
  const { org, plan } = auth;
  const agent = await withUniquePhoneNumber(input.phoneNumber ?? null, () =>
    svc.db.transaction().execute(async (trx) => {
      await lockOrganization(trx, org.id);
      const max = plan.limits.maxAgents;
      if ((await countAgents(trx, org.id)) >= max) {
        throw forbidden(`The ${plan.name} plan allows ${max} agent${max === 1 ? '' : 's'}`, 'agent_limit');
      }
      return insertAgent(trx, org.id, await validateAgent(trx, org.id, plan, draftFromInput(input, plan)));
    }),
  );
  return withState(svc, auth, agent);
}

/** A partial update is merged into the whole agent, which is validated again as on creation. */
export async function updateAgent(svc: ServiceContext, auth: AuthContext, id: string, changes: AgentChanges): Promise<AgentWithState> {
  const { org, plan } = auth;
  const agent = await withUniquePhoneNumber(changes.phoneNumber ?? null, () =>
    svc.db.transaction().execute(async (trx) => {
      await lockOrganization(trx, org.id);
      const current = await findAgent(trx, org.id, id);
      if (!current) throw notFound('Agent');
      const fields = await validateAgent(trx, org.id, plan, draftFromChanges(current, changes));
      return (await replaceAgent(trx, org.id, id, fields))!;
    }),
  );
  return withState(svc, auth, agent);
}

/** The agent's calls stay, with its name, and stop pointing at it. */
export async function removeAgent(svc: ServiceContext, auth: AuthContext, id: string): Promise<void> {
  await svc.db.transaction().execute(async (trx) => {
    if (!(await deleteAgent(trx, auth.org.id, id))) throw notFound('Agent');
    await detachCallsFromAgent(trx, auth.org.id, id);
  });
}
