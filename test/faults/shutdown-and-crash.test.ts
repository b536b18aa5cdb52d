/**
 * Server processes stopped the two ways production stops them: SIGTERM (drain HTTP, let calls finish within the
 * grace period, close the rest as completed, exit 0) and kill -9 (another process, or the next start, closes the
 * dead process's calls as failed; calls that ended before are untouched).
 */
import { request as httpRequest, Agent, type ClientRequest, type IncomingMessage } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendVoiceWebhook, streamUrlOnServer, TwilioStream, type WebhookAnswer } from '../../scripts/lib/twilio-caller';
import { mulawTone } from '../../src/voice/audio';
import { startAllFakes, type RunningFakes } from '../fakes/serve';
import { createPrivatePostgres, type PrivatePostgres } from '../support/private-postgres';
import { processClient, setUpProcessWorld, type ProcessOrg, type ProcessWorld } from '../support/process-world';
import { startServerProcess, type ServerProcess } from '../support/server-process';

const PUBLIC_URL = 'https://voicex.test';
const TWILIO_TOKEN = 'faults-test-twilio-token-0123456789';
const GRACE_MS = 4000;
const STALE_MS = 1500;

let postgres: PrivatePostgres;
let fakes: RunningFakes;
let world: ProcessWorld;
const started: ServerProcess[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const startServer = async () => {
  const server = await startServerProcess({
    NODE_ENV: 'test',
    DATABASE_URL: postgres.url,
    JWT_SECRET: 'faults-test-jwt-secret-0123456789abcdef0123456789',
    ENCRYPTION_KEY: 'cd'.repeat(32),
    PUBLIC_URL,
    TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
    CALL_HEARTBEAT_MS: '300',
    CALL_STALE_MS: String(STALE_MS),
    SHUTDOWN_GRACE_MS: String(GRACE_MS),
  });
  started.push(server);
  return server;
};

beforeAll(async () => {
  postgres = await createPrivatePostgres();
  fakes = await startAllFakes();
  world = await setUpProcessWorld(await startServer(), fakes.urls);
});
afterAll(async () => {
  await Promise.all(started.map((s) => s.stop('SIGKILL')));
  await fakes?.close();
  await postgres?.destroy();
});

async function callRow(callId: string) {
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT status, end_reason, transcript, summary FROM calls WHERE id = $1', [callId]);
    return rows[0] as { status: string; end_reason: string | null; transcript: string; summary: string | null };
  } finally {
    await client.end();
  }
}

async function phoneOrgOn(server: ServerProcess): Promise<ProcessOrg> {
  const org = await world.newOrg('pro', server);
  await processClient(server, { apiKey: org.apiKey }).POST('/dashboard/agents', { body: world.agentBody('Front desk') });
  return org;
}

/** A call on `server` whose greeting has been heard. */
async function liveCall(server: ServerProcess, org: ProcessOrg): Promise<{ answer: WebhookAnswer; stream: TwilioStream }> {
  const answer = await sendVoiceWebhook({ serverUrl: server.url, publicUrl: PUBLIC_URL, apiKey: org.apiKey, authToken: TWILIO_TOKEN });
  const stream = await TwilioStream.open(streamUrlOnServer(answer.streamUrl!, PUBLIC_URL, server.url), { callSid: answer.callSid, customParameters: answer.parameters });
  stream.startLine();
  await stream.waitFor((s) => s.events.some((e) => e.event === 'mark'), 15_000, 'greeting');
  return { answer, stream };
}

type CallRow = Awaited<ReturnType<typeof callRow>>;

async function waitForRow(callId: string, done: (row: CallRow) => boolean, timeoutMs: number): Promise<CallRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await callRow(callId);
    if (done(row) || Date.now() > deadline) return row;
    await sleep(100);
  }
}

describe('SIGTERM', () => {
  it('refuses new connections, finishes requests in flight, lets calls end within the grace period, closes the rest as completed, exits 0', async () => {
    const server = await startServer();
    const org = await phoneOrgOn(server);
    const leaving = await liveCall(server, org);
    const staying = await liveCall(server, org);

    // A request in flight on a keep-alive connection at SIGTERM: headers and half of the body sent.
    const body = JSON.stringify(world.agentBody('Added during shutdown'));
    const agent = new Agent({ keepAlive: true });
    let inFlight!: ClientRequest;
    const response = new Promise<{ status: number; connection: string | undefined; text: string }>((resolve, reject) => {
      inFlight = httpRequest(
        `${server.apiUrl}/dashboard/agents`,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'x-api-key': org.apiKey } },
        (res: IncomingMessage) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, text }));
        },
      );
      inFlight.on('error', reject);
    });
    inFlight.write(body.slice(0, 20));
    await sleep(200);

    const signalledAt = Date.now();
    const exited = server.stop('SIGTERM');
    await sleep(300);
    const newConnection = await fetch(`${server.apiUrl}/health`).then(
      (r) => `answered ${r.status}`,
      (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message,
    );
    inFlight.end(body.slice(20));
    const finished = await response;
    await leaving.stream.hangUp();
    const stayingClosedAfter = await staying.stream.closed.then(() => Date.now() - signalledAt);
    const code = await exited;
    const exitedAfter = Date.now() - signalledAt;
    agent.destroy();

    const left = await callRow(leaving.answer.parameters.callId!);
    const cut = await callRow(staying.answer.parameters.callId!);
    console.log(
      `SIGTERM: new connection -> ${newConnection}; request in flight -> ${finished.status} (Connection: ${finished.connection}); ` +
        `caller who hung up -> ${left.status}/${left.end_reason}; live call closed after ${stayingClosedAfter} ms (grace ${GRACE_MS} ms) -> ${cut.status}/${cut.end_reason}; ` +
        `exit code ${code} after ${exitedAfter} ms`,
    );
    expect(newConnection).toBe('ECONNREFUSED');
    expect(finished.status).toBe(201);
    expect(finished.connection).toBe('close');
    expect(code).toBe(0);
    expect(left).toMatchObject({ status: 'completed', end_reason: 'caller_hangup' });
    expect(cut).toMatchObject({ status: 'completed', end_reason: 'server_shutdown' });
    expect(JSON.parse(cut.transcript)[0].role).toBe('assistant');
  });
});

describe('kill -9', () => {
  it('another process closes the dead one’s live call as failed; its ended calls stay intact', async () => {
    const [victim, survivor] = await Promise.all([startServer(), startServer()]);
    const org = await phoneOrgOn(victim);
    const ended = await liveCall(victim, org);
    fakes.deepgram.say('A table for two please');
    ended.stream.speak(mulawTone(300, 600, 8000));
    await ended.stream.waitFor((s) => s.events.filter((e) => e.event === 'mark').length >= 2, 15_000, 'answer');
    await ended.stream.hangUp();
    const endedBefore = await waitForRow(ended.answer.parameters.callId!, (row) => row.status !== 'active' && row.summary !== null, 15_000);
    const dangling = await liveCall(victim, org);

    const killedAt = Date.now();
    await victim.stop('SIGKILL');
    const reaped = await waitForRow(dangling.answer.parameters.callId!, (row) => row.status !== 'active', 30_000);
    const reapedAfter = Date.now() - killedAt;
    const endedAfter = await callRow(ended.answer.parameters.callId!);
    console.log(`kill -9: live call reaped by the other process after ${reapedAfter} ms (stale after ${STALE_MS} ms) -> ${reaped.status}/${reaped.end_reason}`);
    expect(reaped).toMatchObject({ status: 'failed', end_reason: 'server_lost' });
    expect(endedBefore).toMatchObject({ status: 'completed', end_reason: 'caller_hangup' });
    expect(endedAfter).toEqual(endedBefore);
    expect((await processClient(survivor, { apiKey: org.apiKey }).GET('/dashboard/calls/{id}', { params: { path: { id: dangling.answer.parameters.callId! } } })).data?.status).toBe('failed');
  });

  it('with no process left, the next start closes the dangling call as failed', async () => {
    for (const s of started) await s.stop('SIGKILL');
    const only = await startServer();
    const org = await phoneOrgOn(only);
    const dangling = await liveCall(only, org);
    await only.stop('SIGKILL');
    expect((await callRow(dangling.answer.parameters.callId!)).status).toBe('active');

    const restarted = await startServer();
    const row = await callRow(dangling.answer.parameters.callId!);
    console.log(`kill -9 then restart: dangling call -> ${row.status}/${row.end_reason} once the new process is up`);
    expect(row).toMatchObject({ status: 'failed', end_reason: 'server_lost' });
    expect((await processClient(restarted).GET('/health')).response.status).toBe(200);
  });
});
