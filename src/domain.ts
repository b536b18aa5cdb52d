/**
 * Domain objects as services see them. Where a shape is exactly the API's, the generated type is reused so the
 * spec stays the single source of truth.
 */
import type { components } from '../generated/schema';

type Schemas = components['schemas'];

export type PlanPricing = Schemas['PlanPricing'];
export type PlanLimits = Schemas['PlanLimits'];
export type PlanModels = Schemas['PlanModels'];
export type PlanFeatures = Schemas['PlanFeatures'];
export type ProviderCategory = Schemas['ProviderCategory'];
export type ProviderModel = Schemas['ProviderModel'];
export type Persona = Schemas['Persona'];
export type LlmConfig = Schemas['LlmConfig'];
export type TtsConfig = Schemas['TtsConfig'];
export type Thresholds = Schemas['Thresholds'];
export type OrganizationStatus = Schemas['OrganizationStatus'];
export type UserRole = Schemas['UserRole'];
export type CallStatus = Schemas['CallStatus'];
export type CallChannel = Schemas['CallChannel'];
export type CallMetrics = Schemas['CallMetrics'];
export type CallMetadata = Schemas['CallMetadata'];
export type TranscriptMessage = Schemas['TranscriptMessage'];
export type AgentStatus = Schemas['AgentStatus'];
export type AgentInput = Schemas['AgentCreate'];
export type AgentChanges = Schemas['AgentUpdate'];
export type ProviderInput = Schemas['ProviderCreate'];
export type ProviderUpdate = Schemas['ProviderUpdate'];
export type ProviderSettings = Schemas['ProviderSettings'];
export type ProviderCredentials = Schemas['ProviderCredentials'];
export type ModelSearchItem = Schemas['ModelSearchItem'];

export interface Plan {
  id: string;
  slug: string;
  name: string;
  description: string;
  pricing: PlanPricing;
  limits: PlanLimits;
  models: PlanModels;
  features: PlanFeatures;
  public: boolean;
  custom: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Organization {
  id: string;
  name: string;
  status: OrganizationStatus;
  planSlug: string;
  /** Sealed with the credential box; null when the organization uses the platform's token. */
  twilioAuthTokenSealed: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface User {
  id: string;
  orgId: string;
  name: string;
  email: string;
  passwordHash: string;
  role: UserRole;
  createdAt: string;
  updatedAt: string;
}

export interface ApiKey {
  id: string;
  orgId: string;
  name: string;
  keyHash: string;
  keyPrefix: string;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface Provider {
  id: string;
  /** Null for global (platform) providers. */
  orgId: string | null;
  category: ProviderCategory;
  providerKey: string;
  name: string;
  /** Sealed JSON of the credentials. */
  credentialsSealed: string | null;
  models: ProviderModel[];
  settings: ProviderSettings;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Agent {
  id: string;
  orgId: string;
  name: string;
  persona: Persona;
  llmProviderId: string;
  llmModelId: string;
  llmConfig: LlmConfig;
  ttsProviderId: string;
  ttsModelId: string;
  ttsConfig: TtsConfig;
  sttProviderId: string;
  sttModelId: string;
  thresholds: Thresholds;
  phoneNumber: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Call {
  id: string;
  orgId: string;
  agentId: string | null;
  agentName: string;
  channel: CallChannel;
  status: CallStatus;
  from: string | null;
  to: string | null;
  twilioCallSid: string | null;
  startedAt: string;
  connectedAt: string | null;
  endedAt: string | null;
  durationSec: number;
  transcript: TranscriptMessage[];
  summary: string | null;
  sentiment: 'positive' | 'neutral' | 'negative' | null;
  endReason: string | null;
  metrics: CallMetrics;
  metadata: CallMetadata;
  instanceId: string | null;
  heartbeatAt: string | null;
}

export interface UsageDay {
  date: string;
  calls: number;
  minutes: number;
  tokens: number;
  ttsChars: number;
  sttSeconds: number;
}
