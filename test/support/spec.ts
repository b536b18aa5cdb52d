import type { Middleware } from 'openapi-fetch';
import { OpenAPIBackend } from 'openapi-backend';
import addFormats from 'ajv-formats';
import { SPEC_PATH } from '../../src/http/openapi';

/**
 * Validates every response the typed client receives against openapi.yaml: the status must be documented for
 * the operation and the body must match its schema. A mismatch rejects the call, so the test fails.
 */
let specApi: Promise<OpenAPIBackend> | undefined;

function loadSpec(): Promise<OpenAPIBackend> {
  specApi ??= (async () => {
    const api = new OpenAPIBackend({
      definition: SPEC_PATH,
      apiRoot: '/api',
      validate: true,
      customizeAjv: (ajv) => {
        addFormats.default(ajv, ['email', 'date-time', 'date', 'uri']);
        return ajv;
      },
    });
    await api.init();
    return api;
  })();
  return specApi;
}

export async function assertResponseMatchesSpec(method: string, schemaPath: string, response: Response): Promise<void> {
  const api = await loadSpec();
  const operation = api.router
    .getOperations()
    .find((op) => op.path === schemaPath && op.method === method.toLowerCase());
  if (!operation) throw new Error(`No operation ${method} ${schemaPath} in openapi.yaml`);
  const where = `${method} ${schemaPath} -> ${response.status}`;
  const documented = operation.responses?.[String(response.status)];
  if (!documented) throw new Error(`${where}: status not documented in openapi.yaml`);
  const content = (documented as { content?: Record<string, unknown> }).content;
  if (!content) {
    const text = await response.clone().text();
    if (text) throw new Error(`${where}: documented without a body but got "${text.slice(0, 200)}"`);
    return;
  }
  const type = response.headers.get('content-type') ?? '';
  if (content['application/json']) {
    if (!type.includes('application/json')) throw new Error(`${where}: expected JSON, got ${type}`);
    const body = await response.clone().json();
    const result = api.validateResponse(body, operation, response.status);
    if (result.errors?.length) {
      throw new Error(`${where}: body does not match openapi.yaml: ${JSON.stringify(result.errors)}\n${JSON.stringify(body).slice(0, 2000)}`);
    }
  } else if (!Object.keys(content).some((t) => type.includes(t))) {
    throw new Error(`${where}: expected ${Object.keys(content).join(', ')}, got ${type}`);
  }
}

export const validateResponses: Middleware = {
  async onResponse({ request, response, schemaPath }) {
    await assertResponseMatchesSpec(request.method, schemaPath, response);
    return response;
  },
};

/** For raw requests outside the client (malformed input): any error must be `{ error }` of the Error schema. */
export async function expectErrorBody(response: Response): Promise<{ error: string; code?: string }> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('application/json')) throw new Error(`error answered as ${type}, not JSON`);
  const body = (await response.json()) as { error?: unknown };
  if (typeof body.error !== 'string' || !body.error) throw new Error(`error body without "error": ${JSON.stringify(body)}`);
  return body as { error: string; code?: string };
}
