import type { NewCall } from '../db/repositories/calls';
import { insertCallWithinLimits } from '../db/repositories/calls';
import type { Call, Plan } from '../domain';
import { AppError, notFound } from '../errors';
import { resolveAgentForCall } from './agent-resolution';
import type { AuthContext, ServiceContext } from './context';

const monthStart = (date = new Date()) => `${date.toISOString().slice(0, 7)}-01`;

/**
 * Reserves one concurrent-call slot by inserting the call as `active`, if the plan has minutes left this month.
 * Count and insert happen under the organization's lock, so parallel webhooks and web sessions (on any process)
 * never exceed `maxConcurrentCalls`.
 */
async function reserveCall(svc: ServiceContext, plan: Plan, call: Omit<NewCall, 'instanceId'>): Promise<Call> {
  const limits = { maxActive: plan.limits.maxConcurrentCalls, maxMonthlyMinutes: plan.limits.maxMonthlyMinutes, monthStart: monthStart() };
  const reserved = await insertCallWithinLimits(svc.db, svc.dialect, { ...call, instanceId: svc.instanceId }, limits);
  if (reserved === 'minutes') throw new AppError(403, 'The monthly minutes of the plan are used up', 'minutes_exhausted');
  if (reserved === 'lines') throw new AppError(403, 'All call lines of the plan are busy', 'concurrency_limit');
  return reserved;
}

export type CallRequest = Omit<NewCall, 'instanceId' | 'orgId' | 'agentId' | 'agentName'>;

/**
 * The checks every call passes before it gets a line, whatever its channel: the organization is active, the agent
 * is its own and able to take calls, and the plan has a free line and minutes left. Refusals are AppErrors whose
 * code (`org_inactive`, `no_agent`, `agent_paused`, `concurrency_limit`, `minutes_exhausted`) each channel
 * presents its own way; admission reserves the slot.
 */
export async function admitCall(svc: ServiceContext, auth: AuthContext, agentId: string, request: CallRequest): Promise<Call> {
  if (auth.org.status !== 'active') throw new AppError(403, 'The organization is not active', 'org_inactive');
  const resolved = await resolveAgentForCall(svc, auth.org.id, agentId);
  if (!resolved) throw new AppError(404, notFound('Agent').message, 'no_agent');
  if (!resolved.ready) {
    throw new AppError(403, `The agent cannot take calls: ${resolved.pauseReason}`, 'agent_paused');
  }
  return reserveCall(svc, resolved.plan, {
    ...request,
    orgId: auth.org.id,
    agentId: resolved.agent.id,
    agentName: resolved.agent.name,
  });
}
