import { Writable } from 'node:stream';
import { createApp, type App } from '../../src/app';
import { parseConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createVoicexClient, type VoicexClient } from '../../generated/client';
import { freshDatabaseUrl } from './database';
import { GENEROUS_RATE_LIMITS } from './rate-limits';
import { validateResponses } from './spec';

export interface TestServer {
  app: App;
  config: Config;
  /** Origin, e.g. http://127.0.0.1:41234 */
  url: string;
  /** API base, e.g. http://127.0.0.1:41234/api */
  apiUrl: string;
  /** Every log line the server wrote, as JSON text. */
  logs: string[];
  /** The typed client; every response it receives is validated against openapi.yaml. */
  client(auth?: { token?: string; apiKey?: string }): VoicexClient;
  stop(): Promise<void>;
}

const TEST_SECRET = 'test-jwt-secret-0123456789abcdef0123456789abcdef';
const TEST_KEY = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

/** The real app on port 0 over a fresh database, as Outline's test server does it. */
export async function startTestServer(
  env: Record<string, string> = {},
  options: { persistentDatabase?: boolean } = {},
): Promise<TestServer> {
  const database = await freshDatabaseUrl({ persistent: options.persistentDatabase });
  const config = parseConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    JWT_SECRET: TEST_SECRET,
    ENCRYPTION_KEY: TEST_KEY,
    ...GENEROUS_RATE_LIMITS,
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const app = await createApp(config, { logger: createLogger(env.LOG_LEVEL ?? 'info', sink) });
  const { url } = await app.start();
  const apiUrl = `${url}/api`;
  return {
    app,
    config,
    url,
    apiUrl,
    logs,
    client: (auth = {}) => createVoicexClient({ baseUrl: apiUrl, ...auth, middleware: [validateResponses] }),
    stop: async () => {
      await app.stop();
      await database.drop();
    },
  };
}
