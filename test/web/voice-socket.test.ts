import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPlan } from '../../src/db/repositories/plans';
import { DEFAULT_PLANS } from '../../src/db/seed';
import { mulawToPcm16, pcm16FromBytes, rms } from '../../src/voice/audio';
import { setOrgState } from '../support/factories';
import { callRow, phoneOrg, ring, startPhoneWorld, waitForCallEnd, type PhoneOrg, type PhoneWorld } from '../support/phone';
import { sessionFor, socketUrlOnServer, speechTone, WebVoiceSocket } from '../support/web-voice';

let world: PhoneWorld;
let org: PhoneOrg;
beforeAll(async () => {
  world = await startPhoneWorld();
  org = await phoneOrg(world);
});
afterAll(() => world.stop());

const open = (wsUrl: string) => WebVoiceSocket.open(socketUrlOnServer(world, wsUrl));
const getCall = (o: PhoneOrg, id: string) => o.client.GET('/dashboard/calls/{id}', { params: { path: { id } } }).then((r) => r.data!);
const greeted = (s: WebVoiceSocket) => s.of('transcript').some((t) => t.role === 'assistant' && t.final);
const joined = (chunks: Buffer[]) => Buffer.concat(chunks);

describe('the web voice socket', () => {
  it('talks PCM16 16 kHz both ways and records the call with channel web, like a phone call', async () => {
    const session = await sessionFor(world, org);
    const socket = await open(session.wsUrl);
    socket.start();
    await socket.waitFor(greeted, 10_000, 'greeting');
    expect(socket.messages[0]).toEqual({ type: 'ready', callId: session.sessionId, format: 'pcm16', sampleRate: 16_000 });
    expect(socket.of('agentSpeaking').map((m) => m.speaking)).toEqual([true, false]);
    expect(socket.of('transcript')).toEqual([{ type: 'transcript', role: 'assistant', text: 'Hello, Luigi’s here.', final: true }]);
    // The greeting's 8 kHz mu-law frames arrive upsampled: 320 samples (640 bytes) per 20 ms, audibly not silence.
    const greeting = joined(socket.audio);
    expect(greeting.length % 2).toBe(0);
    expect(greeting.length).toBeGreaterThan(640 * 20);
    expect(socket.audio.slice(1).every((chunk) => chunk.length === 640)).toBe(true);
    expect(rms(pcm16FromBytes(greeting))).toBeGreaterThan(500);

    world.fakes.deepgram.say('I would like a table for two tonight');
    world.fakes.chat.configure({ reply: () => 'Of course. A table for two tonight. What time suits you?' });
    socket.speak(speechTone('pcm16', 900));
    await socket.waitFor((s) => s.of('transcript').filter((t) => t.role === 'assistant' && t.final).length >= 2, 15_000, 'answer');
    const lines = socket.of('transcript');
    expect(lines.some((t) => t.role === 'user' && !t.final)).toBe(true);
    expect(lines.filter((t) => t.final).map((t) => [t.role, t.text])).toEqual([
      ['assistant', 'Hello, Luigi’s here.'],
      ['user', 'I would like a table for two tonight'],
      ['assistant', 'Of course. A table for two tonight. What time suits you?'],
    ]);

    socket.send({ type: 'ping', id: 7 });
    await socket.waitFor((s) => s.of('pong').length > 0, 5000, 'pong');
    expect(socket.of('pong')).toEqual([{ type: 'pong', id: 7 }]);

    expect(await socket.stop()).toMatchObject({ code: 1000 });
    expect(socket.messages.at(-1)).toEqual({ type: 'callEnded', reason: 'caller_hangup' });
    await waitForCallEnd(world, org.orgId, session.sessionId);
    const call = await getCall(org, session.sessionId);
    expect(call).toMatchObject({ channel: 'web', status: 'completed', endReason: 'caller_hangup', from: null, to: null });
    expect(call.transcript.map((t) => t.role)).toEqual(['assistant', 'user', 'assistant']);
    expect(call.summary).toBeTruthy();
    expect(['positive', 'neutral', 'negative']).toContain(call.sentiment);
    expect(call.metrics.turnCount).toBe(1);
    expect(call.metrics.ttfbMs).toBeGreaterThan(0);
    expect(call.metrics.ttsChars).toBeGreaterThan(20);
    expect(call.durationSec).toBeGreaterThan(1);
    const { data: usage } = await org.client.GET('/dashboard/analytics/usage', { params: { query: { days: 1 } } });
    expect(usage![0]).toMatchObject({ calls: 1, ttsChars: call.metrics.ttsChars });
    expect(usage![0]!.sttSeconds).toBeGreaterThan(1);
    const { data: webCalls } = await org.client.GET('/dashboard/calls', { params: { query: { channel: 'web' } } });
    expect(webCalls!.map((c) => c._id)).toContain(session.sessionId);
  }, 40_000);

  it('talks mu-law 8 kHz when start asks for it: agent audio in 160-byte frames', async () => {
    const session = await sessionFor(world, org);
    const socket = await open(session.wsUrl);
    socket.start('mulaw');
    await socket.waitFor(greeted, 10_000, 'greeting');
    expect(socket.messages[0]).toMatchObject({ type: 'ready', format: 'mulaw', sampleRate: 8000 });
    expect(socket.audio.length).toBeGreaterThan(20);
    expect(socket.audio.every((frame) => frame.length === 160)).toBe(true);
    expect(rms(mulawToPcm16(joined(socket.audio)))).toBeGreaterThan(500);

    world.fakes.deepgram.say('Do you have a garden');
    world.fakes.chat.configure({ reply: () => 'Yes, we have a garden.' });
    socket.speak(speechTone('mulaw', 900));
    await socket.waitFor((s) => s.of('transcript').some((t) => t.role === 'user' && t.final), 15_000, 'caller words');
    expect(socket.of('transcript').find((t) => t.role === 'user' && t.final)!.text).toBe('Do you have a garden');
    await socket.stop();
    await waitForCallEnd(world, org.orgId, session.sessionId);
    expect((await getCall(org, session.sessionId)).transcript[1]).toMatchObject({ role: 'user', text: 'Do you have a garden' });
  }, 30_000);

  it('barge-in: caller speech over the agent sends interrupted and keeps only what was heard', async () => {
    const long =
      'Welcome to Luigi’s. Our menu has many dishes. We serve fresh pasta made every morning by our chef. ' +
      'There is also a wide selection of pizzas from the wood fired oven. For dessert there is tiramisu.';
    const talker = await phoneOrg(world, { agent: { persona: { systemPrompt: 'You are the host.', greeting: long } } });
    world.fakes.deepgram.say('Wait, I have a question');
    world.fakes.chat.configure({ reply: () => 'Sure, go ahead.' });
    const session = await sessionFor(world, talker);
    const socket = await open(session.wsUrl);
    socket.start();
    await socket.waitFor((s) => s.audio.length > 50, 10_000, 'greeting audio');
    socket.speak(speechTone('pcm16', 800));
    await socket.waitFor((s) => s.of('interrupted').length > 0, 10_000, 'interrupted');
    expect(socket.of('agentSpeaking').map((m) => m.speaking)).toEqual([true, false]);
    const cut = socket.of('transcript').find((t) => t.role === 'assistant')!;
    expect(long.startsWith(cut.text)).toBe(true);
    expect(cut.text.length).toBeLessThan(long.length);
    await socket.stop();
    await waitForCallEnd(world, talker.orgId, session.sessionId);
    const call = await getCall(talker, session.sessionId);
    expect(call.metrics.interruptions).toBe(1);
    expect(call.transcript[0]).toMatchObject({ role: 'assistant', interrupted: true, text: cut.text });
  }, 30_000);

  it('closes 4008 with callEnded max_duration when the plan limit is reached', async () => {
    const pro = DEFAULT_PLANS.find((p) => p.slug === 'pro')!;
    // Below the API's 30 s minimum, straight in the database, to keep the test short.
    await insertPlan(world.server.app.svc.db, { ...pro, slug: 'web-tiny', name: 'Web tiny', custom: true, public: false, limits: { ...pro.limits, maxCallDurationSec: 2 } });
    const short = await phoneOrg(world);
    await setOrgState(world.server, short.orgId, { planSlug: 'web-tiny' });
    const session = await sessionFor(world, short);
    const socket = await open(session.wsUrl);
    socket.start();
    expect((await socket.closed).code).toBe(4008);
    expect(socket.messages.at(-1)).toEqual({ type: 'callEnded', reason: 'max_duration' });
    await waitForCallEnd(world, short.orgId, session.sessionId);
    expect(await getCall(short, session.sessionId)).toMatchObject({ channel: 'web', status: 'completed', endReason: 'max_duration' });
  }, 30_000);
});

describe('web voice socket refusals', () => {
  it('closes 4001 for a forged, expired, phone-channel or already used token', async () => {
    const { tokens } = world.server.app.svc;
    const used = await sessionFor(world, org);
    const first = await open(used.wsUrl);
    first.start();
    await first.waitFor((s) => s.of('ready').length > 0, 10_000, 'ready');
    const fresh = await sessionFor(world, org);
    const phone = await ring(world, org);
    const base = new URL(fresh.wsUrl);
    const withToken = (token: string) => Object.assign(new URL(base), { search: `?token=${encodeURIComponent(token)}` }).toString();
    const urls = {
      forged: withToken('not-a-token'),
      expired: withToken(tokens.signStream({ callId: fresh.sessionId, orgId: org.orgId, channel: 'web' }, -10)),
      phone: withToken(phone.parameters.token!),
      missing: `${base.origin}${base.pathname}`,
      used: used.wsUrl,
    };
    for (const [name, url] of Object.entries(urls)) {
      const socket = await open(url);
      socket.start();
      const closed = await socket.closed;
      expect(closed.code, name).toBe(4001);
      expect(socket.of('error'), name).toHaveLength(1);
    }
    await first.stop();
    // The phone call's slot is untouched by the refused web attempt.
    expect((await callRow(world, phone.parameters.callId!)).connected_at).toBeNull();
  }, 30_000);

  it('closes 4003 when the agent was switched off after the session was created', async () => {
    const paused = await phoneOrg(world);
    const session = await sessionFor(world, paused);
    await paused.client.PATCH('/dashboard/agents/{id}', { params: { path: { id: paused.agent._id } }, body: { active: false } });
    const socket = await open(session.wsUrl);
    socket.start();
    expect((await socket.closed).code).toBe(4003);
    expect(socket.of('error')[0]!.message).toMatch(/cannot take calls/);
    expect(await callRow(world, session.sessionId)).toMatchObject({ status: 'failed', end_reason: 'agent_unavailable' });
  });

  it('answers malformed messages with error and keeps the socket; closes 4000 when start never comes', async () => {
    const session = await sessionFor(world, org);
    const socket = await open(session.wsUrl);
    socket.ws.send('not json');
    socket.send({ type: 'dance' });
    socket.send({ type: 'start', format: 'opus' });
    const closed = await socket.closed;
    expect(closed.code).toBe(4000);
    expect(socket.of('error').map((e) => e.message)).toEqual([
      'text frames must be JSON',
      'unknown message type "dance"',
      'start.format is "pcm16" or "mulaw"',
      'no start message within 10 s',
    ]);
    await expect.poll(async () => (await callRow(world, session.sessionId)).end_reason, { timeout: 5000 }).toBe('never_connected');
  }, 20_000);
});
