import { OpenAPIBackend, OpenAPIRouter, type Request } from 'openapi-backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { CompiledRouter } from '../../src/http/compiled-router';
import { API_ROOT, SPEC_PATH } from '../../src/http/openapi';

let stock: OpenAPIRouter;
let compiled: CompiledRouter;

beforeAll(async () => {
  const api = new OpenAPIBackend({ definition: SPEC_PATH, apiRoot: API_ROOT, validate: false });
  await api.init();
  stock = new OpenAPIRouter({ definition: api.definition, apiRoot: API_ROOT });
  compiled = new CompiledRouter({ definition: api.definition, apiRoot: API_ROOT });
});

/** What a router answers: the operationId, or the error it throws in strict mode. */
function outcome(router: OpenAPIRouter, req: Request): string {
  try {
    return router.matchOperation(req, true).operationId ?? '(no operationId)';
  } catch (error) {
    return (error as Error).message;
  }
}

/** A concrete request path for a path template: every {param} becomes a plausible id. */
const concrete = (path: string) => `${API_ROOT}${path.replace(/\{[^}]+\}/g, 'a1b2c3')}`;

describe('CompiledRouter', () => {
  it('routes every operation of the spec to itself, as the stock router does', () => {
    const operations = stock.getOperations();
    expect(operations.length).toBeGreaterThan(30);
    for (const operation of operations) {
      const req = { method: operation.method.toUpperCase(), path: concrete(operation.path), headers: {} };
      expect(outcome(compiled, req), `${req.method} ${req.path}`).toBe(outcome(stock, req));
      expect(compiled.matchOperation(req)?.operationId).toBe(operation.operationId);
    }
  });

  it('answers 404 and 405 where the stock router does', () => {
    const cases: Request[] = [
      { method: 'GET', path: '/api/nothing-here', headers: {} },
      { method: 'GET', path: '/apidashboard/agents', headers: {} },
      { method: 'GET', path: '/elsewhere/dashboard/agents', headers: {} },
      { method: 'PUT', path: '/api/dashboard/agents', headers: {} },
      { method: 'POST', path: '/api/dashboard/agents/a1b2c3', headers: {} },
      { method: 'GET', path: '/api/dashboard/agents/a1b2c3/extra', headers: {} },
    ];
    for (const req of cases) {
      const expected = outcome(stock, req);
      expect(expected).toMatch(/^40[45]-/);
      expect(outcome(compiled, req), `${req.method} ${req.path}`).toBe(expected);
      expect(compiled.matchOperation(req)).toBeUndefined();
    }
  });

  it('ignores a query string and a trailing slash, and takes the method in any case', () => {
    const cases: Request[] = [
      { method: 'get', path: '/api/dashboard/agents/?skip=10', headers: {} },
      { method: 'Get', path: '/api/dashboard/models/search?category=llm', headers: {} },
      { method: 'DELETE', path: '/api/dashboard/agents/a1b2c3/', headers: {} },
    ];
    for (const req of cases) {
      const expected = outcome(stock, req);
      expect(expected).not.toMatch(/^40[45]-/);
      expect(outcome(compiled, req)).toBe(expected);
    }
  });

  it('prefers a literal path over a template that also matches it', () => {
    const literal = stock.getOperations().find((op) => op.path === '/dashboard/models/search');
    expect(literal).toBeDefined();
    const req = { method: 'GET', path: '/api/dashboard/models/search', headers: {} };
    expect(outcome(compiled, req)).toBe(literal!.operationId);
  });
});
