import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { EMPTY_METRICS, finishCall, insertCall } from '../../src/db/repositories/calls';
import { createLogger } from '../../src/logger';
import { activeOrg } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { persistentDatabase: true });
});
afterAll(() => server.stop());

describe('start after a crash', () => {
  it('closes the calls a dead process left active as failed, and leaves ended calls intact', async () => {
    const org = await activeOrg(server);
    const { db } = server.app.svc;
    const call = (instanceId: string) =>
      insertCall(db, { orgId: org.orgId, agentId: 'gone', agentName: 'Bot', channel: 'phone', from: null, to: null, twilioCallSid: null, instanceId });
    const dangling = await call('crashed');
    const completed = await call('crashed');
    const longAgo = new Date(Date.now() - 5 * 60_000).toISOString();
    await db.updateTable('calls').set({ connected_at: longAgo, heartbeat_at: longAgo }).where('id', '=', dangling.id).execute();
    await finishCall(db, completed.id, {
      status: 'completed',
      endReason: 'caller_hangup',
      durationSec: 42,
      transcript: [{ role: 'user', text: 'hello', at: longAgo }],
      summary: 'A greeting.',
      sentiment: 'positive',
      metrics: { ...EMPTY_METRICS, turnCount: 1 },
      metadata: { turns: [] },
    });

    // A new process on the same database, as after a restart.
    const restarted = await createApp(server.config, { logger: createLogger('silent') });
    await restarted.start();
    try {
      const rows = await restarted.svc.db.selectFrom('calls').selectAll().where('org_id', '=', org.orgId).execute();
      expect(rows.find((r) => r.id === dangling.id)).toMatchObject({ status: 'failed', end_reason: 'server_lost' });
      expect(rows.find((r) => r.id === completed.id)).toMatchObject({ status: 'completed', duration_sec: 42, summary: 'A greeting.' });
    } finally {
      await restarted.stop({ graceMs: 0 });
    }
  });
});
