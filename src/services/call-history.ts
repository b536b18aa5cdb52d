/** The organization's recorded calls as the dashboard reads them; the call paths write them. */
import { countCalls, findCall, listCalls, type CallFilter } from '../db/repositories/calls';
import type { Call } from '../domain';
import { notFound } from '../errors';
import type { AuthContext, ServiceContext } from './context';

export const listOrganizationCalls = (
  svc: ServiceContext,
  auth: AuthContext,
  filter: CallFilter & { skip: number; limit: number },
) => listCalls(svc.db, auth.org.id, filter);

export const countOrganizationCalls = (svc: ServiceContext, auth: AuthContext, filter: CallFilter) => countCalls(svc.db, auth.org.id, filter);

export async function getOrganizationCall(svc: ServiceContext, auth: AuthContext, id: string): Promise<Call> {
  const call = await findCall(svc.db, auth.org.id, id);
  if (!call) throw notFound('Call');
  return call;
}
