import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setOrgState } from '../support/factories';
import { callRow as callRowOf, phoneOrg, ring, startPhoneWorld, useUpMonthlyMinutes, type PhoneOrg, type PhoneWorld } from '../support/phone';
import { expectErrorBody } from '../support/spec';
import { createSession, sessionFor, socketUrlOnServer, WebVoiceSocket } from '../support/web-voice';

let world: PhoneWorld;
let org: PhoneOrg;
beforeAll(async () => {
  world = await startPhoneWorld();
  org = await phoneOrg(world);
});
afterAll(() => world.stop());

const callRow = (id: string) => callRowOf(world, id);

describe('POST /voice/sessions', () => {
  it('reserves a web call and answers a one-minute token bound to it and the socket URL', async () => {
    const before = Date.now();
    const { data, response } = await createSession(world, org, { metadata: { customerId: 'c-1042' } });
    expect(response.status).toBe(201);
    expect(data!.wsUrl).toBe(`wss://voicex.test/api/voice/ws?token=${data!.token}`);
    const expiresIn = Date.parse(data!.expiresAt) - before;
    expect(expiresIn).toBeGreaterThan(55_000);
    expect(expiresIn).toBeLessThanOrEqual(61_000);
    expect(world.server.app.svc.tokens.verifyStream(data!.token)).toEqual({ callId: data!.sessionId, orgId: org.orgId, channel: 'web' });

    const row = await callRow(data!.sessionId);
    expect(row).toMatchObject({ org_id: org.orgId, agent_id: org.agent._id, channel: 'web', status: 'active', connected_at: null, from_number: null });
    expect(JSON.parse(row.metadata)).toMatchObject({ client: { customerId: 'c-1042' } });
    const listed = await org.client.GET('/dashboard/calls/{id}', { params: { path: { id: data!.sessionId } } });
    expect(listed.data).toMatchObject({ channel: 'web', status: 'active' });
  });

  it('needs an API key: no credentials or a dashboard JWT answer 401', async () => {
    const anonymous = await world.server.client().POST('/voice/sessions', { body: { agentId: org.agent._id } });
    expect(anonymous.response.status).toBe(401);
    const withJwt = await org.client.POST('/voice/sessions', { body: { agentId: org.agent._id } });
    expect(withJwt.response.status).toBe(401);
  });

  it('answers 400 for a body that does not match the spec', async () => {
    for (const body of [{}, { agentId: org.agent._id, extra: true }, { agentId: 42 }]) {
      const response = await fetch(`${world.server.apiUrl}/voice/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': org.apiKey },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(400);
      await expectErrorBody(response);
    }
  });

  it("answers 404 for an unknown agent and for another organization's agent", async () => {
    const other = await phoneOrg(world);
    const unknown = await createSession(world, org, { agentId: 'a'.repeat(24) });
    const foreign = await createSession(world, org, { agentId: other.agent._id });
    for (const { response, error } of [unknown, foreign]) {
      expect(response.status).toBe(404);
      expect(error!.error).toMatch(/agent not found/i);
    }
    expect(JSON.stringify(foreign.error)).not.toContain(other.agent.name);
  });

  it('answers 403 agent_paused for a switched-off agent', async () => {
    const paused = await phoneOrg(world);
    await paused.client.PATCH('/dashboard/agents/{id}', { params: { path: { id: paused.agent._id } }, body: { active: false } });
    const { response, error } = await createSession(world, paused);
    expect(response.status).toBe(403);
    expect(error).toMatchObject({ code: 'agent_paused' });
  });

  it('answers 403 for a suspended organization, and sessions again once it is reactivated', async () => {
    const suspended = await phoneOrg(world);
    await setOrgState(world.server, suspended.orgId, { status: 'suspended' });
    const { response, error } = await createSession(world, suspended);
    expect(response.status).toBe(403);
    expect(error!.error).toMatch(/suspended/i);
    await setOrgState(world.server, suspended.orgId, { status: 'active' });
    expect((await createSession(world, suspended)).response.status).toBe(201);
  });

  it('holds the line limit of the plan, also under parallel requests (free plan: 2 lines)', async () => {
    const free = await phoneOrg(world, { plan: 'free', voice: 'edge' });
    const results = await Promise.all(Array.from({ length: 8 }, () => createSession(world, free)));
    expect(results.filter((r) => r.response.status === 201)).toHaveLength(2);
    const refused = results.filter((r) => r.response.status === 403);
    expect(refused).toHaveLength(6);
    for (const r of refused) expect(r.error).toMatchObject({ code: 'concurrency_limit' });
  });

  it('counts phone calls and web sessions on the same lines', async () => {
    const free = await phoneOrg(world, { plan: 'free', voice: 'edge' });
    expect((await ring(world, free)).streamUrl).toBeTruthy();
    expect((await createSession(world, free)).response.status).toBe(201);
    const refused = await createSession(world, free);
    expect(refused.response.status).toBe(403);
    expect(refused.error).toMatchObject({ code: 'concurrency_limit' });
    expect((await ring(world, free)).say).toMatch(/lines are busy/i);
  });

  it('answers 403 minutes_exhausted once the monthly minutes of the plan are used up', async () => {
    const busy = await phoneOrg(world, { plan: 'free', voice: 'edge' });
    await useUpMonthlyMinutes(world, busy.orgId);
    const { response, error } = await createSession(world, busy);
    expect(response.status).toBe(403);
    expect(error).toMatchObject({ code: 'minutes_exhausted' });
  });

  it('releases the line of a session whose socket closes before start', async () => {
    const free = await phoneOrg(world, { plan: 'free', voice: 'edge' });
    const first = await sessionFor(world, free);
    await sessionFor(world, free);
    expect((await createSession(world, free)).response.status).toBe(403);
    const socket = await WebVoiceSocket.open(socketUrlOnServer(world, first.wsUrl));
    socket.ws.close();
    await socket.closed;
    await expect.poll(async () => (await callRow(first.sessionId)).status, { timeout: 5000 }).toBe('failed');
    expect((await callRow(first.sessionId)).end_reason).toBe('never_connected');
    expect((await createSession(world, free)).response.status).toBe(201);
  });
});
