import { request as httpRequest, Agent } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeOrg, createApiKey, setUpPlatform } from '../support/factories';
import { testDialect } from '../support/database';
import { HostileRequestGenerator, type HostileRequest } from '../support/hostile-requests';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LOG_LEVEL: 'warn' });
});
afterAll(() => server.stop());

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/** node:http rather than fetch: it sends paths, encodings and bodies exactly as given. */
function send(base: URL, hostile: HostileRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: hostile.method,
        path: `/api${hostile.target}`,
        // Node sends a GET body without framing unless told its length.
        headers: { ...hostile.headers, ...(hostile.body ? { 'content-length': String(hostile.body.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(hostile.body);
  });
}

/** Bytes straight on a socket, for requests no HTTP client would send. */
function sendRaw(base: URL, bytes: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(base.port), base.hostname, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString();
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const contentType = /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? '';
      resolve({ status, contentType, text: body });
    });
  });
}

function isErrorBody(answer: Answer): boolean {
  if (!answer.contentType.includes('application/json')) return false;
  try {
    const body = JSON.parse(answer.text) as { error?: unknown };
    return typeof body.error === 'string' && body.error.length > 0;
  } catch {
    return false;
  }
}

async function inBatches<T, R>(items: T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(run))));
  return results;
}

const countBy = <T>(items: T[], key: (item: T) => string | number) =>
  items.reduce<Record<string, number>>((acc, item) => ({ ...acc, [key(item)]: (acc[key(item)] ?? 0) + 1 }), {});

describe('hostile input', () => {
  it('answers at least 2000 malformed requests over every operation with 4xx { error }, never 5xx, and stays healthy', async () => {
    const admin = await setUpPlatform(server);
    const org = await activeOrg(server, 'pro');
    const apiKey = await createApiKey(org);
    const generator = await HostileRequestGenerator.create();
    const requests = generator.generate({ token: org.token, apiKey, adminToken: admin.token });
    const base = new URL(server.url);

    const answers = await inBatches(requests, 8, async (hostile) => ({ hostile, answer: await send(base, hostile) }));
    const byStatus = countBy(answers, (a) => a.answer.status);
    const fiveHundreds = answers.filter((a) => a.answer.status >= 500);
    const wrong = answers.filter((a) => a.answer.status < 400 || a.answer.status >= 500 || !isErrorBody(a.answer));
    const operations = new Set(requests.map((r) => r.operationId));
    console.log(
      `fuzz (${testDialect()}): ${requests.length} requests over ${operations.size} operations; by status ${JSON.stringify(byStatus)}; 5xx: ${fiveHundreds.length}`,
    );

    expect(operations.size).toBe(generator.operations().length);
    expect(requests.length).toBeGreaterThanOrEqual(2000);
    const firstOfEachKind = [...new Map(wrong.map((w) => [`${w.hostile.operationId} ${w.hostile.kind.replace(/ for .*/, '')} ${w.answer.status}`, w])).values()];
    const describeWrong = firstOfEachKind.slice(0, 40).map(({ hostile, answer }) => `${hostile.method} ${hostile.target.slice(0, 120)} [${hostile.kind}] -> ${answer.status} ${answer.text.slice(0, 160)}`);
    expect(describeWrong).toEqual([]);

    // Still healthy and serving: a valid request by the same organization works.
    expect((await server.client().GET('/health')).response.status).toBe(200);
    expect((await org.client.GET('/dashboard/agents')).response.status).toBe(200);
  }, 180_000);

  it('refuses oversized headers and malformed HTTP with a 4xx { error }', async () => {
    const base = new URL(server.url);
    const raw = [
      `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      'GET /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      'GET /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'BREW /api/health HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /api/health HTTP/9.9\r\nHost: x\r\n\r\n',
      'GET /api/\u0000 HTTP/1.1\r\nHost: x\r\n\r\n',
      'complete garbage\r\n\r\n',
    ];
    const answers = await Promise.all(raw.map((bytes) => sendRaw(base, bytes)));
    console.log(`malformed HTTP (${testDialect()}): statuses ${answers.map((a) => a.status).join(', ')}`);
    expect(answers[0]!.status).toBe(431);
    for (const answer of answers) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(isErrorBody(answer)).toBe(true);
    }
    expect((await server.client().GET('/health')).response.status).toBe(200);
  });
});
