/**
 * The typed Voicex client: openapi-typescript types (schema.ts, generated) + openapi-fetch, with authentication
 * by JWT or API key. Hand-written and stable; only schema.ts is regenerated.
 *
 *   const api = createVoicexClient({ baseUrl: 'http://localhost:3001/api', apiKey: 'vx_...' });
 *   const { data, error } = await api.GET('/dashboard/agents');
 */
import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './schema';

export type { components, operations, paths };
export type Schemas = components['schemas'];
export type VoicexClient = Client<paths>;

export interface VoicexClientOptions extends ClientOptions {
  baseUrl: string;
  /** JWT from sign-in, sign-up or setup, sent as `Authorization: Bearer`. */
  token?: string;
  /** API key (`vx_...`), sent as `x-api-key`. */
  apiKey?: string;
  /** Extra middleware, e.g. response validation in tests. */
  middleware?: Middleware[];
}

export function createVoicexClient({ token, apiKey, middleware = [], ...options }: VoicexClientOptions): VoicexClient {
  const client = createClient<paths>(options);
  client.use({
    onRequest({ request }) {
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      if (apiKey) request.headers.set('x-api-key', apiKey);
      return request;
    },
  });
  for (const m of middleware) client.use(m);
  return client;
}
