import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessageLike } from '../fakes/openai-chat';
import { decodeWav, pcm16FromBytes, rms } from '../../src/voice/audio';
import { setOrgState } from '../support/factories';
import { PUBLIC_URL, TWILIO_TOKEN, phoneOrg, startPhoneWorld, type PhoneOrg, type PhoneWorld } from '../support/phone';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The fake ElevenLabs answers this much audio per character of text. */
const FAKE_TTS_SECONDS_PER_CHAR = 0.06;

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the simulator as a user would, against the test server and its fake STT. */
function simulate(world: PhoneWorld, org: PhoneOrg, args: string[]): Promise<Finished> {
  const child = spawn(
    'npx',
    [
      'tsx',
      'scripts/simulate-call.ts',
      ...['--api-key', org.apiKey, '--server', world.server.url, '--public-url', PUBLIC_URL],
      ...['--auth-token', TWILIO_TOKEN, '--stt-control', world.fakes.urls.deepgramControl],
      ...args,
    ],
    { cwd: ROOT, env: { ...process.env, TWILIO_AUTH_TOKEN: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  // A hung simulator must not outlive the test.
  const killer = setTimeout(() => child.kill('SIGKILL'), 80_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

const SUMMARY = 'The caller booked a table for two at seven tonight.';

/** The agent's LLM: a short answer per line, and the post-call summary as the JSON it is asked for. */
function restaurantReply(messages: ChatMessageLike[]): string {
  if (messages[0]?.content.startsWith('You summarize')) return JSON.stringify({ summary: SUMMARY, sentiment: 'positive' });
  return messages.at(-1)!.content.includes('table') ? 'Of course, a table for two tonight.' : 'Seven it is. See you then!';
}

let world: PhoneWorld;
let dir: string;
beforeAll(async () => {
  world = await startPhoneWorld();
  world.fakes.chat.configure({ reply: restaurantReply });
  dir = await mkdtemp(join(tmpdir(), 'voicex-simulator-'));
});
afterAll(async () => {
  await world.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('npm run simulate', () => {
  it('talks with the agent line by line, prints the live transcript and the call record, and saves the agent audio', async () => {
    const org = await phoneOrg(world);
    const wav = join(dir, 'agent.wav');
    const run = await simulate(world, org, [
      ...['--agent', org.agent._id, '--wav', wav],
      ...['--say', 'I would like a table for two tonight', '--say', 'At seven o’clock please'],
    ]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const out = run.stdout;

    // Live: the greeting, each caller line as it is sent, then the agent's audio answering it.
    expect(out).toMatch(/agent\s+speaking \(greeting\)/);
    const live = out.slice(0, out.indexOf('Transcript'));
    const first = live.indexOf('caller  “I would like a table for two tonight”');
    const second = live.indexOf('caller  “At seven o’clock please”');
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
    expect(live.slice(first, second)).toMatch(/agent\s+speaking, first audio \d+ ms after the caller stopped/);
    expect(live.slice(second)).toMatch(/agent\s+speaking, first audio \d+ ms after the caller stopped/);
    expect(live).toContain('caller  hangs up');

    // The record: what the fake STT heard and what the agent answered, in order, then summary and latencies.
    const transcript = out.slice(out.indexOf('Transcript'), out.indexOf('Summary'));
    expect(transcript.split('\n').filter((line) => line.startsWith('  ')).map((line) => line.trim())).toEqual([
      'agent   Hello, Luigi’s here.',
      'caller  I would like a table for two tonight',
      'agent   Of course, a table for two tonight.',
      'caller  At seven o’clock please',
      'agent   Seven it is. See you then!',
    ]);
    expect(out).toContain(`Summary     ${SUMMARY}`);
    expect(out).toContain('Sentiment   positive');
    expect(out).toMatch(/Metrics {5}2 turns, first response \d+ ms/);
    expect(out).toMatch(/Latency per turn \(ms\)\n.*turn.*stt.*llm first token.*tts first byte.*total\n\s+1 .*\n\s+2 /);
    expect(out).toMatch(/Call \w+: completed \(caller_hangup\)/);

    // The same call on the server, placed through the signed webhook.
    const callId = /connected: call (\w+)/.exec(out)![1]!;
    const { data: call } = await org.client.GET('/dashboard/calls/{id}', { params: { path: { id: callId } } });
    expect(call).toMatchObject({ status: 'completed', channel: 'phone', agentId: org.agent._id, summary: SUMMARY });
    expect(call!.transcript.map((t) => t.role)).toEqual(['assistant', 'user', 'assistant', 'user', 'assistant']);

    // The WAV holds the agent's voice (the fake's tone): as long as the fake TTS made it for what the agent said.
    const audio = decodeWav(await readFile(wav));
    expect(audio).toMatchObject({ encoding: 'pcm16', sampleRate: 8000, channels: 1 });
    const samples = pcm16FromBytes(audio.data);
    const seconds = samples.length / 8000;
    const spoken = call!.transcript.filter((t) => t.role === 'assistant').reduce((n, t) => n + t.text.length, 0);
    expect(seconds).toBeGreaterThan(spoken * FAKE_TTS_SECONDS_PER_CHAR * 0.85);
    expect(seconds).toBeLessThan(spoken * FAKE_TTS_SECONDS_PER_CHAR * 1.15 + 0.5);
    expect(rms(samples)).toBeGreaterThan(1000);
    expect(out).toContain(`Agent audio: ${wav} (${seconds.toFixed(1)} s, 8 kHz PCM16)`);
  }, 90_000);

  it('exits 1 with the spoken reason when the organization is suspended', async () => {
    const org = await phoneOrg(world);
    await setOrgState(world.server, org.orgId, { status: 'suspended' });
    const run = await simulate(world, org, ['--agent', org.agent._id, '--say', 'Hello?']);
    expect(run.code, run.stderr + run.stdout).toBe(1);
    expect(run.stdout).toContain('Refused: “Sorry, this service is not available right now. Goodbye.”');
    expect(run.stdout).not.toContain('connected');
  }, 60_000);

  it('exits 2 and says why when the signature does not match the server', async () => {
    const org = await phoneOrg(world);
    const run = await simulate(world, org, ['--agent', org.agent._id, '--auth-token', 'not-the-token']);
    expect(run.code, run.stderr + run.stdout).toBe(2);
    expect(run.stderr).toContain('error: the voice webhook answered 403: Invalid Twilio signature');
  }, 60_000);
});
