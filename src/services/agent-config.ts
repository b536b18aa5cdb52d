/** What an agent request turns into before validation: defaults for omitted fields, partial updates merged. */
import type { AgentFields } from '../db/repositories/agents';
import type { Agent, AgentChanges, AgentInput, LlmConfig, Persona, Plan, Thresholds, TtsConfig } from '../domain';

const DEFAULT_PERSONA: Persona = {
  systemPrompt: 'You are a helpful voice assistant.',
  greeting: 'Hello! How can I help you today?',
  personality: 'friendly',
  language: 'en-US',
  guardrails: '',
};
const DEFAULT_LLM_CONFIG: LlmConfig = { temperature: 0.7, maxTokens: 256 };
const DEFAULT_TTS_CONFIG: TtsConfig = { speed: 1 };
const DEFAULT_TURN_TAKING: Omit<Thresholds, 'maxCallDurationSec'> = {
  silenceTimeoutMs: 700,
  endpointingMs: 300,
  interruptionSensitivity: 'medium',
};
/** Capped by the plan's own maximum. */
const DEFAULT_MAX_CALL_DURATION_SEC = 1800;

/** An agent's fields before validation; the STT model may still be open (it defaults to the provider's first). */
export type AgentDraft = Omit<AgentFields, 'sttModelId'> & { sttModelId: string | undefined };

export function draftFromInput(input: AgentInput, plan: Plan): AgentDraft {
  return {
    name: input.name,
    persona: { ...DEFAULT_PERSONA, ...input.persona },
    llmProviderId: input.llmProviderId,
    llmModelId: input.llmModelId,
    llmConfig: { ...DEFAULT_LLM_CONFIG, ...input.llmConfig },
    ttsProviderId: input.ttsProviderId,
    ttsModelId: input.ttsModelId,
    ttsConfig: { ...DEFAULT_TTS_CONFIG, ...input.ttsConfig },
    sttProviderId: input.sttProviderId,
    sttModelId: input.sttModelId,
    thresholds: {
      ...DEFAULT_TURN_TAKING,
      maxCallDurationSec: Math.min(DEFAULT_MAX_CALL_DURATION_SEC, plan.limits.maxCallDurationSec),
      ...input.thresholds,
    },
    phoneNumber: input.phoneNumber ?? null,
    active: input.active ?? true,
  };
}

/**
 * Nested objects merge field by field; everything else given replaces. A new STT provider without a model gets
 * its first model rather than keeping one it may not offer.
 */
export function draftFromChanges(current: Agent, changes: AgentChanges): AgentDraft {
  const sttProviderChanged = changes.sttProviderId !== undefined && changes.sttProviderId !== current.sttProviderId;
  return {
    name: changes.name ?? current.name,
    persona: { ...current.persona, ...changes.persona },
    llmProviderId: changes.llmProviderId ?? current.llmProviderId,
    llmModelId: changes.llmModelId ?? current.llmModelId,
    llmConfig: { ...current.llmConfig, ...changes.llmConfig },
    ttsProviderId: changes.ttsProviderId ?? current.ttsProviderId,
    ttsModelId: changes.ttsModelId ?? current.ttsModelId,
    ttsConfig: { ...current.ttsConfig, ...changes.ttsConfig },
    sttProviderId: changes.sttProviderId ?? current.sttProviderId,
    sttModelId: changes.sttModelId ?? (sttProviderChanged ? undefined : current.sttModelId),
    thresholds: { ...current.thresholds, ...changes.thresholds },
    phoneNumber: changes.phoneNumber === undefined ? current.phoneNumber : changes.phoneNumber,
    active: changes.active ?? current.active,
  };
}
