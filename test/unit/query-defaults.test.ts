import { OpenAPIBackend } from 'openapi-backend';
import { expect, it } from 'vitest';
import { DEFAULTED_QUERY_PARAMETERS } from '../../src/http/handler-types';
import { SPEC_PATH } from '../../src/http/openapi';

interface Parameter {
  name: string;
  in: string;
  schema?: { default?: unknown };
}

it('handlers see exactly the query parameters with a spec default as always set', async () => {
  const api = new OpenAPIBackend({ definition: SPEC_PATH, validate: false });
  await api.init();
  const query = api.router
    .getOperations()
    .flatMap((op) => (op.parameters ?? []) as Parameter[])
    .filter((p) => p.in === 'query');
  const defaulted = new Set(query.filter((p) => p.schema?.default !== undefined).map((p) => p.name));

  expect([...defaulted].sort()).toEqual([...DEFAULTED_QUERY_PARAMETERS].sort());
  // A parameter of one of these names without a default would be typed as set while it may be missing.
  const undefaulted = query.filter((p) => defaulted.has(p.name) && p.schema?.default === undefined);
  expect(undefaulted.map((p) => p.name)).toEqual([]);
});
