/**
 * Hostile frames on the media stream: anything over 64 KiB closes the socket with 1009 (before and during a
 * call), and malformed or unexpected frames are ignored while the call goes on and is recorded. Prints counts.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamUrlOnServer } from '../../scripts/lib/twilio-caller';
import { callRow, connect, phoneOrg, PUBLIC_URL, ring, startPhoneWorld, waitForCallEnd, type PhoneOrg, type PhoneWorld } from '../support/phone';

const MAX_PAYLOAD = 64 * 1024;
const CLOSE_TOO_BIG = 1009;

let world: PhoneWorld;
let org: PhoneOrg;
beforeAll(async () => {
  world = await startPhoneWorld();
  org = await phoneOrg(world);
});
afterAll(() => world.stop());

const callStatus = async (callId: string) => (await callRow(world, callId)).status;

describe('frames over 64 KiB', () => {
  it('close a socket that has not started with 1009', async () => {
    const answer = await ring(world, org);
    const ws = new WebSocket(streamUrlOnServer(answer.streamUrl!, PUBLIC_URL, world.server.url));
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    ws.on('error', () => {});
    ws.send(Buffer.alloc(MAX_PAYLOAD + 1, 0x41));
    expect(await closed).toBe(CLOSE_TOO_BIG);
  });

  it('close a live call with 1009 and the call is closed, not left active', async () => {
    const answer = await ring(world, org);
    const stream = await connect(world, answer);
    stream.startLine();
    await stream.waitFor((s) => s.events.some((e) => e.event === 'mark'), 10_000, 'greeting');
    stream.ws.on('error', () => {});
    stream.ws.send(JSON.stringify({ event: 'media', media: { payload: 'A'.repeat(MAX_PAYLOAD) } }));
    expect(await stream.closed).toBe(CLOSE_TOO_BIG);
    await waitForCallEnd(world, org.orgId, answer.parameters.callId!, { summarized: false });
    expect(await callStatus(answer.parameters.callId!)).not.toBe('active');
    expect((await fetch(`${world.server.apiUrl}/health`)).status).toBe(200);
  });
});

describe('malformed frames mid-call', () => {
  it('are ignored; the call goes on and is recorded as completed', async () => {
    const answer = await ring(world, org);
    const callId = answer.parameters.callId!;
    const stream = await connect(world, answer);
    stream.startLine();
    await stream.waitFor((s) => s.events.some((e) => e.event === 'mark'), 10_000, 'greeting');
    const hostile: Array<string | Buffer> = [
      'not json',
      'null',
      '[]',
      '42',
      '{"event":"media"}',
      '{"event":"media","media":{"payload":"!!! not base64 !!!"}}',
      '{"event":"media","media":{"payload":12}}',
      '{"event":"unknown","x":1}',
      '{"event":"start"}',
      `{"event":"start","start":{"streamSid":"MZother","customParameters":{"callId":"${callId}","token":"forged"}}}`,
      '{"event":"mark","mark":{}}',
      '{"event":"mark","mark":{"name":"never-sent"}}',
      '{"event":"dtmf","dtmf":{"digit":"not a digit"}}',
      '{"event":"dtmf"}',
      '{"__proto__":{"polluted":true},"event":"media"}',
      JSON.stringify({ event: 'media', media: { payload: Buffer.alloc(40_000, 0xff).toString('base64') } }),
      Buffer.alloc(1000, 0x00),
      '{' + '"a":{'.repeat(2000) + '}'.repeat(2001),
    ];
    for (const frame of hostile) stream.ws.send(frame);
    const framesBefore = stream.frames.length;
    // The call still talks: the caller speaks and the agent answers.
    world.fakes.deepgram.say('Are you still there?');
    world.fakes.chat.configure({ reply: () => 'Yes, I am here.' });
    stream.speak(Buffer.alloc(8000, 0x7f));
    await stream.waitFor((s) => s.frames.length > framesBefore + 20, 15_000, 'agent audio after the hostile frames');
    await stream.hangUp();
    await waitForCallEnd(world, org.orgId, callId, { summarized: false });
    console.log(`[stream-frames] ${hostile.length} malformed frames sent mid-call; call ${await callStatus(callId)}, socket closed ${stream.closeCode}`);
    expect(await callStatus(callId)).toBe('completed');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
