import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from './config';
import { openDatabase } from './db/database';
import { migrateToLatest } from './db/migrate';
import { seedDatabase } from './db/seed';
import { handlers } from './handlers';
import { docsRoutes } from './http/docs';
import { answerClientErrors } from './http/client-errors';
import { trackConnections } from './http/connection-drain';
import { buildDocsPage, createDocsPage, DOCS_HTML_PATH, DOCS_SOURCES } from './http/docs-page';
import { metricsRoute } from './http/metrics';
import { createOpenApiBackend } from './http/openapi';
import { limitCaller } from './http/rate-limit';
import { createHttpApp } from './http/server';
import { createLogger } from './logger';
import { createTwilioStreamServer } from './http/twilio-stream';
import { routeUpgrades } from './http/upgrades';
import { voiceDemoRoutes } from './http/voice-demo';
import { createWebVoiceServer } from './http/web-voice-stream';
import { createServiceContext, type ServiceContext } from './services/context';
import { createRateLimiters } from './services/rate-limiters';
import { TWILIO_STREAM_PATH } from './voice/twilio/protocol';
import { WEB_VOICE_PATH } from './voice/web/protocol';

export interface App {
  svc: ServiceContext;
  server: Server;
  /** Listens on config.port (0 picks a free port); resolves with the base URL. */
  start(): Promise<{ port: number; url: string }>;
  /**
   * Stops accepting connections, lets active calls go on for up to `graceMs` (default SHUTDOWN_GRACE_MS) and
   * ends the rest as completed, waits for in-flight requests, closes the database.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

export interface AppOptions {
  logger?: Logger;
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const log = options.logger ?? createLogger(config.logLevel);
  const database = openDatabase(config.databaseUrl);
  await migrateToLatest(database.db, database.dialect);
  await seedDatabase(database.db);

  const svc = createServiceContext(config, log, database);

  const limiters = createRateLimiters(config.rateLimits, { pgPool: database.pgPool });
  const api = await createOpenApiBackend(svc, handlers, { admitCaller: limitCaller(limiters) });
  const docs = createDocsPage({ htmlPath: DOCS_HTML_PATH, sources: DOCS_SOURCES, build: () => buildDocsPage(), log });
  const extraRoutes = [await docsRoutes(api, docs), await voiceDemoRoutes(), metricsRoute(svc.metrics, config.metricsToken)];
  const koa = createHttpApp(svc, api, limiters, extraRoutes);
  const server = createServer(koa.callback());
  server.keepAliveTimeout = 65_000;
  answerClientErrors(server);
  const connections = trackConnections(server);
  const twilioStreams = createTwilioStreamServer(svc);
  const webVoice = createWebVoiceServer(svc);
  routeUpgrades(server, { [TWILIO_STREAM_PATH]: twilioStreams, [WEB_VOICE_PATH]: webVoice });

  let stopping: Promise<void> | undefined;
  return {
    svc,
    server,
    start: async () => {
      // Calls a previous run left behind are closed before new ones come in.
      await svc.calls.start();
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          const { port } = server.address() as AddressInfo;
          const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
          log.info({ port, dialect: database.dialect }, 'listening');
          resolve({ port, url: `http://${host}:${port}` });
        });
      });
    },
    stop: ({ graceMs = config.calls.shutdownGraceMs } = {}) =>
      (stopping ??= (async () => {
        const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        connections.drain();
        await svc.calls.drain(graceMs);
        for (const ws of [...twilioStreams.clients, ...webVoice.clients]) ws.terminate();
        await httpClosed;
        await limiters.close();
        await database.close();
      })()),
  };
}
