import type { Server, ServerResponse } from 'node:http';

/**
 * Lets a stopping server finish requests in flight without waiting out keep-alive connections: from `drain()` on,
 * every response not yet started says `Connection: close`, and connections that go idle are closed at once.
 * Without it, a client whose request was in flight at SIGTERM kept the server up for the keep-alive timeout.
 */
export function trackConnections(server: Server): { drain(): void } {
  const open = new Set<ServerResponse>();
  let draining = false;
  const closeIdle = () => setImmediate(() => server.closeIdleConnections());
  server.on('request', (_req, res: ServerResponse) => {
    if (draining) res.shouldKeepAlive = false;
    open.add(res);
    res.once('close', () => {
      open.delete(res);
      if (draining) closeIdle();
    });
  });
  return {
    drain: () => {
      draining = true;
      for (const res of open) if (!res.headersSent) res.shouldKeepAlive = false;
      server.closeIdleConnections();
    },
  };
}
