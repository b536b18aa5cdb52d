import { randomBytes } from 'node:crypto';
import { updateOrganization } from '../../src/db/repositories/organizations';
import type { OrganizationStatus } from '../../src/domain';
import type { VoicexClient } from '../../generated/client';
import type { TestServer } from './server';

export const uniqueEmail = (prefix = 'user') => `${prefix}.${randomBytes(5).toString('hex')}@example.com`;

export interface TestOrg {
  orgId: string;
  userId: string;
  email: string;
  password: string;
  token: string;
  /** Client signed in with the user's JWT. */
  client: VoicexClient;
}

/** Signs up through the API: a pending organization with its admin user. */
export async function signUpOrg(server: TestServer, overrides: { email?: string; orgName?: string } = {}): Promise<TestOrg> {
  const email = overrides.email ?? uniqueEmail();
  const password = 'correct horse battery';
  const { data, error } = await server.client().POST('/auth/signup', {
    body: { name: 'Test User', email, password, orgName: overrides.orgName ?? 'Test Org' },
  });
  if (!data) throw new Error(`signup failed: ${JSON.stringify(error)}`);
  return {
    orgId: data.organization._id,
    userId: data.user._id,
    email,
    password,
    token: data.token,
    client: server.client({ token: data.token }),
  };
}

/** Sets status and plan as the platform admin would, straight in the database. */
export async function setOrgState(
  server: TestServer,
  orgId: string,
  state: { status?: OrganizationStatus; planSlug?: string },
): Promise<void> {
  await updateOrganization(server.app.svc.db, orgId, state);
  server.app.svc.caches.orgs.delete(orgId);
}

/** A signed-up organization, activated on a plan. */
export async function activeOrg(server: TestServer, planSlug = 'pro'): Promise<TestOrg> {
  const org = await signUpOrg(server);
  await setOrgState(server, org.orgId, { status: 'active', planSlug });
  return org;
}

export async function createApiKey(org: TestOrg, name = 'Test key'): Promise<string> {
  const { data, error } = await org.client.POST('/dashboard/api-keys', { body: { name } });
  if (!data) throw new Error(`api key creation failed: ${JSON.stringify(error)}`);
  return data.rawKey;
}

export interface PlatformAdmin {
  userId: string;
  orgId: string;
  email: string;
  token: string;
  /** Client signed in as the superadmin. */
  client: VoicexClient;
}

/** Completes the one-time setup through the API: the superadmin and its active enterprise organization. */
export async function setUpPlatform(server: TestServer): Promise<PlatformAdmin> {
  const email = uniqueEmail('root');
  const { data, error } = await server.client().POST('/setup', {
    body: { name: 'Platform Admin', email, password: 'platform-admin-password', orgName: 'Voicex Ops' },
  });
  if (!data) throw new Error(`setup failed: ${JSON.stringify(error)}`);
  return {
    userId: data.user._id,
    orgId: data.organization._id,
    email,
    token: data.token,
    client: server.client({ token: data.token }),
  };
}
