/** Domain objects -> API shapes of openapi.yaml. The only place that decides what leaves the server. */
import type { components } from '../../generated/schema';
import type { ApiKey, Call, Organization, Plan, Provider, User } from '../domain';
import type { CatalogEntry } from '../providers/catalog';
import type { AgentWithState } from '../services/agent-status';

type Schemas = components['schemas'];

export const presentUser = (user: User): Schemas['User'] => ({
  _id: user.id,
  name: user.name,
  email: user.email,
  role: user.role,
  orgId: user.orgId,
  createdAt: user.createdAt,
});

export const presentOrganization = (org: Organization, plan: Plan): Schemas['Organization'] => ({
  _id: org.id,
  name: org.name,
  status: org.status,
  planSlug: plan.slug,
  planName: plan.name,
  limits: plan.limits,
  features: plan.features,
  twilioAuthTokenSet: org.twilioAuthTokenSealed !== null,
  createdAt: org.createdAt,
  updatedAt: org.updatedAt,
});

export const presentPlan = (plan: Plan): Schemas['Plan'] => ({
  slug: plan.slug,
  name: plan.name,
  description: plan.description,
  pricing: plan.pricing,
  limits: plan.limits,
  models: plan.models,
  features: plan.features,
  public: plan.public,
  custom: plan.custom,
});

export const presentSession = (session: { user: User; org: Organization; plan: Plan; token: string }) => ({
  user: presentUser(session.user),
  organization: presentOrganization(session.org, session.plan),
  token: session.token,
});

export const presentAgent = ({ agent, status, pauseReason }: AgentWithState): Schemas['Agent'] => ({
  _id: agent.id,
  name: agent.name,
  persona: agent.persona,
  llmProviderId: agent.llmProviderId,
  llmModelId: agent.llmModelId,
  llmConfig: agent.llmConfig,
  ttsProviderId: agent.ttsProviderId,
  ttsModelId: agent.ttsModelId,
  ttsConfig: agent.ttsConfig,
  sttProviderId: agent.sttProviderId,
  sttModelId: agent.sttModelId,
  thresholds: agent.thresholds,
  phoneNumber: agent.phoneNumber,
  active: agent.active,
  status,
  pauseReason,
  createdAt: agent.createdAt,
  updatedAt: agent.updatedAt,
});

/** Credentials never leave the server; whether there are any does. */
export const presentProvider = (provider: Provider): Schemas['Provider'] => ({
  _id: provider.id,
  category: provider.category,
  providerKey: provider.providerKey,
  name: provider.name,
  models: provider.models,
  settings: provider.settings,
  active: provider.active,
  source: provider.orgId === null ? 'global' : 'client',
  hasCredentials: provider.credentialsSealed !== null,
  createdAt: provider.createdAt,
  updatedAt: provider.updatedAt,
});

export const presentRegistryEntry = (entry: CatalogEntry): Schemas['RegistryEntry'] => ({
  providerKey: entry.providerKey,
  category: entry.category,
  name: entry.name,
  requiresKey: entry.requiresKey,
  defaultBaseUrl: entry.defaultBaseUrl,
  credentialFields: entry.credentialFields,
  settingsFields: entry.settingsFields,
  models: entry.models,
});

export const presentCallSummary = (call: Call): Schemas['CallSummary'] => ({
  _id: call.id,
  agentId: call.agentId,
  agentName: call.agentName,
  channel: call.channel,
  status: call.status,
  from: call.from,
  to: call.to,
  twilioCallSid: call.twilioCallSid,
  startedAt: call.startedAt,
  endedAt: call.endedAt,
  durationSec: call.durationSec,
  summary: call.summary,
  sentiment: call.sentiment,
  endReason: call.endReason,
  metrics: call.metrics,
});

export const presentCall = (call: Call): Schemas['Call'] => ({
  ...presentCallSummary(call),
  transcript: call.transcript,
  metadata: call.metadata,
});

/** Never the hash: the prefix is enough to recognise a key. */
export const presentApiKey = (key: ApiKey): Schemas['ApiKey'] => ({
  _id: key.id,
  name: key.name,
  keyPrefix: key.keyPrefix,
  createdAt: key.createdAt,
  lastUsedAt: key.lastUsedAt,
});
