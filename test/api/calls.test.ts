import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUsage } from '../../src/db/repositories/usage';
import { activeOrg, createApiKey, type TestOrg } from '../support/factories';
import { recordCall } from '../support/dashboard';
import { startTestServer, type TestServer } from '../support/server';
import { expectErrorBody } from '../support/spec';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** Minutes after a fixed start, so "newest first" has one right answer. */
const at = (minute: number) => new Date(Date.UTC(2026, 1, 17, 16, minute)).toISOString();

async function orgWithCalls(): Promise<{ org: TestOrg; ids: string[] }> {
  const org = await activeOrg(server, 'pro');
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    const call = await recordCall(server, org.orgId, {
      agentId: i % 3 === 0 ? 'agent-a' : 'agent-b',
      channel: i % 4 === 0 ? 'web' : 'phone',
      status: i === 11 ? 'active' : i % 5 === 0 ? 'failed' : 'completed',
      startedAt: at(i),
    });
    ids.push(call.id);
  }
  return { org, ids: ids.reverse() };
}

describe('GET /dashboard/calls', () => {
  it('lists calls newest first without transcripts, 20 by default', async () => {
    const org = await activeOrg(server, 'pro');
    for (let i = 0; i < 22; i++) await recordCall(server, org.orgId, { startedAt: at(i), transcript: [{ role: 'user', text: 'hi', at: at(i) }] });
    const { data, response } = await org.client.GET('/dashboard/calls');
    expect(response.status).toBe(200);
    expect(data).toHaveLength(20);
    expect(data!.map((c) => c.startedAt)).toEqual(Array.from({ length: 20 }, (_, i) => at(21 - i)));
    expect(data![0]).not.toHaveProperty('transcript');
    expect(data![0]).not.toHaveProperty('metadata');
    expect(data![0]).toMatchObject({ status: 'completed', summary: 'Caller asked about pricing.', sentiment: 'positive', durationSec: 90 });
  });

  it('pages with skip and limit given as query strings', async () => {
    const { org, ids } = await orgWithCalls();
    const { data } = await org.client.GET('/dashboard/calls', { params: { query: { limit: 5, skip: 2 } } });
    expect(data!.map((c) => c._id)).toEqual(ids.slice(2, 7));
    const raw = await fetch(`${server.apiUrl}/dashboard/calls?limit=5&skip=2`, { headers: { authorization: `Bearer ${org.token}` } });
    expect(((await raw.json()) as { _id: string }[]).map((c) => c._id)).toEqual(ids.slice(2, 7));
    const past = await org.client.GET('/dashboard/calls', { params: { query: { skip: 50 } } });
    expect(past.data).toEqual([]);
  });

  it('filters by agent, status and channel, and count uses the same filters', async () => {
    const { org } = await orgWithCalls();
    const filters = [
      { agentId: 'agent-a' },
      { status: 'failed' as const },
      { status: 'active' as const },
      { channel: 'web' as const },
      { agentId: 'agent-b', status: 'completed' as const, channel: 'phone' as const },
      { agentId: 'nobody' },
    ];
    for (const filter of filters) {
      const list = await org.client.GET('/dashboard/calls', { params: { query: { ...filter, limit: 100 } } });
      const count = await org.client.GET('/dashboard/calls/count', { params: { query: filter } });
      for (const call of list.data!) {
        if (filter.agentId) expect(call.agentId).toBe(filter.agentId);
        if ('status' in filter) expect(call.status).toBe(filter.status);
        if ('channel' in filter) expect(call.channel).toBe(filter.channel);
      }
      expect(count.data!.count, JSON.stringify(filter)).toBe(list.data!.length);
    }
    expect((await org.client.GET('/dashboard/calls/count', { params: { query: { agentId: 'agent-a' } } })).data!.count).toBe(4);
    expect((await org.client.GET('/dashboard/calls/count')).data!.count).toBe(12);
  });

  it('answers 400 for a limit above 100, a negative skip or an unknown status', async () => {
    const org = await activeOrg(server, 'pro');
    for (const query of ['limit=101', 'limit=0', 'skip=-1', 'status=ringing', 'limit=ten']) {
      const response = await fetch(`${server.apiUrl}/dashboard/calls?${query}`, { headers: { authorization: `Bearer ${org.token}` } });
      expect(response.status, query).toBe(400);
      await expectErrorBody(response);
    }
    const count = await fetch(`${server.apiUrl}/dashboard/calls/count?channel=fax`, { headers: { authorization: `Bearer ${org.token}` } });
    expect(count.status).toBe(400);
  });

  it('works with an API key', async () => {
    const { org, ids } = await orgWithCalls();
    const client = server.client({ apiKey: await createApiKey(org) });
    const { data } = await client.GET('/dashboard/calls');
    expect(data!.map((c) => c._id)).toEqual(ids);
    expect((await client.GET('/dashboard/calls/count')).data).toEqual({ count: 12 });
    expect((await client.GET('/dashboard/calls/{id}', { params: { path: { id: ids[0]! } } })).response.status).toBe(200);
  });
});

describe('GET /dashboard/calls/:id', () => {
  it('returns the call with transcript, summary, sentiment, metrics and metadata', async () => {
    const org = await activeOrg(server, 'pro');
    const transcript = [
      { role: 'assistant' as const, text: 'Hello! How can I help you today?', at: at(0) },
      { role: 'user' as const, text: 'What does the pro plan cost?', at: at(1) },
    ];
    const call = await recordCall(server, org.orgId, { agentId: 'agent-a', transcript, durationSec: 61.5 });
    const { data, response } = await org.client.GET('/dashboard/calls/{id}', { params: { path: { id: call.id } } });
    expect(response.status).toBe(200);
    expect(data).toMatchObject({
      _id: call.id,
      agentId: 'agent-a',
      status: 'completed',
      durationSec: 61.5,
      transcript,
      summary: 'Caller asked about pricing.',
      sentiment: 'positive',
      endReason: 'caller_hangup',
      metrics: { turnCount: 2, totalTokens: 120, ttfbMs: null },
      metadata: { turns: [] },
      from: '+14155550100',
      to: '+14155550123',
    });
  });

  it('answers 404 for an unknown call', async () => {
    const org = await activeOrg(server, 'pro');
    const { error, response } = await org.client.GET('/dashboard/calls/{id}', { params: { path: { id: 'nope' } } });
    expect(response.status).toBe(404);
    expect(error!.error).toBe('Call not found');
  });
});

const utcDay = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

describe('GET /dashboard/analytics/usage', () => {
  it('answers one row per day for the last 30 days by default, oldest first, zeros where nothing happened', async () => {
    const org = await activeOrg(server, 'pro');
    await addUsage(server.app.svc.db, org.orgId, utcDay(0), { calls: 3, minutes: 7, tokens: 900, ttsChars: 400, sttSeconds: 321.5 });
    await addUsage(server.app.svc.db, org.orgId, utcDay(29), { calls: 1, minutes: 2, tokens: 10, ttsChars: 20, sttSeconds: 30 });
    await addUsage(server.app.svc.db, org.orgId, utcDay(30), { calls: 9, minutes: 9, tokens: 9, ttsChars: 9, sttSeconds: 9 });

    const { data, response } = await org.client.GET('/dashboard/analytics/usage');
    expect(response.status).toBe(200);
    expect(data).toHaveLength(30);
    expect(data!.map((d) => d.date)).toEqual(Array.from({ length: 30 }, (_, i) => utcDay(29 - i)));
    expect(data![0]).toEqual({ date: utcDay(29), calls: 1, minutes: 2, tokens: 10, ttsChars: 20, sttSeconds: 30 });
    expect(data![1]).toEqual({ date: utcDay(28), calls: 0, minutes: 0, tokens: 0, ttsChars: 0, sttSeconds: 0 });
    expect(data![29]).toEqual({ date: utcDay(0), calls: 3, minutes: 7, tokens: 900, ttsChars: 400, sttSeconds: 321.5 });
  });

  it('takes days as a query string, 1 to 365', async () => {
    const org = await activeOrg(server, 'pro');
    const client = server.client({ apiKey: await createApiKey(org) });
    const week = await client.GET('/dashboard/analytics/usage', { params: { query: { days: 7 } } });
    expect(week.data!.map((d) => d.date)).toEqual(Array.from({ length: 7 }, (_, i) => utcDay(6 - i)));
    const today = await client.GET('/dashboard/analytics/usage', { params: { query: { days: 1 } } });
    expect(today.data!.map((d) => d.date)).toEqual([utcDay(0)]);
    const year = await client.GET('/dashboard/analytics/usage', { params: { query: { days: 365 } } });
    expect(year.data).toHaveLength(365);
    for (const days of ['0', '366', 'week']) {
      const response = await fetch(`${server.apiUrl}/dashboard/analytics/usage?days=${days}`, { headers: { authorization: `Bearer ${org.token}` } });
      expect(response.status, days).toBe(400);
      await expectErrorBody(response);
    }
  });
});
