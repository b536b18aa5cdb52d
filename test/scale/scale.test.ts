/**
 * Three separate server processes on one fresh Postgres database, as behind a load balancer: limits and one-time
 * rules hold across processes, revocations reach every process within the cache TTL, and a process that dies
 * mid-call has its calls reaped by the others.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Schemas } from '../../generated/client';
import { sendVoiceWebhook, TwilioStream } from '../../scripts/lib/twilio-caller';
import { startAllFakes, type RunningFakes } from '../fakes/serve';
import { POSTGRES_URL } from '../support/database';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { processClient, setUpProcessWorld, type ProcessWorld } from '../support/process-world';

const PUBLIC_URL = 'https://voicex.test';
const TWILIO_TOKEN = 'scale-test-twilio-token-0123456789';
const HEARTBEAT_MS = 300;
const STALE_MS = 1500;
const AUTH_CACHE_MS = 500;

let database: string;
let fakes: RunningFakes;
let servers: ServerProcess[] = [];
const databaseUrl = () => {
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${database}`;
  return url.toString();
};
const admin = () => new pg.Client({ connectionString: POSTGRES_URL });
const client = processClient;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  database = `voicex_scale_${randomBytes(4).toString('hex')}`;
  const c = admin();
  await c.connect();
  await c.query(`CREATE DATABASE ${database}`);
  await c.end();
  fakes = await startAllFakes();
  const env = {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl(),
    JWT_SECRET: 'scale-test-jwt-secret-0123456789abcdef0123456789',
    ENCRYPTION_KEY: 'ab'.repeat(32),
    PUBLIC_URL,
    TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
    CALL_HEARTBEAT_MS: String(HEARTBEAT_MS),
    CALL_STALE_MS: String(STALE_MS),
  };
  servers = await Promise.all([0, 1, 2].map(() => startServerProcess(env)));
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop('SIGKILL')));
  await fakes?.close();
  const c = admin();
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await c.end();
});

let w: ProcessWorld;

describe('three processes on one Postgres', () => {
  it('20 parallel agent creates spread over the processes never exceed the plan (starter: 5)', async () => {
    w = await setUpProcessWorld(servers[0]!, fakes.urls);
    const org = await w.newOrg('starter');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => client(servers[i % 3]!, { apiKey: org.apiKey }).POST('/dashboard/agents', { body: w.agentBody(`Agent ${i}`) })),
    );
    const created = results.filter((r) => r.response.status === 201).length;
    const refused = results.filter((r) => r.response.status === 403).length;
    const { data: agents } = await client(servers[0]!, { apiKey: org.apiKey }).GET('/dashboard/agents');
    console.log(`agent creates: ${created} created, ${refused} refused, ${agents!.length} stored; limits exceeded: ${Math.max(0, agents!.length - 5)}`);
    expect(created).toBe(5);
    expect(refused).toBe(15);
    expect(agents).toHaveLength(5);
  });

  it('concurrent calls spread over the processes never exceed maxConcurrentCalls (free: 2)', async () => {
    const org = await w.newOrg('free');
    await client(servers[1]!, { apiKey: org.apiKey }).POST('/dashboard/agents', { body: w.agentBody('Front desk') });
    const answers = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        sendVoiceWebhook({ serverUrl: servers[i % 3]!.url, publicUrl: PUBLIC_URL, apiKey: org.apiKey, authToken: TWILIO_TOKEN }),
      ),
    );
    const accepted = answers.filter((a) => a.streamUrl).length;
    console.log(`parallel calls: ${accepted} accepted, ${answers.length - accepted} refused; limits exceeded: ${Math.max(0, accepted - 2)}`);
    expect(accepted).toBe(2);
    expect(answers.filter((a) => a.say?.match(/busy/i)).length).toBe(13);
  });

  it('a revoked API key fails on every process within the auth cache TTL', async () => {
    const org = await w.newOrg('pro');
    const { data: key } = await client(servers[0]!, { token: org.token }).POST('/dashboard/api-keys', { body: { name: 'to revoke' } });
    // Warm every process's cache with the key.
    for (const s of servers) expect((await client(s, { apiKey: key!.rawKey }).GET('/dashboard/organization')).response.status).toBe(200);
    const revokedAt = Date.now();
    await client(servers[2]!, { token: org.token }).DELETE('/dashboard/api-keys/{id}', { params: { path: { id: key!._id } } });
    const refusedAfter: number[] = [];
    for (const s of servers) {
      for (;;) {
        const { response } = await client(s, { apiKey: key!.rawKey }).GET('/dashboard/organization');
        if (response.status === 401) break;
        await sleep(20);
      }
      refusedAfter.push(Date.now() - revokedAt);
    }
    console.log(`revocation seen by the 3 processes after ${refusedAfter.join(', ')} ms`);
    await sleep(Math.max(0, AUTH_CACHE_MS - (Date.now() - revokedAt)));
    for (const s of servers) expect((await client(s, { apiKey: key!.rawKey }).GET('/dashboard/organization')).response.status).toBe(401);
  });

  it('killing a process mid-call frees its slot and marks its call failed', async () => {
    const org = await w.newOrg('free');
    await client(servers[0]!, { apiKey: org.apiKey }).POST('/dashboard/agents', { body: w.agentBody('Night line') });
    const ring = (server: ServerProcess) => sendVoiceWebhook({ serverUrl: server.url, publicUrl: PUBLIC_URL, apiKey: org.apiKey, authToken: TWILIO_TOKEN });
    const victim = servers[1]!;
    const answer = await ring(victim);
    const stream = await TwilioStream.open(answer.streamUrl!.replace('wss://voicex.test', victim.url.replace('http:', 'ws:')), {
      callSid: answer.callSid,
      customParameters: answer.parameters,
    });
    stream.startLine();
    await stream.waitFor((s) => s.frames.length > 0, 15_000, 'greeting');
    const other = await ring(servers[0]!);
    expect(other.streamUrl).toBeTruthy();
    expect((await ring(servers[2]!)).streamUrl).toBeNull(); // both lines taken

    const killedAt = Date.now();
    await victim.stop('SIGKILL');
    const survivor = client(servers[0]!, { apiKey: org.apiKey });
    let call: Schemas['Call'] | undefined;
    for (;;) {
      call = (await survivor.GET('/dashboard/calls/{id}', { params: { path: { id: answer.parameters.callId! } } })).data;
      if (call?.status !== 'active') break;
      if (Date.now() - killedAt > 20_000) break;
      await sleep(100);
    }
    console.log(`call of the killed process reaped after ${Date.now() - killedAt} ms (stale after ${STALE_MS} ms)`);
    expect(call).toMatchObject({ status: 'failed', endReason: 'server_lost' });
    expect((await ring(servers[2]!)).streamUrl).toBeTruthy();
  }, 60_000);
});
