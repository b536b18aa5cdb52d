import cluster from 'node:cluster';
import { createApp } from './app';
import { runPrimary } from './cluster';
import { ConfigError, parseConfig, type Config } from './config';
import { createLogger } from './logger';
import { firstStartMessage } from './next-steps';
import { isSetupCompleted } from './services/setup';

// The only file that reads process.env and listens.

async function runServer(config: Config): Promise<void> {
  const app = await createApp(config);
  const { url } = await app.start();
  app.svc.log.info(`Voicex API on ${url}/api (health: /api/health, docs: /api/docs)`);
  const firstWorker = cluster.isPrimary || cluster.worker?.id === 1;
  if (firstWorker && !(await isSetupCompleted(app.svc))) console.log(firstStartMessage(url));
  const shutdown = (signal: string) => {
    app.svc.log.info({ signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      (error) => {
        app.svc.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

try {
  const config = parseConfig(process.env);
  if (config.webConcurrency > 1 && cluster.isPrimary) await runPrimary(config, createLogger(config.logLevel));
  else await runServer(config);
} catch (error) {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exit(1);
}
