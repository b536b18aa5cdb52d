import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server';
import { expectErrorBody } from '../support/spec';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('public endpoints', () => {
  it('GET /health answers ok with a millisecond timestamp', async () => {
    const before = Date.now();
    const { data, response } = await server.client().GET('/health');
    expect(response.status).toBe(200);
    expect(data?.status).toBe('ok');
    expect(data!.timestamp).toBeGreaterThanOrEqual(before);
    expect(data!.timestamp).toBeLessThanOrEqual(Date.now());
  });

  it('GET /ready touches the database', async () => {
    const { data } = await server.client().GET('/ready');
    expect(data).toEqual({ status: 'ok', database: 'ok' });
  });

  it('GET /plans lists the public, non-custom plans in the reference shape, cheapest first', async () => {
    const { data } = await server.client().GET('/plans');
    expect(data!.map((p) => p.slug)).toEqual(['free', 'starter', 'pro', 'enterprise']);
    const free = data![0]!;
    expect(free).toMatchObject({
      slug: 'free',
      name: 'Free',
      description: 'Get started with voice AI',
      pricing: { monthly: 0, annual: 0, maxDiscountPercent: 0 },
      limits: { maxAgents: 1, maxConcurrentCalls: 2, maxCallDurationSec: 300, maxMonthlyMinutes: 60 },
      features: { customProviders: false, maxCustomProviders: 0 },
    });
    const pro = data!.find((p) => p.slug === 'pro')!;
    expect(pro.limits).toEqual({ maxAgents: 25, maxConcurrentCalls: 50, maxCallDurationSec: 3600, maxMonthlyMinutes: 10000 });
    expect(pro.models).toEqual({
      llm: ['ollama/llama3.2:3b', 'groq/llama-3.3-70b-versatile', 'openai/gpt-4o-mini'],
      tts: ['edge/en-US-AriaNeural', 'elevenlabs/21m00Tcm4TlvDq8ikWAM', 'openai/alloy'],
      stt: ['deepgram/nova-2'],
    });
    expect(pro.features).toEqual({ customProviders: true, maxCustomProviders: 5 });
  });

  it('GET /setup/status is false on a fresh platform', async () => {
    const { data } = await server.client().GET('/setup/status');
    expect(data).toEqual({ completed: false });
  });

  it('unknown routes answer 404 and wrong methods 405, both as { error }', async () => {
    const missing = await fetch(`${server.apiUrl}/nothing-here`);
    expect(missing.status).toBe(404);
    expect((await expectErrorBody(missing)).error).toMatch(/not found/i);
    const wrongMethod = await fetch(`${server.apiUrl}/plans`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    await expectErrorBody(wrongMethod);
  });

  it('every response carries a request id, echoing a sane incoming one', async () => {
    const own = await fetch(`${server.apiUrl}/health`, { headers: { 'x-request-id': 'trace-123' } });
    expect(own.headers.get('x-request-id')).toBe('trace-123');
    const hostile = await fetch(`${server.apiUrl}/health`, { headers: { 'x-request-id': 'a b\tc' } });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
