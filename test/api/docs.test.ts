import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPEC_PATH } from '../../src/http/openapi';
import { startTestServer, type TestServer } from '../support/server';

// The Redoc page itself is opened in Chromium by test/browser/docs.test.ts.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('the spec, served beside the API', () => {
  it('GET /openapi.yaml answers openapi.yaml as written', async () => {
    const response = await fetch(`${server.apiUrl}/openapi.yaml`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/yaml; charset=utf-8');
    expect(await response.text()).toBe(await readFile(SPEC_PATH, 'utf8'));
  });

  it('GET /openapi.json answers the parsed definition with its $refs', async () => {
    const response = await fetch(`${server.apiUrl}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const spec = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, { $ref?: string }> }>>;
    };
    expect(spec.openapi).toBe('3.0.3');
    const createAgent = spec.paths['/dashboard/agents']?.post;
    expect(createAgent?.operationId).toBe('createAgent');
    expect(createAgent?.responses?.['401']).toEqual({ $ref: '#/components/responses/Unauthorized' });
    const yamlPaths = [...(await readFile(SPEC_PATH, 'utf8')).matchAll(/^ {2}(\/\S*):$/gm)].map((m) => m[1]);
    expect(Object.keys(spec.paths)).toEqual(yamlPaths);
  });

  it('the spec routes are not API operations: other methods are not routed', async () => {
    expect((await fetch(`${server.apiUrl}/openapi.json`, { method: 'DELETE' })).status).toBe(404);
  });
});
