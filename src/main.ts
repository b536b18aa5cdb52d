import { createApp } from './app';
import { ConfigError, parseConfig } from './config';

// The only file that reads process.env and listens.
try {
  const config = parseConfig(process.env);
  const app = await createApp(config);
  const { port } = await app.start();
  app.svc.log.info(`Voicex API on http://localhost:${port}/api (health: /api/health)`);
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
