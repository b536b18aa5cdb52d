import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeOrg, createApiKey, setOrgState, setUpPlatform, signUpOrg } from '../support/factories';
import { agentBody, createAgentFor, createClientProvider, createGlobalProviders, recordCall, type GlobalProviders } from '../support/dashboard';
import { startTestServer, type TestServer } from '../support/server';
import { expectErrorBody } from '../support/spec';

let server: TestServer;
let globals: GlobalProviders;
beforeAll(async () => {
  server = await startTestServer();
  globals = await createGlobalProviders(await setUpPlatform(server));
});
afterAll(() => server.stop());

describe('GET /dashboard/organization', () => {
  it('returns the organization with its plan slug, name, limits and features, with a JWT or an API key', async () => {
    const org = await activeOrg(server, 'pro');
    const viaKey = server.client({ apiKey: await createApiKey(org) });
    for (const client of [org.client, viaKey]) {
      const { data, response } = await client.GET('/dashboard/organization');
      expect(response.status).toBe(200);
      expect(data).toMatchObject({
        _id: org.orgId,
        name: 'Test Org',
        status: 'active',
        planSlug: 'pro',
        planName: 'Pro',
        limits: { maxAgents: 25, maxConcurrentCalls: 50, maxCallDurationSec: 3600, maxMonthlyMinutes: 10000 },
        features: { customProviders: true, maxCustomProviders: 5 },
        twilioAuthTokenSet: false,
      });
    }
  });

  it('answers 401 without credentials and 403 for a pending organization', async () => {
    expect((await server.client().GET('/dashboard/organization')).response.status).toBe(401);
    const pending = await signUpOrg(server);
    const { error, response } = await pending.client.GET('/dashboard/organization');
    expect(response.status).toBe(403);
    expect(error!.code).toBe('org_pending');
  });
});

describe('PATCH /dashboard/organization', () => {
  it('renames the organization, visible at once', async () => {
    const org = await activeOrg(server, 'starter');
    const { data, response } = await org.client.PATCH('/dashboard/organization', { body: { name: 'New Name' } });
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ _id: org.orgId, name: 'New Name', planSlug: 'starter', status: 'active' });
    expect((await org.client.GET('/dashboard/organization')).data!.name).toBe('New Name');
    expect((await org.client.GET('/auth/me')).data!.organization.name).toBe('New Name');
  });

  it('stores the organization Twilio auth token sealed, never returns it, and removes it with null', async () => {
    const org = await activeOrg(server, 'starter');
    const token = 'twilio-token-0123456789abcdef';
    const { data } = await org.client.PATCH('/dashboard/organization', { body: { twilioAuthToken: token } });
    expect(data!.twilioAuthTokenSet).toBe(true);
    expect(JSON.stringify(data)).not.toContain(token);
    const row = await server.app.svc.db.selectFrom('organizations').selectAll().where('id', '=', org.orgId).executeTakeFirstOrThrow();
    expect(row.twilio_auth_token).not.toContain(token);
    expect(server.app.svc.box.open(row.twilio_auth_token!)).toBe(token);
    expect(server.logs.join('\n')).not.toContain(token);

    const removed = await org.client.PATCH('/dashboard/organization', { body: { twilioAuthToken: null } });
    expect(removed.data!.twilioAuthTokenSet).toBe(false);
    expect(removed.data!.name).toBe('Test Org');
  });

  it.each([
    ['status', { status: 'active' }],
    ['plan', { planSlug: 'enterprise' }],
    ['id', { _id: 'other' }],
    ['nothing', {}],
    ['an empty name', { name: '' }],
    ['a short Twilio token', { twilioAuthToken: 'short' }],
  ])('answers 400 for %s and changes nothing', async (_case, body) => {
    const org = await activeOrg(server, 'free');
    const { response } = await org.client.PATCH('/dashboard/organization', { body: body as never });
    expect(response.status).toBe(400);
    const after = await org.client.GET('/dashboard/organization');
    expect(after.data).toMatchObject({ name: 'Test Org', planSlug: 'free', status: 'active' });
  });

  it('answers 400 for a body that is not JSON', async () => {
    const org = await activeOrg(server, 'free');
    const response = await fetch(`${server.apiUrl}/dashboard/organization`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${org.token}` },
      body: 'name=x',
    });
    expect(response.status).toBe(400);
    await expectErrorBody(response);
  });
});

describe('GET /dashboard/plan', () => {
  it('returns the full plan with models and features', async () => {
    const org = await activeOrg(server, 'pro');
    const { data } = await server.client({ apiKey: await createApiKey(org) }).GET('/dashboard/plan');
    expect(data).toMatchObject({
      slug: 'pro',
      name: 'Pro',
      limits: { maxAgents: 25, maxConcurrentCalls: 50, maxCallDurationSec: 3600, maxMonthlyMinutes: 10000 },
      models: {
        llm: ['ollama/llama3.2:3b', 'groq/llama-3.3-70b-versatile', 'openai/gpt-4o-mini'],
        tts: ['edge/en-US-AriaNeural', 'elevenlabs/21m00Tcm4TlvDq8ikWAM', 'openai/alloy'],
        stt: ['deepgram/nova-2'],
      },
      features: { customProviders: true, maxCustomProviders: 5 },
    });
  });

  it('follows a plan change at once', async () => {
    const org = await activeOrg(server, 'pro');
    await setOrgState(server, org.orgId, { planSlug: 'starter' });
    expect((await org.client.GET('/dashboard/plan')).data!.slug).toBe('starter');
  });
});

describe('GET /dashboard/stats', () => {
  it('counts calls, minutes, average duration and agents by computed status', async () => {
    const org = await activeOrg(server, 'pro');
    const own = await createClientProvider(org);
    const agent = await createAgentFor(org, agentBody(globals));
    await createAgentFor(org, agentBody(globals, { active: false }));
    await createAgentFor(org, agentBody(globals, { llmProviderId: own._id, llmModelId: 'gpt-4o' }));
    await org.client.PATCH('/dashboard/providers/{id}', { params: { path: { id: own._id } }, body: { active: false } });
    await recordCall(server, org.orgId, { agentId: agent._id, durationSec: 61 });
    await recordCall(server, org.orgId, { agentId: agent._id, durationSec: 30, status: 'failed' });
    await recordCall(server, org.orgId, { agentId: agent._id, status: 'active' });

    const { data, response } = await org.client.GET('/dashboard/stats');
    expect(response.status).toBe(200);
    expect(data).toEqual({ totalCalls: 3, activeCalls: 1, totalAgents: 3, activeAgents: 1, totalMinutes: 3, avgDurationSec: 45.5 });
  });

  it('answers zeros for a new organization', async () => {
    const org = await activeOrg(server, 'free');
    const { data } = await server.client({ apiKey: await createApiKey(org) }).GET('/dashboard/stats');
    expect(data).toEqual({ totalCalls: 0, activeCalls: 0, totalAgents: 0, activeAgents: 0, totalMinutes: 0, avgDurationSec: 0 });
  });
});
