import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstStartMessage } from '../../src/next-steps';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('the first-start message', () => {
  it('gives a setup command that works as printed, and the docs and health URLs', async () => {
    expect((await server.client().GET('/setup/status')).data).toEqual({ completed: false });
    const message = firstStartMessage(server.url);

    const url = /curl -X POST (\S+)/.exec(message)?.[1];
    const body = /-d '(\{.*\})'/.exec(message)?.[1];
    expect(url).toBe(`${server.apiUrl}/setup`);
    const response = await fetch(url!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body! });
    expect(response.status).toBe(201);
    expect((await server.client().GET('/setup/status')).data).toEqual({ completed: true });

    expect(message).toContain(`${server.apiUrl}/docs`);
    const healthUrl = /Health:\s+(\S+)/.exec(message)?.[1];
    expect((await fetch(healthUrl!)).status).toBe(200);
  });
});
