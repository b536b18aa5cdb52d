/**
 * The baseline the HTTP benchmark divides by: Koa answering a small JSON body with no routing, validation,
 * auth, database or logging. Run as its own process, like the real server: `node --import tsx bare-koa-server.ts`.
 * Prints {"url": ...} on stdout once listening, like the other helper processes (processes.ts).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';

const app = new Koa();
app.use((ctx) => {
  ctx.body = { hello: 'world' };
});
const server = createServer(app.callback());
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
process.once('SIGTERM', () => process.exit(0));
