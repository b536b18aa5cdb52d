import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialect } from '../support/database';
import { activeOrg, createApiKey, setUpPlatform } from '../support/factories';
import { agentBody, clientProviderBody, createGlobalProviders, type GlobalProviders } from '../support/dashboard';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
let globals: GlobalProviders;
beforeAll(async () => {
  server = await startTestServer();
  globals = await createGlobalProviders(await setUpPlatform(server));
});
afterAll(() => server.stop());

const PARALLEL = 20;

/** Counts the statuses of requests sent all at once. */
const tally = (statuses: number[]) => statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

const report = (what: string, results: Array<{ response: Response }>, stored: number, limit: number) =>
  console.log(
    `race (${testDialect()}) ${what}: ${JSON.stringify(tally(results.map((r) => r.response.status)))}, ${stored} stored; limits exceeded: ${Math.max(0, stored - limit)}`,
  );

describe('plan limits hold under parallel requests', () => {
  it(`${PARALLEL} parallel agent creates on a 5-agent plan: exactly 5 succeed, the rest answer 403`, async () => {
    const org = await activeOrg(server, 'starter');
    // Half the requests by JWT, half by API key: both paths go through the same lock.
    const viaKey = server.client({ apiKey: await createApiKey(org) });
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        (i % 2 ? viaKey : org.client).POST('/dashboard/agents', { body: agentBody(globals, { name: `Bot ${i}` }) }),
      ),
    );
    const { data: agents } = await org.client.GET('/dashboard/agents');
    report('agent creates (limit 5)', results, agents!.length, 5);
    expect(tally(results.map((r) => r.response.status))).toEqual({ 201: 5, 403: PARALLEL - 5 });
    for (const refused of results.filter((r) => r.response.status === 403)) expect(refused.error!.code).toBe('agent_limit');
    expect(agents).toHaveLength(5);
  });

  it(`${PARALLEL} parallel custom provider creates on a 5-provider plan: exactly 5 succeed, the rest answer 403`, async () => {
    const org = await activeOrg(server, 'pro');
    const viaKey = server.client({ apiKey: await createApiKey(org) });
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        (i % 2 ? viaKey : org.client).POST('/dashboard/providers', { body: clientProviderBody({ name: `Provider ${i}` }) }),
      ),
    );
    const own = await org.client.GET('/dashboard/providers', { params: { query: { client: true } } });
    report('custom provider creates (limit 5)', results, own.data!.length, 5);
    expect(tally(results.map((r) => r.response.status))).toEqual({ 201: 5, 403: PARALLEL - 5 });
    for (const refused of results.filter((r) => r.response.status === 403)) expect(refused.error!.code).toBe('custom_provider_limit');
    expect(own.data).toHaveLength(5);
  });

  it('parallel creates of one provider name: exactly one succeeds, the rest answer 409', async () => {
    const org = await activeOrg(server, 'enterprise');
    const results = await Promise.all(
      Array.from({ length: 10 }, () => org.client.POST('/dashboard/providers', { body: clientProviderBody({ name: 'Same Name' }) })),
    );
    expect(tally(results.map((r) => r.response.status))).toEqual({ 201: 1, 409: 9 });
  });

  it('one organization at its limit does not hold back another', async () => {
    const full = await activeOrg(server, 'free');
    const other = await activeOrg(server, 'free');
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => full.client.POST('/dashboard/agents', { body: agentBody(globals) })),
      other.client.POST('/dashboard/agents', { body: agentBody(globals) }),
    ]);
    expect(results.at(-1)!.response.status).toBe(201);
    expect(tally(results.slice(0, 5).map((r) => r.response.status))).toEqual({ 201: 1, 403: 4 });
  });
});
