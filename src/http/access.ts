import { AppError, forbidden } from '../errors';
import type { AuthContext } from '../services/context';
import { assertOrganizationActive } from '../services/organizations';
import type { OperationId } from './handler-types';

/** Operations a signed-in user reaches whatever the organization's status (to see that it is pending). */
const ANY_ORG_STATUS = new Set<OperationId>(['getCurrentUser']);

/** Webhooks refuse inactive organizations themselves, in TwiML the caller can hear. */
const WEBHOOKS = new Set<OperationId>(['handleIncomingCall', 'handleCallStatus']);

export const isAdminPath = (path: string) => path.startsWith('/admin/');

/**
 * What an authenticated caller may reach, decided before validation so a pending organization hears 403 rather
 * than details of its request body.
 */
export function authorize(operationId: OperationId, path: string, auth: AuthContext): void {
  if (isAdminPath(path)) {
    if (auth.apiKey || auth.user?.role !== 'superadmin') {
      throw new AppError(403, 'Platform administration needs a superadmin session', 'superadmin_required');
    }
    return;
  }
  if (ANY_ORG_STATUS.has(operationId) || WEBHOOKS.has(operationId)) return;
  assertOrganizationActive(auth.org);
}

export const apiKeyCannotAdminister = () => forbidden('API keys cannot reach platform administration', 'superadmin_required');
