import { findCall, markCallConnected, saveCallSummary } from '../db/repositories/calls';
import { addUsage } from '../db/repositories/usage';
import type { Agent, Call, CallChannel, Plan } from '../domain';
import { AppError } from '../errors';
import { createLanguageModel, createSpeechToText, createTextToSpeech } from '../providers';
import type { LanguageModel, ProviderConnection } from '../providers/types';
import { Conversation } from '../voice/conversation';
import { summarizeCall } from '../voice/summary';
import type { CallerLink, ConversationEvents, ConversationResult, EndReason, VoiceAgentSettings } from '../voice/types';
import { resolveAgentForCall, type ReadyProvider } from './agent-resolution';
import type { LiveCall } from './call-registry';
import { recordCallEnd, recordCallFailure, utcDay } from './calls';
import type { ServiceContext } from './context';
import { observePipelineLatency } from '../metrics';
import type { StreamClaims } from './tokens';

/** What a transport (Twilio media stream, browser socket) gives the session. */
export interface CallTransport {
  /** Only a call reserved for this channel attaches. */
  channel: CallChannel;
  link: CallerLink;
  /** Live transcript and speaking state, for transports that show them. */
  events?: ConversationEvents;
  /** Closes the transport; for Twilio, closing the stream ends the phone call. */
  close(reason: EndReason): void;
}

const SUMMARY_TIMEOUT_MS = 20_000;
/** Ends a call the conversation failed to end on time (it says goodbye itself at the limit). */
const DURATION_SAFETY_MARGIN_MS = 30_000;
const FAILED_REASONS: ReadonlySet<EndReason> = new Set(['provider_error', 'error']);

export function voiceSettings(agent: Agent, plan: Plan): VoiceAgentSettings {
  return {
    persona: agent.persona,
    llmConfig: agent.llmConfig,
    ttsConfig: agent.ttsConfig,
    thresholds: {
      ...agent.thresholds,
      maxCallDurationSec: Math.min(agent.thresholds.maxCallDurationSec, plan.limits.maxCallDurationSec),
    },
  };
}

function connectionFor(svc: ServiceContext, ready: ReadyProvider): ProviderConnection {
  return {
    providerKey: ready.provider.providerKey,
    modelId: ready.modelId,
    credentials: ready.credentials as Record<string, string>,
    settings: ready.provider.settings,
    // The platform's own providers are configured by its operator; only client-owned ones are fenced off.
    allowPrivateNetwork: ready.provider.orgId === null || svc.config.providerAllowPrivateUrls,
  };
}

/**
 * One call from stream connection to record: feeds the conversation, ends it once, writes the call, meters usage
 * and adds the summary. Holds all per-call state; nothing is shared between calls.
 */
export class CallSession implements LiveCall {
  readonly id: string;
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private ending: Promise<void> | undefined;
  private firstMediaAt: number | undefined;
  private lastMediaAt: number | undefined;
  private safetyTimer: NodeJS.Timeout | undefined;
  private readonly conversation: Conversation;

  constructor(
    private readonly svc: ServiceContext,
    private readonly call: Call,
    private readonly settings: VoiceAgentSettings,
    private readonly llm: LanguageModel,
    connections: { stt: ProviderConnection; tts: ProviderConnection },
    private readonly transport: CallTransport,
  ) {
    this.id = call.id;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.conversation = new Conversation({
      settings,
      llm,
      stt: createSpeechToText(connections.stt),
      tts: createTextToSpeech(connections.tts),
      link: transport.link,
      onHangUp: (reason) => void this.end(reason),
      logger: svc.log.child({ callId: call.id }),
      ...(transport.events && { events: transport.events }),
    });
  }

  async start(): Promise<void> {
    const limitMs = this.settings.thresholds.maxCallDurationSec * 1000 + DURATION_SAFETY_MARGIN_MS;
    this.safetyTimer = setTimeout(() => void this.end('max_duration'), limitMs);
    await this.conversation.start();
  }

  receiveAudio(mulaw: Buffer): void {
    const now = Date.now();
    this.firstMediaAt ??= now;
    this.lastMediaAt = now;
    this.conversation.receiveAudio(mulaw);
  }

  markPlayed(name: string): void {
    this.conversation.markPlayed(name);
  }

  receiveDtmf(digit: string): void {
    this.conversation.receiveDtmf(digit);
  }

  /** Idempotent: the first reason wins (caller hang-up, the agent's own hang-up, shutdown...). */
  end(reason: EndReason): Promise<void> {
    this.ending ??= this.finish(reason).finally(() => this.resolveDone());
    return this.ending;
  }

  private async finish(reason: EndReason): Promise<void> {
    clearTimeout(this.safetyTimer);
    const log = this.svc.log.child({ callId: this.id });
    try {
      const result = await this.conversation.end(reason);
      this.transport.close(reason);
      const durationSec = this.firstMediaAt && this.lastMediaAt ? (this.lastMediaAt - this.firstMediaAt) / 1000 : 0;
      const recorded = await recordCallEnd(this.svc, this.call, { result, durationSec, failed: FAILED_REASONS.has(result.endReason) });
      this.observeLatencies(result);
      if (recorded) await this.summarize(result);
      log.info({ reason: result.endReason, durationSec, turns: result.metrics.turnCount }, 'call ended');
    } catch (error) {
      log.error({ err: error }, 'could not record the end of the call');
      this.transport.close('error');
      await recordCallFailure(this.svc, this.id, 'error').catch(() => {});
    }
  }

  private async summarize(result: ConversationResult): Promise<void> {
    const summary = await summarizeCall(this.llm, result.transcript, this.settings, { signal: AbortSignal.timeout(SUMMARY_TIMEOUT_MS) });
    await saveCallSummary(this.svc.db, this.id, summary);
    if (summary.tokens > 0) {
      await addUsage(this.svc.db, this.call.orgId, utcDay(), { calls: 0, minutes: 0, tokens: summary.tokens, ttsChars: 0, sttSeconds: 0 });
    }
  }

  private observeLatencies(result: ConversationResult): void {
    for (const turn of result.turns) {
      if (turn.sttMs !== null) observePipelineLatency(this.svc.metrics, 'stt', turn.sttMs);
      if (turn.llmFirstTokenMs !== null) observePipelineLatency(this.svc.metrics, 'llm_first_token', turn.llmFirstTokenMs);
      if (turn.ttsFirstByteMs !== null) observePipelineLatency(this.svc.metrics, 'tts_first_byte', turn.ttsFirstByteMs);
      if (turn.totalMs !== null) observePipelineLatency(this.svc.metrics, 'turn_total', turn.totalMs);
    }
  }
}

/**
 * Attaches a connected stream to the call its token names: the call must be reserved and not yet connected, the
 * organization active and the agent able to take calls. Refusals fail the call and throw.
 */
export async function startCallSession(
  svc: ServiceContext,
  claims: StreamClaims,
  transport: CallTransport,
): Promise<CallSession> {
  const call = await findCall(svc.db, claims.orgId, claims.callId);
  const channelMatches = call?.channel === claims.channel && claims.channel === transport.channel;
  if (!call || !channelMatches || call.status !== 'active' || call.connectedAt) {
    throw new AppError(403, 'This call is not waiting for a stream', 'stream_refused');
  }
  const resolved = call.agentId ? await resolveAgentForCall(svc, call.orgId, call.agentId) : null;
  if (!resolved || !resolved.ready || resolved.org.status !== 'active') {
    await recordCallFailure(svc, call.id, 'agent_unavailable');
    throw new AppError(403, 'The agent cannot take calls', 'agent_unavailable');
  }
  if (!(await markCallConnected(svc.db, call.id, svc.instanceId))) {
    throw new AppError(403, 'This call is not waiting for a stream', 'stream_refused');
  }
  const session = new CallSession(
    svc,
    call,
    voiceSettings(resolved.agent, resolved.plan),
    createLanguageModel(connectionFor(svc, resolved.llm)),
    { stt: connectionFor(svc, resolved.stt), tts: connectionFor(svc, resolved.tts) },
    transport,
  );
  svc.calls.add(session);
  return session;
}
