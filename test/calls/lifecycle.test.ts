import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCall } from '../../src/db/repositories/calls';
import { insertPlan } from '../../src/db/repositories/plans';
import { DEFAULT_PLANS } from '../../src/db/seed';
import { mulawTone } from '../../src/voice/audio';
import { setOrgState } from '../support/factories';
import { connect, phoneOrg, PUBLIC_URL, ring, startPhoneWorld, TWILIO_TOKEN, waitForCallEnd, type PhoneOrg, type PhoneWorld } from '../support/phone';

let world: PhoneWorld;
beforeAll(async () => {
  world = await startPhoneWorld({ CALL_CONNECT_TIMEOUT_MS: '300', CALL_STALE_MS: '1000' });
});
afterAll(() => world.stop());

const getCall = (org: PhoneOrg, id: string) => org.client.GET('/dashboard/calls/{id}', { params: { path: { id } } }).then((r) => r.data!);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('call lifecycle', () => {
  it('ends the call politely at the max duration, the smaller of agent threshold and plan limit', async () => {
    const pro = DEFAULT_PLANS.find((p) => p.slug === 'pro')!;
    // Below the API's 30 s minimum, straight in the database, to keep the test short.
    await insertPlan(world.server.app.svc.db, { ...pro, slug: 'tiny', name: 'Tiny', custom: true, public: false, limits: { ...pro.limits, maxCallDurationSec: 3 } });
    const org = await phoneOrg(world);
    await setOrgState(world.server, org.orgId, { planSlug: 'tiny' });
    const answer = await ring(world, org);
    const stream = await connect(world, answer);
    stream.startLine();
    const code = await stream.closed;
    expect(code).toBe(1000);
    await waitForCallEnd(world, org.orgId, answer.parameters.callId!);
    const call = await getCall(org, answer.parameters.callId!);
    expect(call).toMatchObject({ status: 'completed', endReason: 'max_duration' });
    expect(call.durationSec).toBeGreaterThanOrEqual(3);
    expect(call.durationSec).toBeLessThan(15);
    // The goodbye was said before hanging up.
    expect(call.transcript.at(-1)!.role).toBe('assistant');
  }, 30_000);

  it('barge-in over the phone: the server sends clear, counts the interruption and keeps the heard part', async () => {
    const org = await phoneOrg(world);
    const long =
      'Our menu has many dishes. We serve fresh pasta made every morning by our chef. ' +
      'There is also a wide selection of pizzas from the wood fired oven. For dessert there is tiramisu.';
    world.fakes.chat.configure({ reply: (messages) => (messages.length <= 3 ? long : 'Sure, go ahead.') });
    world.fakes.deepgram.say('What is on the menu', 'Wait, I have a question');
    const requestsBefore = world.fakes.chat.requests.length;
    const answer = await ring(world, org);
    const stream = await connect(world, answer);
    stream.startLine();
    await stream.waitFor((s) => s.events.some((e) => e.event === 'mark'), 10_000, 'greeting');
    stream.speak(mulawTone(300, 600, 8000));
    await stream.waitFor((s) => s.events.filter((e) => e.event === 'mark').length >= 2, 10_000, 'first answer sentence');
    await sleep(300);
    stream.speak(mulawTone(300, 700, 8000));
    await stream.waitFor((s) => s.events.some((e) => e.event === 'clear'), 10_000, 'clear');
    await stream.waitFor(() => world.fakes.chat.requests.length >= requestsBefore + 2, 10_000, 'answer to the interruption');
    await sleep(1500);
    await stream.hangUp();
    await waitForCallEnd(world, org.orgId, answer.parameters.callId!);
    const call = await getCall(org, answer.parameters.callId!);
    expect(call.metrics.interruptions).toBe(1);
    const cut = call.transcript.find((t) => t.interrupted)!;
    expect(long.startsWith(cut.text)).toBe(true);
    expect(cut.text.length).toBeLessThan(long.length);
  }, 40_000);

  it('releases a reserved slot whose stream never connects', async () => {
    const org = await phoneOrg(world, { plan: 'free', voice: 'edge' });
    const first = await ring(world, org);
    await ring(world, org);
    expect((await ring(world, org)).streamUrl).toBeNull();
    await sleep(400);
    await world.server.app.svc.calls.tick();
    expect(await getCall(org, first.parameters.callId!)).toMatchObject({ status: 'failed', endReason: 'never_connected' });
    expect((await ring(world, org)).streamUrl).toBeTruthy();
  });

  it('closes calls whose process stopped heartbeating (a crash) as failed, and leaves live calls alone', async () => {
    const org = await phoneOrg(world);
    const { db } = world.server.app.svc;
    const dead = await insertCall(db, {
      orgId: org.orgId,
      agentId: org.agent._id,
      agentName: org.agent.name,
      channel: 'phone',
      from: null,
      to: null,
      twilioCallSid: null,
      instanceId: 'crashed-process',
    });
    await db.updateTable('calls').set({ connected_at: dead.startedAt, heartbeat_at: new Date(Date.now() - 60_000).toISOString() }).where('id', '=', dead.id).execute();
    const live = await ring(world, org);
    const stream = await connect(world, live);
    stream.startLine();
    await stream.waitFor((s) => s.frames.length > 0, 10_000, 'greeting');
    await sleep(1200); // beyond CALL_STALE_MS: only a heartbeating process keeps its calls
    await world.server.app.svc.calls.tick();
    expect(await getCall(org, dead.id)).toMatchObject({ status: 'failed', endReason: 'server_lost' });
    expect((await getCall(org, live.parameters.callId!)).status).toBe('active');
    await stream.hangUp();
  });

  it('closes calls Twilio reports ended through the status callback', async () => {
    const org = await phoneOrg(world);
    const answer = await ring(world, org);
    const path = `/api/twilio/status?api_key=${org.apiKey}`;
    const params = { CallSid: answer.callSid, CallStatus: 'no-answer', AccountSid: `AC${'0'.repeat(32)}` };
    const post = (signature: string) =>
      fetch(`${world.server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(params),
      });
    expect((await post('forged')).status).toBe(403);
    const response = await post(twilio.getExpectedTwilioSignature(TWILIO_TOKEN, `${PUBLIC_URL}${path}`, params));
    expect(response.status).toBe(204);
    expect(await getCall(org, answer.parameters.callId!)).toMatchObject({ status: 'failed', endReason: 'twilio_no_answer' });
  });

  it('a caller hanging up while the agent speaks ends the call as completed', async () => {
    const org = await phoneOrg(world, { agent: { persona: { greeting: 'Hello and welcome to Luigi’s. We are open every day from noon until late in the evening, and we would love to have you.' } } });
    const answer = await ring(world, org);
    const stream = await connect(world, answer);
    stream.startLine();
    await stream.waitFor((s) => s.frames.length > 20, 10_000, 'greeting under way');
    await stream.hangUp();
    await waitForCallEnd(world, org.orgId, answer.parameters.callId!);
    const call = await getCall(org, answer.parameters.callId!);
    expect(call).toMatchObject({ status: 'completed', endReason: 'caller_hangup' });
  });
});
