import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server';
import { expectErrorBody } from '../support/spec';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('readiness and liveness without a database', () => {
  it('GET /ready answers 503 { error } once the database is gone, while GET /health stays ok', async () => {
    expect((await server.client().GET('/ready')).response.status).toBe(200);

    // Closing the app's own handle: every later query fails, as with a database that went away.
    await server.app.svc.db.destroy();

    const { response, error } = await server.client().GET('/ready');
    expect(response.status).toBe(503);
    expect(error?.error).toMatch(/database/i);
    const raw = await fetch(`${server.apiUrl}/ready`);
    expect(raw.status).toBe(503);
    await expectErrorBody(raw);

    const health = await server.client().GET('/health');
    expect(health.response.status).toBe(200);
    expect(health.data?.status).toBe('ok');
  });
});
