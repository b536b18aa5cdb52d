/**
 * The baseline the HTTP benchmark divides by: Koa answering a small JSON body with no routing, validation,
 * auth, database or logging. Run as its own process, like the real server: `node --import tsx bare-koa-server.ts`.
 * Prints {"url": ...} on stdout once listening, like the other helper processes (processes.ts).
 *
 * `--body-file F` answers the JSON in F instead (parsed once, serialized per request as Koa does), to tell what a
 * response of that size costs by itself.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import Koa from 'koa';

const { values } = parseArgs({ options: { 'body-file': { type: 'string' } } });
const body: unknown = values['body-file'] ? JSON.parse(readFileSync(values['body-file'], 'utf8')) : { hello: 'world' };
const app = new Koa();
app.use((ctx) => {
  ctx.body = body;
});
const server = createServer(app.callback());
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
process.once('SIGTERM', () => process.exit(0));
