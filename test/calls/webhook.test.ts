import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendVoiceWebhook } from '../../scripts/lib/twilio-caller';
import { testDialect } from '../support/database';
import { setOrgState } from '../support/factories';
import { callRow as callRowOf, connect, phoneOrg, PUBLIC_URL, ring, startPhoneWorld, TWILIO_TOKEN, useUpMonthlyMinutes, type PhoneOrg, type PhoneWorld } from '../support/phone';
import { expectErrorBody } from '../support/spec';

let world: PhoneWorld;
let org: PhoneOrg;
beforeAll(async () => {
  world = await startPhoneWorld();
  org = await phoneOrg(world);
});
afterAll(() => world.stop());

const callRow = (id: string) => callRowOf(world, id);

describe('POST /twilio/voice: authentication', () => {
  it('answers 401 { error } for a missing or unknown API key', async () => {
    const unknown = await ring(world, { apiKey: `vx_${'0'.repeat(48)}` });
    expect(unknown.status).toBe(401);
    const response = await fetch(`${world.server.apiUrl}/twilio/voice`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'CallSid=CA1&AccountSid=AC1',
    });
    expect(response.status).toBe(401);
    await expectErrorBody(response);
  });

  it('answers 403 for a missing, forged or misplaced signature', async () => {
    const missing = await ring(world, org, { authToken: undefined });
    const forged = await ring(world, org, { signature: 'bm90IGEgc2lnbmF0dXJl' });
    const otherToken = await ring(world, org, { authToken: 'some-other-auth-token' });
    // Signed for another URL (e.g. another agentId than the one requested).
    const otherUrl = await ring(world, org, {
      signature: twilio.getExpectedTwilioSignature(TWILIO_TOKEN, `${PUBLIC_URL}/api/twilio/voice?api_key=${org.apiKey}&agentId=x`, {}),
    });
    for (const answer of [missing, forged, otherToken, otherUrl]) {
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body).error).toMatch(/signature/i);
    }
  });

  it("validates with the organization's own Twilio auth token once it has set one", async () => {
    const own = await phoneOrg(world);
    const ownToken = 'org-own-twilio-token-abcdef012345';
    await own.client.PATCH('/dashboard/organization', { body: { twilioAuthToken: ownToken } });
    expect((await ring(world, own)).status).toBe(403);
    const accepted = await ring(world, own, { authToken: ownToken });
    expect(accepted.status).toBe(200);
    expect(accepted.streamUrl).toBeTruthy();
  });
});

describe('POST /twilio/voice: routing and refusals', () => {
  it('answers TwiML that connects the stream with the call id and a stream token as <Parameter>s', async () => {
    const answer = await ring(world, org);
    expect(answer.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response><Connect><Stream url="wss:\/\/voicex.test\/api\/twilio\/stream">/);
    expect(Object.keys(answer.parameters).sort()).toEqual(['callId', 'token']);
    const claims = world.server.app.svc.tokens.verifyStream(answer.parameters.token!);
    expect(claims).toEqual({ callId: answer.parameters.callId, orgId: org.orgId, channel: 'phone' });
    expect(await callRow(answer.parameters.callId!)).toMatchObject({ status: 'active', channel: 'phone', agent_id: org.agent._id, connected_at: null });
  });

  it('picks the agent by agentId, else by the dialled number, else the only active agent', async () => {
    const multi = await phoneOrg(world);
    const second = await multi.client.POST('/dashboard/agents', {
      body: { ...agentCopy(multi), name: 'Front desk', phoneNumber: '+14155550777' },
    });
    const byId = await ring(world, multi, { agentId: multi.agent._id, to: '+14155550777' });
    expect((await callRow(byId.parameters.callId!)).agent_id).toBe(multi.agent._id);
    const byNumber = await ring(world, multi, { to: '+14155550777' });
    expect((await callRow(byNumber.parameters.callId!)).agent_id).toBe(second.data!._id);
    // Two active agents and no match: nobody answers.
    const ambiguous = await ring(world, multi, { to: '+14155550000' });
    expect(ambiguous.say).toMatch(/no assistant/i);
    await multi.client.PATCH('/dashboard/agents/{id}', { params: { path: { id: second.data!._id } }, body: { active: false } });
    const onlyActive = await ring(world, multi, { to: '+14155550000' });
    expect((await callRow(onlyActive.parameters.callId!)).agent_id).toBe(multi.agent._id);
  });

  it("refuses another organization's agent id as no agent", async () => {
    const other = await phoneOrg(world);
    const answer = await ring(world, org, { agentId: other.agent._id });
    expect(answer.status).toBe(200);
    expect(answer.say).toMatch(/no assistant/i);
    expect(answer.body).toContain('<Hangup/>');
  });

  it('refuses a paused agent with <Say> and <Hangup/>', async () => {
    const paused = await phoneOrg(world);
    await paused.client.PATCH('/dashboard/agents/{id}', { params: { path: { id: paused.agent._id } }, body: { active: false } });
    const answer = await ring(world, paused);
    expect(answer.status).toBe(200);
    expect(answer.streamUrl).toBeNull();
    expect(answer.say).toMatch(/not available/i);
  });

  it('refuses every call of a suspended organization at once, and takes them again once reactivated', async () => {
    const suspended = await phoneOrg(world);
    expect((await ring(world, suspended)).streamUrl).toBeTruthy();
    await setOrgState(world.server, suspended.orgId, { status: 'suspended' });
    const refused = await ring(world, suspended);
    expect(refused.status).toBe(200);
    expect(refused.streamUrl).toBeNull();
    expect(refused.say).toMatch(/not available/i);
    await setOrgState(world.server, suspended.orgId, { status: 'active' });
    expect((await ring(world, suspended)).streamUrl).toBeTruthy();
  });

  it('holds the concurrent-call limit of the plan, also under parallel webhooks (free plan: 2 lines)', async () => {
    const free = await phoneOrg(world, { plan: 'free', voice: 'edge' });
    const first = await ring(world, free);
    const second = await ring(world, free);
    const third = await ring(world, free);
    expect(first.streamUrl && second.streamUrl).toBeTruthy();
    expect(third.streamUrl).toBeNull();
    expect(third.say).toMatch(/lines are busy/i);

    const parallel = await phoneOrg(world, { plan: 'free', voice: 'edge' });
    const answers = await Promise.all(Array.from({ length: 20 }, () => ring(world, parallel)));
    const accepted = answers.filter((a) => a.streamUrl).length;
    console.log(`race (${testDialect()}) parallel calls (limit 2): ${accepted} accepted, ${answers.length - accepted} refused; limits exceeded: ${Math.max(0, accepted - 2)}`);
    expect(answers.filter((a) => a.streamUrl).length).toBe(2);
    expect(answers.filter((a) => a.say).length).toBe(18);
  });

  it('refuses calls once the monthly minutes of the plan are used up', async () => {
    const busy = await phoneOrg(world, { plan: 'free', voice: 'edge' });
    await useUpMonthlyMinutes(world, busy.orgId);
    const answer = await ring(world, busy);
    expect(answer.say).toMatch(/calling time/i);
  });
});

describe('media stream authentication', () => {
  it('closes a stream whose token is forged, expired, of another call, or already used', async () => {
    const answer = await ring(world, org);
    const { tokens } = world.server.app.svc;
    const callId = answer.parameters.callId!;
    const other = await ring(world, org);
    const cases: Record<string, string>[] = [
      { callId, token: 'not-a-token' },
      { callId, token: tokens.signStream({ callId, orgId: org.orgId, channel: 'phone' }, -10) },
      { callId, token: tokens.signStream({ callId, orgId: org.orgId, channel: 'web' }, 60) },
      { callId, token: other.parameters.token! },
      { callId, token: world.server.app.svc.tokens.signSession({ userId: org.userId, orgId: org.orgId }) },
      { callId },
    ];
    for (const parameters of cases) {
      const stream = await connect(world, answer, parameters);
      expect(await stream.closed).toBe(1008);
    }
    const genuine = await connect(world, answer);
    await genuine.waitFor((s) => s.frames.length > 0, 10_000, 'greeting');
    const replay = await connect(world, answer);
    expect(await replay.closed).toBe(1008);
    await genuine.hangUp();
  });

  it('closes a socket that never sends start', async () => {
    const url = `${world.server.url.replace('http:', 'ws:')}/api/twilio/stream`;
    const ws = new (await import('ws')).WebSocket(url);
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send('garbage that is not JSON');
    ws.send(JSON.stringify({ event: 'media', media: { payload: 'AAAA' } }));
    expect(ws.readyState).toBe(ws.OPEN);
    ws.terminate();
  });

  it('does not accept WebSocket upgrades on other paths', async () => {
    const ws = new (await import('ws')).WebSocket(`${world.server.url.replace('http:', 'ws:')}/api/elsewhere`);
    const error = await new Promise<Error>((resolve) => ws.once('error', resolve));
    expect(error.message).toMatch(/404/);
  });
});

function agentCopy(target: PhoneOrg) {
  const a = target.agent;
  return {
    name: 'Copy',
    active: true,
    llmProviderId: a.llmProviderId,
    llmModelId: a.llmModelId,
    ttsProviderId: a.ttsProviderId,
    ttsModelId: a.ttsModelId,
    sttProviderId: a.sttProviderId,
  };
}

describe('signature check without any Twilio auth token', () => {
  it('accepts with a warning outside production', async () => {
    const open = await startPhoneWorld({ TWILIO_AUTH_TOKEN: '' });
    try {
      const o = await phoneOrg(open);
      const answer = await sendVoiceWebhook({ serverUrl: open.server.url, publicUrl: PUBLIC_URL, apiKey: o.apiKey });
      expect(answer.streamUrl).toBeTruthy();
      expect(open.server.logs.join('')).toMatch(/without signature check/);
    } finally {
      await open.stop();
    }
  });
});
