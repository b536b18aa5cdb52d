import { insertOrganization } from '../db/repositories/organizations';
import { insertUser, superadminExists } from '../db/repositories/users';
import { isUniqueViolation } from '../db/values';
import { conflict } from '../errors';
import type { Session } from './auth';
import type { ServiceContext } from './context';
import { loadPlanOf } from './organizations';
import { hashPassword } from './passwords';

export const PLATFORM_PLAN = 'enterprise';

export const isSetupCompleted = (svc: ServiceContext) => superadminExists(svc.db);

/**
 * Creates the platform admin and its active organization. Runs once: the unique index on the superadmin role
 * turns every later or concurrent attempt into a rollback, which answers 409.
 */
export async function completeSetup(
  svc: ServiceContext,
  input: { name: string; email: string; password: string; orgName: string },
): Promise<Session> {
  const alreadyDone = () => conflict('Setup has already been completed', 'setup_completed');
  if (await isSetupCompleted(svc)) throw alreadyDone();
  const passwordHash = await hashPassword(input.password);
  try {
    const { user, org } = await svc.db.transaction().execute(async (trx) => {
      const org = await insertOrganization(trx, { name: input.orgName, status: 'active', planSlug: PLATFORM_PLAN });
      const user = await insertUser(trx, { orgId: org.id, name: input.name, email: input.email, passwordHash, role: 'superadmin' });
      return { user, org };
    });
    return { user, org, plan: await loadPlanOf(svc, org), token: svc.tokens.signSession({ userId: user.id, orgId: org.id }) };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    if (await isSetupCompleted(svc)) throw alreadyDone();
    throw conflict('Email already registered', 'email_taken');
  }
}
