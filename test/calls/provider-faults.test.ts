/**
 * Vendor faults in the middle of a real phone call (server, Twilio media stream, fake vendors on the wire): the
 * caller hears an apology instead of a dead line, the call goes on, and the call is recorded when it ends.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mulawTone } from '../../src/voice/audio';
import { stockPhrases } from '../../src/voice/conversation/phrases';
import type { TwilioStream } from '../../scripts/lib/twilio-caller';
import type { ChatFault } from '../fakes/openai-chat';
import { connect, phoneOrg, ring, startPhoneWorld, waitForCallEnd, type PhoneOrg, type PhoneWorld } from '../support/phone';

let world: PhoneWorld;
beforeAll(async () => {
  world = await startPhoneWorld();
  // Shorter agent audio: the faults, not the playback, are under test.
  world.fakes.elevenlabs.configure({ msPerChar: 15 });
});
afterEach(() => {
  world.fakes.chat.configure({ fault: undefined, pauseAfterTokens: undefined });
  world.fakes.chat.resume();
  world.fakes.elevenlabs.configure({ fault: undefined });
});
afterAll(() => world.stop());

const APOLOGY = stockPhrases('en').apology;
const QUESTION = 'Do you have parking';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const spokenTexts = () => world.fakes.elevenlabs.requests.map((r) => String(r.body.text));
const marks = (stream: TwilioStream) => stream.events.filter((e) => e.event === 'mark').length;

interface LiveCall {
  org: PhoneOrg;
  callId: string;
  stream: TwilioStream;
}

async function callAndHearGreeting(): Promise<LiveCall> {
  const org = await phoneOrg(world);
  const answer = await ring(world, org);
  const stream = await connect(world, answer);
  stream.startLine();
  await stream.waitFor((s) => marks(s) >= 1, 10_000, 'greeting played');
  return { org, callId: answer.parameters.callId!, stream };
}

/** The caller says `text` and the agent's spoken answer (whatever it is) has been played out. */
async function sayAndWaitForAnswer(call: LiveCall, text: string, answered: () => boolean, what: string): Promise<void> {
  const marksBefore = marks(call.stream);
  world.fakes.deepgram.say(text);
  call.stream.speak(mulawTone(300, 600, 8000));
  await call.stream.waitFor(answered, 25_000, what);
  await call.stream.waitFor((s) => marks(s) > marksBefore, 15_000, `${what} played`);
  await sleep(200);
}

async function hangUpAndFetch(call: LiveCall) {
  await call.stream.hangUp();
  await waitForCallEnd(world, call.org.orgId, call.callId);
  const { data } = await call.org.client.GET('/dashboard/calls/{id}', { params: { path: { id: call.callId } } });
  return data!;
}

const answeredNormally = (from: number) => () => spokenTexts().slice(from).some((t) => t.startsWith('Sure, I can help'));

describe('provider faults during a phone call', () => {
  const llmFaults: Array<[string, ChatFault]> = [
    ['answers 500', { type: 'status', status: 500 }],
    ['sends garbage mid-stream', { type: 'garbage', afterTokens: 3 }],
    ['resets the connection mid-stream', { type: 'reset', afterTokens: 2 }],
    ['never answers', { type: 'hang' }],
    ['sends headers, then silence', { type: 'hang-after-headers' }],
  ];

  it.each(llmFaults)('LLM %s: the caller hears an apology, the next turn is answered, the call is recorded', async (_what, fault) => {
    const call = await callAndHearGreeting();
    world.fakes.chat.configure({ fault });
    const spokenBefore = spokenTexts().length;
    await sayAndWaitForAnswer(call, QUESTION, () => spokenTexts().slice(spokenBefore).includes(APOLOGY), 'apology');

    world.fakes.chat.configure({ fault: undefined });
    const afterApology = spokenTexts().length;
    await sayAndWaitForAnswer(call, QUESTION, answeredNormally(afterApology), 'answer after the fault');

    const record = await hangUpAndFetch(call);
    expect(record).toMatchObject({ status: 'completed', endReason: 'caller_hangup' });
    const assistant = record.transcript.filter((t) => t.role === 'assistant').map((t) => t.text);
    expect(assistant).toContain(APOLOGY);
    expect(assistant.at(-1)).toMatch(/^Sure, I can help/);
    expect(record.transcript.filter((t) => t.role === 'user').map((t) => t.text)).toEqual([QUESTION, QUESTION]);
    expect(record.metrics.turnCount).toBe(1);
  }, 60_000);

  it('TTS answers 500: the turn ends without a dead line, the next turn is spoken, the call is recorded', async () => {
    const call = await callAndHearGreeting();
    world.fakes.elevenlabs.configure({ fault: { type: 'status', status: 500 } });
    const llmBefore = world.fakes.chat.requests.length;
    const ttsBefore = world.fakes.elevenlabs.requests.length;
    world.fakes.deepgram.say(QUESTION);
    call.stream.speak(mulawTone(300, 600, 8000));
    await call.stream.waitFor(() => world.fakes.chat.requests.length > llmBefore && world.fakes.elevenlabs.requests.length > ttsBefore, 15_000, 'failed TTS request');
    await sleep(500);

    world.fakes.elevenlabs.configure({ fault: undefined });
    const afterFault = spokenTexts().length;
    await sayAndWaitForAnswer(call, QUESTION, answeredNormally(afterFault), 'answer after the fault');

    const record = await hangUpAndFetch(call);
    expect(record).toMatchObject({ status: 'completed', endReason: 'caller_hangup' });
    expect(record.transcript.filter((t) => t.role === 'user')).toHaveLength(2);
    expect(record.transcript.at(-1)!.text).toMatch(/^Sure, I can help/);
  }, 60_000);

  it('the STT socket drops: it is reopened and the caller is still heard', async () => {
    const call = await callAndHearGreeting();
    const connectionsBefore = world.fakes.deepgram.connections.length;
    world.fakes.deepgram.dropAll(1011, 'NET-0000 internal error');
    await call.stream.waitFor(() => world.fakes.deepgram.connections.length > connectionsBefore, 10_000, 'STT reopened');
    const before = spokenTexts().length;
    await sayAndWaitForAnswer(call, QUESTION, answeredNormally(before), 'answer after the reconnect');

    const record = await hangUpAndFetch(call);
    expect(record).toMatchObject({ status: 'completed', endReason: 'caller_hangup' });
    expect(record.transcript.map((t) => t.role)).toEqual(['assistant', 'user', 'assistant']);
  }, 60_000);

  it('the caller hangs up while the LLM is still streaming: the request is cut off and the call recorded as completed', async () => {
    const call = await callAndHearGreeting();
    world.fakes.chat.configure({ pauseAfterTokens: 4 });
    const llmBefore = world.fakes.chat.requests.length;
    world.fakes.deepgram.say(QUESTION);
    call.stream.speak(mulawTone(300, 600, 8000));
    await call.stream.waitFor(() => world.fakes.chat.requests.length > llmBefore, 15_000, 'LLM request');
    await sleep(300);
    const cut = world.fakes.chat.requests[llmBefore]!;
    // The summary after the call must not be held by the pause.
    world.fakes.chat.configure({ pauseAfterTokens: undefined });

    const record = await hangUpAndFetch(call);
    world.fakes.chat.resume();
    expect(record).toMatchObject({ status: 'completed', endReason: 'caller_hangup' });
    expect(cut.clientClosedEarly).toBe(true);
    expect(record.transcript.filter((t) => t.role === 'user').map((t) => t.text)).toEqual([QUESTION]);
  }, 60_000);
});
