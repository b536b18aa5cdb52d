import { createApp } from './app';
import { ConfigError, parseConfig } from './config';
import { firstStartMessage } from './next-steps';
import { isSetupCompleted } from './services/setup';

// The only file that reads process.env and listens.
try {
  const config = parseConfig(process.env);
  const app = await createApp(config);
  const { url } = await app.start();
  app.svc.log.info(`Voicex API on ${url}/api (health: /api/health, docs: /api/docs)`);
  if (!(await isSetupCompleted(app.svc))) console.log(firstStartMessage(url));
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
} catch (error) {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exit(1);
}
