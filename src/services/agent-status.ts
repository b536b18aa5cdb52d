import { findProviders } from '../db/repositories/providers';
import type { Agent, AgentStatus, Organization, Plan, Provider, ProviderCategory } from '../domain';
import type { ServiceContext } from './context';
import { modelRef, planAllowsModel } from './plan-models';

/** One of the three provider roles of an agent, with the request fields that set it (for error messages). */
export interface AgentRole {
  category: ProviderCategory;
  /** LLM, TTS or STT, for people. */
  label: string;
  providerField: 'llmProviderId' | 'ttsProviderId' | 'sttProviderId';
  modelField: 'llmModelId' | 'ttsModelId' | 'sttModelId';
  providerId: string;
  modelId: string;
}

type RoleFields = Pick<Agent, 'llmProviderId' | 'llmModelId' | 'ttsProviderId' | 'ttsModelId' | 'sttProviderId' | 'sttModelId'>;

const role = (category: ProviderCategory, providerId: string, modelId: string): AgentRole => ({
  category,
  label: category.toUpperCase(),
  providerField: `${category}ProviderId`,
  modelField: `${category}ModelId`,
  providerId,
  modelId,
});

export const agentRoles = (agent: RoleFields): AgentRole[] => [
  role('llm', agent.llmProviderId, agent.llmModelId),
  role('tts', agent.ttsProviderId, agent.ttsModelId),
  role('stt', agent.sttProviderId, agent.sttModelId),
];

/** `pauseReason` says, for people, why the agent cannot take calls. */
export type AgentState =
  | { status: 'active'; pauseReason: null }
  | { status: Exclude<AgentStatus, 'active'>; pauseReason: string };

/** What an agent's status depends on besides the agent itself. */
export interface AgentStatusContext {
  org: Organization;
  plan: Plan;
  /** The providers the agents name; an id missing here is a provider that is gone. */
  providersById: ReadonlyMap<string, Provider>;
}

const paused = (status: Exclude<AgentStatus, 'active'>, pauseReason: string): AgentState => ({ status, pauseReason });

function providerProblem(role: AgentRole, provider: Provider | undefined, orgId: string): string | null {
  if (!provider || provider.category !== role.category || (provider.orgId !== null && provider.orgId !== orgId)) {
    return `The ${role.label} provider no longer exists`;
  }
  if (!provider.active) return `The ${role.label} provider "${provider.name}" is inactive`;
  if (!provider.models.some((m) => m.modelId === role.modelId)) {
    return `The ${role.label} provider "${provider.name}" no longer offers model "${role.modelId}"`;
  }
  return null;
}

/**
 * Computed on every read rather than stored, so it follows the organization, its plan and its providers the
 * moment they change. The first reason that applies wins, from the organization down to the plan.
 */
export function agentStatus(agent: Agent, { org, plan, providersById }: AgentStatusContext): AgentState {
  if (org.status !== 'active') {
    return paused('paused_org', org.status === 'pending' ? 'The organization is pending activation' : 'The organization is suspended');
  }
  if (!agent.active) return paused('inactive', 'The agent is switched off');
  const roles = agentRoles(agent);
  for (const role of roles) {
    const problem = providerProblem(role, providersById.get(role.providerId), agent.orgId);
    if (problem) return paused('paused_provider', problem);
  }
  for (const role of roles) {
    const provider = providersById.get(role.providerId)!;
    if (!planAllowsModel(plan, provider, role.modelId)) {
      const model = modelRef(provider.providerKey, role.modelId);
      return paused('paused_plan', `The ${plan.name} plan does not include ${role.label} model ${model} of provider "${provider.name}"`);
    }
  }
  return { status: 'active', pauseReason: null };
}

/** The providers of all the given agents in one query, for `agentStatus`. */
export async function loadAgentStatusContext(
  svc: ServiceContext,
  org: Organization,
  plan: Plan,
  agents: readonly Agent[],
): Promise<AgentStatusContext> {
  const ids = agents.flatMap((agent) => agentRoles(agent).map((role) => role.providerId));
  const providers = await findProviders(svc.db, { orgId: org.id }, ids);
  return { org, plan, providersById: new Map(providers.map((provider) => [provider.id, provider])) };
}

export type AgentWithState = AgentState & { agent: Agent };

/** The agents of one organization with their statuses. */
export async function withAgentStatus(
  svc: ServiceContext,
  org: Organization,
  plan: Plan,
  agents: readonly Agent[],
): Promise<AgentWithState[]> {
  const context = await loadAgentStatusContext(svc, org, plan, agents);
  return agents.map((agent) => ({ agent, ...agentStatus(agent, context) }));
}
