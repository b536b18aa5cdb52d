import { findApiKeyByHash } from '../db/repositories/api-keys';
import { insertOrganization } from '../db/repositories/organizations';
import { findUserByEmail, findUserById, insertUser } from '../db/repositories/users';
import { isUniqueViolation } from '../db/values';
import type { Organization, Plan, User } from '../domain';
import { conflict, unauthorized } from '../errors';
import { hashApiKey, isWellFormedApiKey, recordApiKeyUse } from './api-keys';
import type { AuthContext, ServiceContext } from './context';
import { loadOrganization, loadPlanOf } from './organizations';
import { DECOY_PASSWORD_HASH, hashPassword, verifyPassword } from './passwords';

export interface Session {
  user: User;
  org: Organization;
  plan: Plan;
  token: string;
}

export const DEFAULT_SIGNUP_PLAN = 'free';

export async function signUp(
  svc: ServiceContext,
  input: { name: string; email: string; password: string; orgName: string },
): Promise<Session> {
  const passwordHash = await hashPassword(input.password);
  try {
    const { user, org } = await svc.db.transaction().execute(async (trx) => {
      const org = await insertOrganization(trx, { name: input.orgName, status: 'pending', planSlug: DEFAULT_SIGNUP_PLAN });
      const user = await insertUser(trx, { orgId: org.id, name: input.name, email: input.email, passwordHash, role: 'admin' });
      return { user, org };
    });
    return { user, org, plan: await loadPlanOf(svc, org), token: svc.tokens.signSession({ userId: user.id, orgId: org.id }) };
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('Email already registered', 'email_taken');
    throw error;
  }
}

export async function signIn(svc: ServiceContext, input: { email: string; password: string }): Promise<Session> {
  const user = await findUserByEmail(svc.db, input.email);
  const valid = await verifyPassword(input.password, user?.passwordHash ?? DECOY_PASSWORD_HASH);
  const org = user && valid ? await loadOrganization(svc, user.orgId) : null;
  if (!user || !valid || !org) throw unauthorized('Invalid email or password', 'invalid_credentials');
  return { user, org, plan: await loadPlanOf(svc, org), token: svc.tokens.signSession({ userId: user.id, orgId: org.id }) };
}

async function loadUser(svc: ServiceContext, userId: string): Promise<User | null> {
  return svc.caches.users.getOrLoad(userId, async () => (await findUserById(svc.db, userId)) ?? null);
}

/** A valid JWT of a user that still exists and still belongs to the organization in the token. */
export async function authenticateSession(svc: ServiceContext, token: string): Promise<AuthContext | null> {
  const claims = svc.tokens.verifySession(token);
  if (!claims) return null;
  const user = await loadUser(svc, claims.userId);
  if (!user || user.orgId !== claims.orgId) return null;
  const org = await loadOrganization(svc, user.orgId);
  if (!org) return null;
  return { org, plan: await loadPlanOf(svc, org), user, apiKey: null };
}

export async function authenticateApiKey(svc: ServiceContext, rawKey: string): Promise<AuthContext | null> {
  if (!isWellFormedApiKey(rawKey)) return null;
  const keyHash = hashApiKey(rawKey);
  const key = await svc.caches.apiKeys.getOrLoad(keyHash, async () => (await findApiKeyByHash(svc.db, keyHash)) ?? null);
  if (!key) return null;
  const org = await loadOrganization(svc, key.orgId);
  if (!org) return null;
  recordApiKeyUse(svc, key);
  const user = key.createdBy ? await loadUser(svc, key.createdBy) : null;
  return { org, plan: await loadPlanOf(svc, org), user, apiKey: key };
}
