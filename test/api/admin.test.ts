import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Schemas } from '../../generated/client';
import { findOrganizationById } from '../../src/db/repositories/organizations';
import { findPlanBySlug } from '../../src/db/repositories/plans';
import { insertUser } from '../../src/db/repositories/users';
import { seedDatabase } from '../../src/db/seed';
import { createApiKey } from '../../src/services/api-keys';
import { activeOrg, setUpPlatform, signUpOrg, uniqueEmail, type PlatformAdmin } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
let admin: PlatformAdmin;
beforeAll(async () => {
  server = await startTestServer();
  admin = await setUpPlatform(server);
});
afterAll(() => server.stop());

/** An API key of the organization, made through the service (the dashboard route lives on another branch). */
async function apiKeyOf(orgId: string): Promise<string> {
  const svc = server.app.svc;
  const org = (await findOrganizationById(svc.db, orgId))!;
  const plan = (await findPlanBySlug(svc.db, org.planSlug))!;
  return (await createApiKey(svc, { org, plan, user: null, apiKey: null }, 'Admin test key')).rawKey;
}

/**
 * Status of GET /dashboard/organization. Fetched raw because until the dashboard issue lands the route answers a
 * 404 stub that openapi.yaml does not document; access control runs before it, so 401/403 still mean refused.
 */
async function dashboardStatus(auth: { token?: string; apiKey?: string }): Promise<{ status: number; code?: string }> {
  const headers: Record<string, string> = auth.token ? { authorization: `Bearer ${auth.token}` } : { 'x-api-key': auth.apiKey! };
  const response = await fetch(`${server.apiUrl}/dashboard/organization`, { headers });
  const body = (await response.json()) as { code?: string };
  return { status: response.status, code: body.code };
}

const expectDashboardOpen = async (auth: { token?: string; apiKey?: string }) => {
  const { status } = await dashboardStatus(auth);
  expect(status).not.toBe(401);
  expect(status).not.toBe(403);
};

let slugCounter = 0;
const newSlug = (prefix = 'plan') => `${prefix}-${Date.now().toString(36)}-${++slugCounter}`;

const planBody = (overrides: Partial<Schemas['PlanCreate']> = {}): Schemas['PlanCreate'] => ({
  slug: newSlug(),
  name: 'Acme Enterprise',
  pricing: { monthly: 250, annual: 2500, maxDiscountPercent: 5 },
  limits: { maxAgents: 10, maxConcurrentCalls: 20, maxCallDurationSec: 1200, maxMonthlyMinutes: 5000 },
  models: { llm: ['groq/llama-3.3-70b-versatile'], tts: ['edge/en-US-AriaNeural'], stt: ['deepgram/nova-2'] },
  features: { customProviders: true, maxCustomProviders: 3 },
  public: true,
  custom: false,
  ...overrides,
});

async function createPlan(overrides: Partial<Schemas['PlanCreate']> = {}): Promise<Schemas['Plan']> {
  const { data, error } = await admin.client.POST('/admin/plans', { body: planBody(overrides) });
  if (!data) throw new Error(`plan creation failed: ${JSON.stringify(error)}`);
  return data;
}

describe('access to /admin/*', () => {
  const someId = '664a1f0c9b1e8a0012345678';
  const calls = [
    ['GET /admin/organizations', (c: ReturnType<TestServer['client']>) => c.GET('/admin/organizations')],
    ['GET /admin/organizations/{id}', (c: ReturnType<TestServer['client']>) => c.GET('/admin/organizations/{id}', { params: { path: { id: someId } } })],
    [
      'PATCH /admin/organizations/{id}',
      (c: ReturnType<TestServer['client']>) =>
        c.PATCH('/admin/organizations/{id}', { params: { path: { id: someId } }, body: { status: 'active' } }),
    ],
    ['GET /admin/plans', (c: ReturnType<TestServer['client']>) => c.GET('/admin/plans')],
    ['POST /admin/plans', (c: ReturnType<TestServer['client']>) => c.POST('/admin/plans', { body: planBody() })],
    [
      'PATCH /admin/plans/{slug}',
      (c: ReturnType<TestServer['client']>) => c.PATCH('/admin/plans/{slug}', { params: { path: { slug: 'free' } }, body: { name: 'Hacked' } }),
    ],
    ['DELETE /admin/plans/{slug}', (c: ReturnType<TestServer['client']>) => c.DELETE('/admin/plans/{slug}', { params: { path: { slug: 'starter' } } })],
  ] as const;

  it.each(calls)('%s answers 401 without credentials or with a bad token', async (_route, call) => {
    for (const client of [server.client(), server.client({ token: 'not-a-jwt' })]) {
      const { response, error } = await call(client);
      expect(response.status).toBe(401);
      expect(error).toHaveProperty('error');
    }
  });

  it.each(calls)('%s answers 403 to org admins of active and pending orgs, to members and to API keys', async (_route, call) => {
    const active = await activeOrg(server, 'enterprise');
    const pending = await signUpOrg(server);
    const member = await insertUser(server.app.svc.db, {
      orgId: active.orgId,
      name: 'Member',
      email: uniqueEmail('member'),
      passwordHash: 'unused',
      role: 'member',
    });
    const memberToken = server.app.svc.tokens.signSession({ userId: member.id, orgId: active.orgId });
    const callers = [
      server.client({ token: active.token }),
      server.client({ token: pending.token }),
      server.client({ token: memberToken }),
      server.client({ apiKey: await apiKeyOf(active.orgId) }),
      // A key of the platform's own organization is still not the superadmin.
      server.client({ apiKey: await apiKeyOf(admin.orgId) }),
    ];
    for (const client of callers) {
      const { response, error } = await call(client);
      expect(response.status).toBe(403);
      expect(error).toMatchObject({ code: 'superadmin_required' });
    }
    // Nothing was changed by the refused calls.
    expect((await findPlanBySlug(server.app.svc.db, 'free'))!.name).toBe('Free');
    expect(await findPlanBySlug(server.app.svc.db, 'starter')).toBeDefined();
  });

  it('lets the superadmin JWT through', async () => {
    const { response } = await admin.client.GET('/admin/plans');
    expect(response.status).toBe(200);
  });
});

describe('GET /admin/organizations', () => {
  it('lists every organization newest first with its plan, and filters by status', async () => {
    const pending = await signUpOrg(server, { orgName: 'Pending Co' });
    const active = await activeOrg(server, 'pro');

    const all = await admin.client.GET('/admin/organizations', { params: { query: { limit: 100 } } });
    expect(all.response.status).toBe(200);
    const items = all.data!.items;
    expect(all.data!.total).toBe(items.length);
    expect(items.map((o) => o._id)).toEqual(expect.arrayContaining([admin.orgId, pending.orgId, active.orgId]));
    const created = items.map((o) => o.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    expect(items.find((o) => o._id === pending.orgId)).toMatchObject({
      name: 'Pending Co',
      status: 'pending',
      planSlug: 'free',
      planName: 'Free',
      twilioAuthTokenSet: false,
    });
    expect(items.find((o) => o._id === active.orgId)).toMatchObject({ status: 'active', planSlug: 'pro', planName: 'Pro' });

    const onlyPending = await admin.client.GET('/admin/organizations', { params: { query: { status: 'pending', limit: 100 } } });
    expect(onlyPending.data!.items.length).toBeGreaterThan(0);
    expect(onlyPending.data!.items.every((o) => o.status === 'pending')).toBe(true);
    expect(onlyPending.data!.total).toBe(items.filter((o) => o.status === 'pending').length);
    expect(onlyPending.data!.items.map((o) => o._id)).toContain(pending.orgId);
    expect(onlyPending.data!.items.map((o) => o._id)).not.toContain(active.orgId);

    const none = await admin.client.GET('/admin/organizations', { params: { query: { status: 'suspended' } } });
    expect(none.data!.items.every((o) => o.status === 'suspended')).toBe(true);
  });

  it('pages with skip and limit, reporting the total and the page it answers', async () => {
    for (let i = 0; i < 3; i++) await signUpOrg(server);
    const full = (await admin.client.GET('/admin/organizations', { params: { query: { limit: 100 } } })).data!;
    expect(full.total).toBeGreaterThanOrEqual(4);

    const first = (await admin.client.GET('/admin/organizations', { params: { query: { skip: 0, limit: 2 } } })).data!;
    const second = (await admin.client.GET('/admin/organizations', { params: { query: { skip: 2, limit: 2 } } })).data!;
    expect(first).toMatchObject({ total: full.total, skip: 0, limit: 2 });
    expect(second).toMatchObject({ total: full.total, skip: 2, limit: 2 });
    expect([...first.items, ...second.items].map((o) => o._id)).toEqual(full.items.slice(0, 4).map((o) => o._id));

    const beyond = (await admin.client.GET('/admin/organizations', { params: { query: { skip: full.total } } })).data!;
    expect(beyond).toMatchObject({ items: [], total: full.total, skip: full.total, limit: 20 });
  });

  it.each([
    ['an unknown status', { status: 'deleted' }],
    ['a limit above 100', { limit: 101 }],
    ['a negative skip', { skip: -1 }],
  ])('answers 400 for %s', async (_case, query) => {
    const { response, error } = await admin.client.GET('/admin/organizations', { params: { query: query as never } });
    expect(response.status).toBe(400);
    expect(error!.error).toMatch(/^Invalid request: query\./);
  });
});

describe('GET /admin/organizations/{id}', () => {
  it('returns any organization', async () => {
    const org = await signUpOrg(server, { orgName: 'Lookup Inc' });
    const { data, response } = await admin.client.GET('/admin/organizations/{id}', { params: { path: { id: org.orgId } } });
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ _id: org.orgId, name: 'Lookup Inc', status: 'pending', planSlug: 'free' });
  });

  it('answers 404 for an unknown id', async () => {
    const { response, error } = await admin.client.GET('/admin/organizations/{id}', {
      params: { path: { id: '000000000000000000000000' } },
    });
    expect(response.status).toBe(404);
    expect(error!.error).toBe('Organization not found');
  });
});

describe('PATCH /admin/organizations/{id}', () => {
  const patch = (id: string, body: Schemas['OrganizationAdminUpdate']) =>
    admin.client.PATCH('/admin/organizations/{id}', { params: { path: { id } }, body });

  it('activates a pending organization on a plan; its existing JWT and API key work at once', async () => {
    const org = await signUpOrg(server);
    const key = await apiKeyOf(org.orgId);
    expect(await dashboardStatus({ token: org.token })).toEqual({ status: 403, code: 'org_pending' });
    expect(await dashboardStatus({ apiKey: key })).toEqual({ status: 403, code: 'org_pending' });

    const { data, response } = await patch(org.orgId, { status: 'active', planSlug: 'pro' });
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ _id: org.orgId, status: 'active', planSlug: 'pro', planName: 'Pro' });
    expect(data!.limits.maxAgents).toBe(25);

    await expectDashboardOpen({ token: org.token });
    await expectDashboardOpen({ apiKey: key });
    const me = await org.client.GET('/auth/me');
    expect(me.data!.organization).toMatchObject({ status: 'active', planSlug: 'pro' });
  });

  it('suspends an organization: its JWT and API key get 403 at once, re-activation restores both', async () => {
    const org = await activeOrg(server, 'starter');
    const key = await apiKeyOf(org.orgId);
    // Warm the auth caches, so the test shows the PATCH evicts them.
    await expectDashboardOpen({ token: org.token });
    await expectDashboardOpen({ apiKey: key });

    const suspended = await patch(org.orgId, { status: 'suspended' });
    expect(suspended.data).toMatchObject({ status: 'suspended', planSlug: 'starter' });
    expect(await dashboardStatus({ token: org.token })).toEqual({ status: 403, code: 'org_suspended' });
    expect(await dashboardStatus({ apiKey: key })).toEqual({ status: 403, code: 'org_suspended' });
    // The users can still see why.
    expect((await org.client.GET('/auth/me')).data!.organization.status).toBe('suspended');

    await patch(org.orgId, { status: 'active' });
    await expectDashboardOpen({ token: org.token });
    await expectDashboardOpen({ apiKey: key });
  });

  it('changes the plan alone, and the change shows in the organization at once', async () => {
    const org = await activeOrg(server, 'free');
    expect((await org.client.GET('/auth/me')).data!.organization.planSlug).toBe('free');
    const { data } = await patch(org.orgId, { planSlug: 'enterprise' });
    expect(data).toMatchObject({ status: 'active', planSlug: 'enterprise', planName: 'Enterprise' });
    expect((await org.client.GET('/auth/me')).data!.organization).toMatchObject({ planSlug: 'enterprise', limits: { maxAgents: 100 } });
  });

  it('answers 400 for an unknown plan and leaves the organization as it was', async () => {
    const org = await signUpOrg(server);
    const { response, error } = await patch(org.orgId, { status: 'active', planSlug: 'no-such-plan' });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ error: 'Unknown plan "no-such-plan"', code: 'unknown_plan' });
    const after = await admin.client.GET('/admin/organizations/{id}', { params: { path: { id: org.orgId } } });
    expect(after.data).toMatchObject({ status: 'pending', planSlug: 'free' });
  });

  it('answers 404 for an unknown organization, even with an unknown plan', async () => {
    const { response } = await patch('000000000000000000000000', { status: 'active', planSlug: 'no-such-plan' });
    expect(response.status).toBe(404);
  });

  it.each([
    ['an empty body', {}],
    ['an unknown status', { status: 'deleted' }],
    ['an unknown field', { status: 'active', name: 'Renamed' }],
    ['a plan slug that is not a string', { planSlug: 7 }],
  ])('answers 400 for %s', async (_case, body) => {
    const org = await signUpOrg(server);
    const { response } = await patch(org.orgId, body as never);
    expect(response.status).toBe(400);
  });

  it('assigns a custom plan to one organization only (409 for a second), and frees it when the first moves', async () => {
    const custom = await createPlan({ custom: true, public: false, name: 'Acme only' });
    const first = await activeOrg(server, 'free');
    const second = await activeOrg(server, 'free');

    expect((await patch(first.orgId, { planSlug: custom.slug })).data).toMatchObject({ planSlug: custom.slug, planName: 'Acme only' });
    // Assigning it again to its holder is no conflict.
    expect((await patch(first.orgId, { planSlug: custom.slug, status: 'active' })).response.status).toBe(200);

    const taken = await patch(second.orgId, { planSlug: custom.slug });
    expect(taken.response.status).toBe(409);
    expect(taken.error).toMatchObject({ code: 'custom_plan_taken' });
    expect((await admin.client.GET('/admin/organizations/{id}', { params: { path: { id: second.orgId } } })).data!.planSlug).toBe('free');

    await patch(first.orgId, { planSlug: 'pro' });
    expect((await patch(second.orgId, { planSlug: custom.slug })).response.status).toBe(200);
  });

  it('gives a custom plan to exactly one of several organizations asking at the same moment', async () => {
    const custom = await createPlan({ custom: true, public: false });
    const orgs = await Promise.all(Array.from({ length: 5 }, () => activeOrg(server, 'free')));
    const results = await Promise.all(orgs.map((org) => patch(org.orgId, { planSlug: custom.slug })));
    expect(results.map((r) => r.response.status).sort()).toEqual([200, 409, 409, 409, 409]);
    const holders = await server.app.svc.db.selectFrom('organizations').select('id').where('plan_slug', '=', custom.slug).execute();
    expect(holders).toHaveLength(1);
  });
});

describe('GET /admin/plans', () => {
  it('lists every plan, including custom and non-public ones that GET /plans hides', async () => {
    const hidden = await createPlan({ public: false, name: 'Hidden' });
    const custom = await createPlan({ custom: true, public: true, name: 'Custom' });
    const { data, response } = await admin.client.GET('/admin/plans');
    expect(response.status).toBe(200);
    const slugs = data!.map((p) => p.slug);
    expect(slugs).toEqual(expect.arrayContaining(['free', 'pro', 'enterprise', hidden.slug, custom.slug]));
    expect(data!.find((p) => p.slug === hidden.slug)).toMatchObject({ public: false, custom: false });
    expect(data!.find((p) => p.slug === custom.slug)).toMatchObject({ public: true, custom: true });

    const publicSlugs = (await server.client().GET('/plans')).data!.map((p) => p.slug);
    expect(publicSlugs).not.toContain(hidden.slug);
    expect(publicSlugs).not.toContain(custom.slug);
  });
});

describe('POST /admin/plans', () => {
  it('creates a plan with defaults for description, public and custom', async () => {
    const body = planBody();
    const { public: _p, custom: _c, ...withoutDefaults } = body;
    const { data, response } = await admin.client.POST('/admin/plans', { body: withoutDefaults as Schemas['PlanCreate'] });
    expect(response.status).toBe(201);
    expect(data).toEqual({ ...withoutDefaults, description: '', public: true, custom: false });
    expect((await server.client().GET('/plans')).data!.map((p) => p.slug)).toContain(body.slug);
  });

  it('accepts a model id the catalog does not list, of a catalog provider (self-hosted models)', async () => {
    const { data, response } = await admin.client.POST('/admin/plans', {
      body: planBody({ models: { llm: ['ollama/mistral:7b-instruct'], tts: ['openai/alloy'], stt: ['deepgram/nova-3'] } }),
    });
    expect(response.status).toBe(201);
    expect(data!.models.llm).toEqual(['ollama/mistral:7b-instruct']);
  });

  it('answers 409 for a slug already taken', async () => {
    const { response, error } = await admin.client.POST('/admin/plans', { body: planBody({ slug: 'pro' }) });
    expect(response.status).toBe(409);
    expect(error).toMatchObject({ error: 'Plan "pro" already exists', code: 'plan_exists' });
    expect((await findPlanBySlug(server.app.svc.db, 'pro'))!.name).toBe('Pro');
  });

  it.each([
    ['a provider missing from the catalog', { llm: ['acme/gpt-9'], tts: [], stt: [] }, 'body.models.llm.0'],
    ['a provider of another category', { llm: ['groq/llama-3.3-70b-versatile'], tts: ['deepgram/nova-2'], stt: [] }, 'body.models.tts.0'],
    ['a provider key that is an STT one in the LLM list', { llm: ['openai/gpt-4o', 'deepgram/nova-2'], tts: [], stt: [] }, 'body.models.llm.1'],
  ])('answers 400 for %s', async (_case, models, path) => {
    const body = planBody({ models });
    const { response, error } = await admin.client.POST('/admin/plans', { body });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ code: 'unknown_provider', details: [expect.objectContaining({ path })] });
    expect(error!.error).toContain(path);
    expect(await findPlanBySlug(server.app.svc.db, body.slug)).toBeUndefined();
  });

  it.each([
    ['a slug with capitals', { slug: 'Pro-Plus' }],
    ['a model ref without a model id', { models: { llm: ['openai/'], tts: [], stt: [] } }],
    ['a call duration limit under 30 s', { limits: { maxAgents: 1, maxConcurrentCalls: 1, maxCallDurationSec: 5, maxMonthlyMinutes: 1 } }],
    ['an unknown field', { trial: true }],
  ])('answers 400 for %s', async (_case, overrides) => {
    const { response } = await admin.client.POST('/admin/plans', { body: { ...planBody(), ...overrides } as never });
    expect(response.status).toBe(400);
  });

  it('answers 400 without limits', async () => {
    const { limits: _limits, ...body } = planBody();
    const { response, error } = await admin.client.POST('/admin/plans', { body: body as never });
    expect(response.status).toBe(400);
    expect(error!.error).toContain('body.limits');
  });
});

describe('PATCH /admin/plans/{slug}', () => {
  const patchPlan = (slug: string, body: Schemas['PlanUpdate']) =>
    admin.client.PATCH('/admin/plans/{slug}', { params: { path: { slug } }, body });

  it('changes only the given fields', async () => {
    const plan = await createPlan();
    const { data, response } = await patchPlan(plan.slug, { name: 'Renamed', public: false });
    expect(response.status).toBe(200);
    expect(data).toEqual({ ...plan, name: 'Renamed', public: false });
  });

  it('shows new limits to organizations on the plan at once', async () => {
    const plan = await createPlan();
    const org = await activeOrg(server, plan.slug);
    expect((await org.client.GET('/auth/me')).data!.organization.limits.maxAgents).toBe(10);
    const limits = { ...plan.limits, maxAgents: 42 };
    await patchPlan(plan.slug, { limits, features: { customProviders: false, maxCustomProviders: 0 } });
    const me = await org.client.GET('/auth/me');
    expect(me.data!.organization.limits).toEqual(limits);
    expect(me.data!.organization.features).toEqual({ customProviders: false, maxCustomProviders: 0 });
  });

  it('answers 400 for models naming an unknown provider, and keeps the plan', async () => {
    const plan = await createPlan();
    const { response, error } = await patchPlan(plan.slug, { models: { llm: ['nope/model'], tts: [], stt: [] } });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ code: 'unknown_provider' });
    expect((await findPlanBySlug(server.app.svc.db, plan.slug))!.models).toEqual(plan.models);
  });

  it('answers 409 when making a plan custom while several organizations are on it, 200 with one', async () => {
    const shared = await createPlan();
    await activeOrg(server, shared.slug);
    await activeOrg(server, shared.slug);
    const refused = await patchPlan(shared.slug, { custom: true });
    expect(refused.response.status).toBe(409);
    expect(refused.error).toMatchObject({ code: 'custom_plan_shared' });
    expect((await findPlanBySlug(server.app.svc.db, shared.slug))!.custom).toBe(false);

    const single = await createPlan();
    await activeOrg(server, single.slug);
    expect((await patchPlan(single.slug, { custom: true })).data!.custom).toBe(true);
  });

  it('answers 404 for an unknown slug', async () => {
    const { response, error } = await patchPlan('no-such-plan', { name: 'X' });
    expect(response.status).toBe(404);
    expect(error!.error).toBe('Plan not found');
  });

  it.each([
    ['an empty body', {}],
    ['a new slug', { slug: 'renamed' }],
    ['an empty name', { name: '' }],
    ['partial limits', { limits: { maxAgents: 3 } }],
  ])('answers 400 for %s', async (_case, body) => {
    const plan = await createPlan();
    const { response } = await patchPlan(plan.slug, body as never);
    expect(response.status).toBe(400);
  });
});

describe('DELETE /admin/plans/{slug}', () => {
  const deletePlan = (slug: string) => admin.client.DELETE('/admin/plans/{slug}', { params: { path: { slug } } });

  it('deletes an unused plan; it is gone afterwards (404)', async () => {
    const plan = await createPlan();
    const { response } = await deletePlan(plan.slug);
    expect(response.status).toBe(204);
    expect((await admin.client.GET('/admin/plans')).data!.map((p) => p.slug)).not.toContain(plan.slug);
    expect((await deletePlan(plan.slug)).response.status).toBe(404);
    expect((await admin.client.PATCH('/admin/plans/{slug}', { params: { path: { slug: plan.slug } }, body: { name: 'X' } })).response.status).toBe(404);
  });

  it('answers 409 while an organization is on the plan, pending ones included', async () => {
    const plan = await createPlan();
    const org = await signUpOrg(server);
    await admin.client.PATCH('/admin/organizations/{id}', { params: { path: { id: org.orgId } }, body: { planSlug: plan.slug } });
    const { response, error } = await deletePlan(plan.slug);
    expect(response.status).toBe(409);
    expect(error).toMatchObject({ error: `Plan "${plan.slug}" is used by 1 organization`, code: 'plan_in_use' });

    await admin.client.PATCH('/admin/organizations/{id}', { params: { path: { id: org.orgId } }, body: { planSlug: 'free' } });
    expect((await deletePlan(plan.slug)).response.status).toBe(204);
  });

  it('answers 409 for a built-in plan in use (free, where sign-ups land)', async () => {
    await signUpOrg(server);
    expect((await deletePlan('free')).response.status).toBe(409);
  });

  it('deletes an unused built-in plan for good: a restart does not seed it back', async () => {
    const onStarter = await server.app.svc.db.selectFrom('organizations').select('id').where('plan_slug', '=', 'starter').execute();
    for (const { id } of onStarter) {
      await admin.client.PATCH('/admin/organizations/{id}', { params: { path: { id } }, body: { planSlug: 'pro' } });
    }
    expect((await deletePlan('starter')).response.status).toBe(204);
    await seedDatabase(server.app.svc.db);
    expect(await findPlanBySlug(server.app.svc.db, 'starter')).toBeUndefined();
    expect((await server.client().GET('/plans')).data!.map((p) => p.slug)).not.toContain('starter');
  });

  it('answers 404 for an unknown slug', async () => {
    expect((await deletePlan('no-such-plan')).response.status).toBe(404);
  });
});
