import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav, generateSilence, generateTone, pcm16ToBytes } from '../../src/voice/audio';
import { launchChromium } from '../support/browser';
import { phoneOrg, startPhoneWorld, waitForCallEnd, type PhoneOrg, type PhoneWorld } from '../support/phone';
import { sessionFor } from '../support/web-voice';

const RATE = 48_000;

/** What the fake microphone plays, in a loop: a pause, a second of "speech" (a tone the fake STT hears), a long pause. */
function callerWav(): Buffer {
  const parts = [generateSilence(2000, RATE), generateTone({ frequencyHz: 300, durationMs: 1000, sampleRate: RATE, amplitude: 9000 }), generateSilence(8000, RATE)];
  return encodeWav({ encoding: 'pcm16', sampleRate: RATE, channels: 1, data: Buffer.concat(parts.map(pcm16ToBytes)) });
}

let world: PhoneWorld;
let org: PhoneOrg;
let browser: Browser;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'voicex-mic-'));
  const wav = join(dir, 'caller.wav');
  await writeFile(wav, callerWav());
  browser = await launchChromium([
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-audio-capture=${wav}`,
    '--autoplay-policy=no-user-gesture-required',
  ]);
  world = await startPhoneWorld();
  org = await phoneOrg(world);
});
afterAll(async () => {
  await browser?.close();
  await world?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('GET /api/voice/demo in Chromium with a fake microphone', () => {
  it('talks to the agent: live transcript on the page, call recorded with channel web', { timeout: 90_000 }, async () => {
    world.fakes.deepgram.say('I would like a table for two tonight');
    world.fakes.chat.configure({ reply: () => 'Of course. What time suits you?' });
    const page = await browser.newPage();
    page.setDefaultTimeout(20_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    const response = await page.goto(`${world.server.apiUrl}/voice/demo`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');

    await page.fill('#api-key', org.apiKey);
    await page.dispatchEvent('#api-key', 'change');
    await expect.poll(() => page.locator('#agent option').allTextContents()).toEqual([org.agent.name]);
    await page.click('#talk');
    await expect.poll(() => page.locator('#status').getAttribute('data-state'), { timeout: 20_000 }).not.toMatch(/idle|connecting/);
    expect({ status: await page.locator('#status').textContent(), errors }).toMatchObject({ status: expect.stringMatching(/^Connected/) });

    const transcript = page.locator('#transcript');
    await transcript.locator('li.assistant', { hasText: 'Hello, Luigi’s here.' }).waitFor();
    await transcript.locator('li.user:not(.interim)', { hasText: 'I would like a table for two tonight' }).waitFor({ timeout: 30_000 });
    await transcript.locator('li.assistant', { hasText: 'Of course. What time suits you?' }).waitFor();
    const callId = /call (\w+)/.exec((await page.locator('#status').textContent()) ?? '')?.[1];
    expect(callId).toBeTruthy();

    await page.click('#hangup');
    await page.locator('#status[data-state="ended"]').waitFor();
    await expect(page.locator('#status').textContent()).resolves.toContain('caller_hangup');
    await waitForCallEnd(world, org.orgId, callId!);
    const { data: call } = await org.client.GET('/dashboard/calls/{id}', { params: { path: { id: callId! } } });
    expect(call).toMatchObject({ channel: 'web', status: 'completed', endReason: 'caller_hangup' });
    expect(call!.transcript.slice(0, 3).map((t) => [t.role, t.text])).toEqual([
      ['assistant', 'Hello, Luigi’s here.'],
      ['user', 'I would like a table for two tonight'],
      ['assistant', 'Of course. What time suits you?'],
    ]);
    expect(call!.summary).toBeTruthy();
    expect(errors).toEqual([]);
  });

  it('talks with a pasted session token, the API key staying on the server', { timeout: 60_000 }, async () => {
    const session = await sessionFor(world, org);
    const page = await browser.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${world.server.apiUrl}/voice/demo`);
    await page.fill('#session-token', session.token);
    await page.click('#talk');
    await page.locator('#transcript li.assistant', { hasText: 'Hello, Luigi’s here.' }).waitFor();
    await expect(page.locator('#status').textContent()).resolves.toContain(session.sessionId);
    await page.click('#hangup');
    await page.locator('#status[data-state="ended"]').waitFor();
    await waitForCallEnd(world, org.orgId, session.sessionId, { summarized: false });
    const { data: call } = await org.client.GET('/dashboard/calls/{id}', { params: { path: { id: session.sessionId } } });
    expect(call).toMatchObject({ channel: 'web', status: 'completed', endReason: 'caller_hangup' });
  });
});
