import { findAgent } from '../db/repositories/agents';
import type { Agent, AgentStatus, Organization, Plan, Provider, ProviderCredentials } from '../domain';
import { agentStatus, loadAgentStatusContext } from './agent-status';
import type { ServiceContext } from './context';
import { loadOrganization, loadPlanOf } from './organizations';

/** One provider of an agent, ready to build a vendor adapter from. */
export interface ReadyProvider {
  provider: Provider;
  /** The model (TTS: the voice) the agent selected on it. */
  modelId: string;
  /** Opened from the sealed column; never log or return them. Empty for providers that need none. */
  credentials: ProviderCredentials;
}

interface Resolved {
  agent: Agent;
  org: Organization;
  plan: Plan;
}

/** Either everything a call needs, or why the agent cannot take one (for the caller to hear). */
export type CallableAgent =
  | (Resolved & { ready: true; llm: ReadyProvider; tts: ReadyProvider; stt: ReadyProvider })
  | (Resolved & { ready: false; status: Exclude<AgentStatus, 'active'>; pauseReason: string });

/**
 * For the phone and web call paths: the agent of an organization with its three providers and their credentials,
 * after the same status check the dashboard shows (organization, switch, providers, plan). Null when the
 * organization has no such agent.
 */
export async function resolveAgentForCall(svc: ServiceContext, orgId: string, agentId: string): Promise<CallableAgent | null> {
  const [org, agent] = await Promise.all([loadOrganization(svc, orgId), findAgent(svc.db, orgId, agentId)]);
  if (!org || !agent) return null;
  const plan = await loadPlanOf(svc, org);
  const context = await loadAgentStatusContext(svc, org, plan, [agent]);
  const state = agentStatus(agent, context);
  if (state.status !== 'active') return { agent, org, plan, ready: false, status: state.status, pauseReason: state.pauseReason };

  // An active status means all three providers were found, active and offering the selected models.
  const ready = (providerId: string, modelId: string): ReadyProvider => {
    const provider = context.providersById.get(providerId)!;
    const credentials = provider.credentialsSealed ? svc.box.openJson<ProviderCredentials>(provider.credentialsSealed) : {};
    return { provider, modelId, credentials };
  };
  return {
    agent,
    org,
    plan,
    ready: true,
    llm: ready(agent.llmProviderId, agent.llmModelId),
    tts: ready(agent.ttsProviderId, agent.ttsModelId),
    stt: ready(agent.sttProviderId, agent.sttModelId),
  };
}
