import { callTotals } from '../db/repositories/calls';
import { listAgentsWithStatus } from './agents';
import type { AuthContext, ServiceContext } from './context';

export interface DashboardStats {
  totalCalls: number;
  activeCalls: number;
  totalAgents: number;
  /** Agents whose computed status is `active`, i.e. that can take a call now. */
  activeAgents: number;
  totalMinutes: number;
  avgDurationSec: number;
}

/** Call totals come from SQL; agent counts need the computed status, which one providers query supplies. */
export async function dashboardStats(svc: ServiceContext, auth: AuthContext): Promise<DashboardStats> {
  const [totals, agents] = await Promise.all([callTotals(svc.db, auth.org.id), listAgentsWithStatus(svc, auth)]);
  return { ...totals, totalAgents: agents.length, activeAgents: agents.filter((a) => a.status === 'active').length };
}
