import { failStaleCalls, failUnconnectedCalls, heartbeatCalls } from '../db/repositories/calls';
import type { EndReason } from '../voice/types';
import type { ServiceContext } from './context';

/** A call this process carries. */
export interface LiveCall {
  id: string;
  /** Ends the conversation and records the call; resolves once recorded. */
  end(reason: EndReason): Promise<void>;
  /** Resolves when the call has ended, whoever ended it. */
  readonly done: Promise<void>;
}

/**
 * The calls of one server process: heartbeats them so other processes can tell they are alive, reaps calls of
 * processes that died and slots that never connected, and drains them on shutdown. One per app instance.
 */
export class CallRegistry {
  private readonly live = new Map<string, LiveCall>();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;

  constructor(private readonly svc: Pick<ServiceContext, 'db' | 'config' | 'log' | 'metrics'>) {}

  get size(): number {
    return this.live.size;
  }

  get(id: string): LiveCall | undefined {
    return this.live.get(id);
  }

  add(call: LiveCall): void {
    this.live.set(call.id, call);
    this.svc.metrics.activeCalls.inc();
    call.done.finally(() => {
      this.live.delete(call.id);
      this.svc.metrics.activeCalls.dec();
    });
  }

  /** Runs one maintenance pass now (at start) and then every heartbeat interval. */
  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.svc.config.calls.heartbeatMs);
    this.timer.unref();
  }

  /** One pass: heartbeat our calls, then close calls nobody heartbeats and slots that never connected. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    const { heartbeatMs, staleMs, connectTimeoutMs } = this.svc.config.calls;
    const now = Date.now();
    try {
      await heartbeatCalls(this.svc.db, [...this.live.keys()]);
      const stale = await failStaleCalls(this.svc.db, new Date(now - Math.max(staleMs, 2 * heartbeatMs)).toISOString());
      const unconnected = await failUnconnectedCalls(this.svc.db, new Date(now - connectTimeoutMs).toISOString());
      if (stale.length || unconnected.length) this.svc.log.warn({ stale, unconnected }, 'closed calls that lost their process or never connected');
    } catch (error) {
      // The database may be restarting; the next pass tries again.
      this.svc.log.warn({ err: error }, 'call maintenance pass failed');
    } finally {
      this.ticking = false;
    }
  }

  /** Lets active calls finish for up to `graceMs`, then ends the rest as a server shutdown. */
  async drain(graceMs: number): Promise<void> {
    const calls = [...this.live.values()];
    if (calls.length === 0) return this.stop();
    // Heartbeats go on during the grace period: without them other processes would take these calls for lost.
    let timeout: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => (timeout = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.all(calls.map((c) => c.done)), graceOver]);
    clearTimeout(timeout);
    this.stop();
    await Promise.all([...this.live.values()].map((c) => c.end('server_shutdown').catch(() => {})));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
