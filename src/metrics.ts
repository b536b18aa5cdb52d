import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The stages of one conversational turn whose latency the call path reports. */
export const PIPELINE_STAGES = ['stt', 'llm_first_token', 'tts_first_byte', 'turn_total'] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

/**
 * The Prometheus metrics of one app instance, on its own registry (never prom-client's global one), so two apps
 * in one process (tests) do not share or clash over series.
 */
export interface Metrics {
  registry: Registry;
  /** Every HTTP request, labelled by the spec's operationId (`unknown` outside openapi.yaml), method and status. */
  httpRequestDuration: Histogram<'operationId' | 'method' | 'status'>;
  /** Calls this process carries right now: inc() when a call starts, dec() when it ends. */
  activeCalls: Gauge;
  /** Seconds per pipeline stage of a turn; use observePipelineLatency for a checked stage name. */
  pipelineLatency: Histogram<'stage'>;
}

// Voice latency lives between ~100 ms and a few seconds; the default HTTP buckets are too coarse there.
const PIPELINE_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds by operationId, method and status.',
    labelNames: ['operationId', 'method', 'status'] as const,
    registers: [registry],
  });
  const activeCalls = new Gauge({
    name: 'voicex_active_calls',
    help: 'Phone and web calls this process is carrying.',
    registers: [registry],
  });
  const pipelineLatency = new Histogram({
    name: 'voicex_pipeline_latency_seconds',
    help: 'Voice pipeline latency in seconds per stage: stt, llm_first_token, tts_first_byte, turn_total.',
    labelNames: ['stage'] as const,
    buckets: PIPELINE_BUCKETS,
    registers: [registry],
  });
  // Every stage is exported from the start, so dashboards and alerts see zeros rather than no series.
  for (const stage of PIPELINE_STAGES) pipelineLatency.zero({ stage });

  return { registry, httpRequestDuration, activeCalls, pipelineLatency };
}

export function observePipelineLatency(metrics: Metrics, stage: PipelineStage, ms: number): void {
  metrics.pipelineLatency.observe({ stage }, ms / 1000);
}
