import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observePipelineLatency, PIPELINE_STAGES } from '../../src/metrics';
import { sampleValue } from '../support/prometheus';
import { startTestServer, type TestServer } from '../support/server';
import { expectErrorBody } from '../support/spec';

const METRICS_TOKEN = 'scrape-token-for-tests';

let server: TestServer;
let guarded: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  guarded = await startTestServer({ METRICS_TOKEN });
});
afterAll(() => Promise.all([server?.stop(), guarded?.stop()]));

async function scrape(target: TestServer = server, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${target.url}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

const requests = (text: string, labels: Record<string, string>) =>
  sampleValue(text, 'http_request_duration_seconds_count', labels) ?? 0;

describe('GET /metrics', () => {
  it('exposes the process metrics and the named Voicex series', async () => {
    const text = await scrape();
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(text).toContain('# TYPE voicex_active_calls gauge');
    expect(text).toContain('# TYPE voicex_pipeline_latency_seconds histogram');
    expect(sampleValue(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sampleValue(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(sampleValue(text, 'voicex_active_calls')).toBe(0);
    for (const stage of PIPELINE_STAGES) {
      expect(sampleValue(text, 'voicex_pipeline_latency_seconds_count', { stage })).toBe(0);
    }
  });

  it('counts each request under its operationId, method and final status', async () => {
    const before = await scrape();
    await server.client().GET('/health');
    await server.client().GET('/health');
    // A refused request is still attributed to the operation it was routed to.
    const invalid = await fetch(`${server.apiUrl}/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'not-an-email' }),
    });
    expect(invalid.status).toBe(400);
    const missing = await fetch(`${server.apiUrl}/no-such-route`);
    expect(missing.status).toBe(404);
    const after = await scrape();

    const health = { operationId: 'getHealth', method: 'GET', status: '200' };
    expect(requests(after, health) - requests(before, health)).toBe(2);
    const signIn = { operationId: 'signIn', method: 'POST', status: '400' };
    expect(requests(after, signIn) - requests(before, signIn)).toBe(1);
    const unknown = { operationId: 'unknown', method: 'GET', status: '404' };
    expect(requests(after, unknown) - requests(before, unknown)).toBe(1);
    expect(sampleValue(after, 'http_request_duration_seconds_sum', health)).toBeGreaterThan(0);
  });

  it('shows what the call path observes through svc.metrics', async () => {
    const { metrics } = server.app.svc;
    metrics.activeCalls.inc();
    metrics.activeCalls.inc();
    metrics.activeCalls.dec();
    observePipelineLatency(metrics, 'llm_first_token', 250);
    const text = await scrape();
    expect(sampleValue(text, 'voicex_active_calls')).toBe(1);
    expect(sampleValue(text, 'voicex_pipeline_latency_seconds_count', { stage: 'llm_first_token' })).toBe(1);
    expect(sampleValue(text, 'voicex_pipeline_latency_seconds_sum', { stage: 'llm_first_token' })).toBeCloseTo(0.25);
    expect(sampleValue(text, 'voicex_pipeline_latency_seconds_bucket', { stage: 'llm_first_token', le: '0.2' })).toBe(0);
    expect(sampleValue(text, 'voicex_pipeline_latency_seconds_bucket', { stage: 'llm_first_token', le: '0.3' })).toBe(1);
    metrics.activeCalls.dec();
  });

  it('keeps each app instance on its own registry', async () => {
    server.app.svc.metrics.activeCalls.inc();
    expect(sampleValue(await scrape(guarded, { authorization: `Bearer ${METRICS_TOKEN}` }), 'voicex_active_calls')).toBe(0);
    server.app.svc.metrics.activeCalls.dec();
  });

  it('with METRICS_TOKEN set, answers only the bearer of that token', async () => {
    const anonymous = await fetch(`${guarded.url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await expectErrorBody(anonymous);
    const wrong = await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer wrong-token' } });
    expect(wrong.status).toBe(401);
    await expectErrorBody(wrong);
    expect(await scrape(guarded, { authorization: `Bearer ${METRICS_TOKEN}` })).toContain('voicex_active_calls');
  });

  it('is not an API operation: other methods are not routed', async () => {
    const post = await fetch(`${server.url}/metrics`, { method: 'POST' });
    expect(post.status).toBe(404);
    await expectErrorBody(post);
  });
});
