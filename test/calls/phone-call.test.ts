import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulawTone } from '../../src/voice/audio';
import { connect, phoneOrg, ring, startPhoneWorld, waitForCallEnd, type PhoneOrg, type PhoneWorld } from '../support/phone';

let world: PhoneWorld;
let org: PhoneOrg;
beforeAll(async () => {
  world = await startPhoneWorld();
  org = await phoneOrg(world);
});
afterAll(() => world.stop());

describe('a phone call end to end', () => {
  it('greets, hears the caller, answers while the LLM streams, and records the call with usage', async () => {
    const answer = await ring(world, org, { from: '+14155550100', to: '+14155550199' });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toContain('text/xml');
    expect(answer.streamUrl).toBe('wss://voicex.test/api/twilio/stream');
    const callId = answer.parameters.callId!;
    expect(answer.parameters.token).toBeTruthy();

    const reserved = await org.client.GET('/dashboard/calls/{id}', { params: { path: { id: callId } } });
    expect(reserved.data).toMatchObject({ status: 'active', channel: 'phone', from: '+14155550100', to: '+14155550199', twilioCallSid: answer.callSid });

    const stream = await connect(world, answer);
    stream.startLine();
    // The greeting comes first, as 160-byte frames followed by a mark.
    await stream.waitFor((s) => s.events.some((e) => e.event === 'mark'), 10_000, 'greeting mark');
    const firstMark = stream.events.findIndex((e) => e.event === 'mark');
    expect(firstMark).toBeGreaterThan(0);
    expect(stream.frames.every((f) => f.length === 160)).toBe(true);

    world.fakes.deepgram.say('I would like a table for two tonight');
    world.fakes.chat.configure({ reply: () => 'Of course. A table for two tonight. What time suits you?' });
    stream.speak(mulawTone(300, 900, 8000));
    const framesBefore = stream.frames.length;
    await stream.waitFor(() => world.fakes.chat.requests.length > 0, 10_000, 'LLM request');
    const request = world.fakes.chat.requests.at(-1)!;
    const messages = (request.body as { messages: Array<{ role: string; content: string }> }).messages;
    expect(messages[0]!.role).toBe('system');
    expect(messages[0]!.content).toContain('Luigi’s restaurant');
    expect(messages[0]!.content).toContain('Never discuss politics.');
    expect(messages.at(-1)).toEqual({ role: 'user', content: 'I would like a table for two tonight' });

    await stream.waitFor((s) => s.events.filter((e) => e.event === 'mark').length >= 2 && s.frames.length > framesBefore + 50, 15_000, 'reply audio');
    await stream.hangUp();
    await waitForCallEnd(world, org.orgId, callId);

    const { data: call } = await org.client.GET('/dashboard/calls/{id}', { params: { path: { id: callId } } });
    expect(call!.status).toBe('completed');
    expect(call!.endReason).toBe('caller_hangup');
    expect(call!.transcript.map((t) => t.role)).toEqual(['assistant', 'user', 'assistant']);
    expect(call!.transcript[1]!.text).toBe('I would like a table for two tonight');
    expect(call!.summary).toBeTruthy();
    expect(['positive', 'neutral', 'negative']).toContain(call!.sentiment);
    expect(call!.metrics.turnCount).toBe(1);
    expect(call!.metrics.ttfbMs).toBeGreaterThan(0);
    expect(call!.metrics.avgLatencyMs).toBe(call!.metrics.ttfbMs);
    expect(call!.metrics.ttsChars).toBeGreaterThan(20);
    expect(call!.metrics.totalTokens).toBeGreaterThan(0);
    expect(call!.metadata.turns).toHaveLength(1);
    expect(call!.durationSec).toBeGreaterThan(1);

    const { data: usage } = await org.client.GET('/dashboard/analytics/usage', { params: { query: { days: 1 } } });
    expect(usage![0]).toMatchObject({ calls: 1, minutes: Math.ceil(call!.durationSec / 60), ttsChars: call!.metrics.ttsChars });
    // Usage tokens add the summary's tokens to the conversation's.
    expect(usage![0]!.tokens).toBeGreaterThan(call!.metrics.totalTokens);
    expect(usage![0]!.sttSeconds).toBeGreaterThan(1);
  });
});
