import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from '@koa/router';
import type Koa from 'koa';
import { API_ROOT } from './openapi';

const DEMO_DIR = fileURLToPath(new URL('./voice-demo/', import.meta.url));

/** Served as written: plain HTML and ES modules, no build step. */
const FILES: Record<string, { file: string; type: string }> = {
  '/voice/demo': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/voice/demo/demo.js': { file: 'demo.js', type: 'text/javascript; charset=utf-8' },
  '/voice/demo/capture-worklet.js': { file: 'capture-worklet.js', type: 'text/javascript; charset=utf-8' },
};

/** The web voice demo page: talk to an agent from this browser (see README, "Web voice channel"). */
export async function voiceDemoRoutes(): Promise<Koa.Middleware> {
  const router = new Router({ prefix: API_ROOT });
  for (const [path, { file, type }] of Object.entries(FILES)) {
    const body = await readFile(join(DEMO_DIR, file), 'utf8');
    router.get(path, (ctx) => {
      ctx.set('Cache-Control', 'no-cache');
      // Only this origin's scripts; the socket and the API are this origin too.
      ctx.set('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:");
      ctx.type = type;
      ctx.body = body;
    });
  }
  return router.routes() as Koa.Middleware;
}
