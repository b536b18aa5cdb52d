import { readFile } from 'node:fs/promises';
import { Router } from '@koa/router';
import type Koa from 'koa';
import type { OpenAPIBackend } from 'openapi-backend';
import type { DocsPage } from './docs-page';
import { API_ROOT, SPEC_PATH } from './openapi';

/**
 * The API reference beside the API, outside openapi.yaml's operations: the Redoc page, the spec as written
 * (YAML) and the parsed definition (JSON, `$ref`s kept) for tools that want JSON.
 */
export async function docsRoutes(api: OpenAPIBackend, page: DocsPage): Promise<Koa.Middleware> {
  const yaml = await readFile(SPEC_PATH, 'utf8');
  // api.document is the parsed, not the dereferenced, definition: valid OpenAPI, and free of reference cycles.
  const json = JSON.stringify(api.document);

  const router = new Router({ prefix: API_ROOT });
  router.get('/docs', async (ctx) => {
    const html = await page.html();
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = html;
  });
  router.get('/openapi.yaml', (ctx) => {
    ctx.type = 'text/yaml; charset=utf-8';
    ctx.body = yaml;
  });
  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json; charset=utf-8';
    ctx.body = json;
  });
  return router.routes() as Koa.Middleware;
}
