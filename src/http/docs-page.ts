import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { AppError } from '../errors';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where `npm run docs` writes the Redoc page and where the server reads it (git-ignored: it is built, not kept). */
export const DOCS_HTML_PATH = join(ROOT, 'docs', 'index.html');

/** The files the page is built from: it is stale once either is newer than it. */
export const DOCS_SOURCES = [join(ROOT, 'openapi.yaml'), join(ROOT, 'redocly.yaml')];

function redoclyCli(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('@redocly/cli/package.json');
  const { bin } = require(manifest) as { bin: { redocly: string } };
  return join(dirname(manifest), bin.redocly);
}

/**
 * Runs `redocly build-docs` on openapi.yaml with Redoc's scripts inlined (`--inlineBundle`): by default the page
 * loads them from a CDN, and neither CI nor many deployments can reach one. Writes to a temporary file and renames
 * it, so a concurrent reader or builder never sees half a page.
 */
export async function buildDocsPage(outPath = DOCS_HTML_PATH): Promise<void> {
  await mkdir(dirname(outPath), { recursive: true });
  const partial = join(dirname(outPath), `.build-${process.pid}-${randomBytes(4).toString('hex')}.html`);
  try {
    // cwd is the project root so redocly.yaml (lint rules, telemetry off) applies.
    await promisify(execFile)(process.execPath, [redoclyCli(), 'build-docs', 'openapi.yaml', '--output', partial, '--inlineBundle'], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    await rename(partial, outPath);
  } finally {
    await rm(partial, { force: true });
  }
}

export interface DocsPage {
  /** The built page, rebuilt first when missing or older than its sources. */
  html(): Promise<Buffer>;
}

export interface DocsPageOptions {
  htmlPath: string;
  sources: string[];
  build: () => Promise<void>;
  log: Logger;
}

const mtimeOf = async (path: string) => (await stat(path).catch(() => undefined))?.mtimeMs;

/**
 * Serves the built Redoc page and builds it on demand, so a fresh clone serves /api/docs without a manual step.
 * One build at a time per app; a failed build (e.g. dev dependencies pruned in production) is not retried until a
 * source changes, so requests cannot pile up builds.
 */
export function createDocsPage({ htmlPath, sources, build, log }: DocsPageOptions): DocsPage {
  let cached: { mtimeMs: number; body: Buffer } | undefined;
  let building: Promise<void> | undefined;
  let failedAt: number | undefined;

  const newestSource = async () => Math.max(...(await Promise.all(sources.map(async (s) => (await mtimeOf(s)) ?? 0))));

  async function rebuild(sourcesMtime: number): Promise<void> {
    if (failedAt === sourcesMtime) throw unavailable();
    building ??= (async () => {
      const started = Date.now();
      try {
        await build();
        failedAt = undefined;
        log.info({ ms: Date.now() - started, path: htmlPath }, 'API docs built');
      } catch (error) {
        failedAt = sourcesMtime;
        log.error({ err: error }, 'API docs build failed');
        throw unavailable();
      } finally {
        building = undefined;
      }
    })();
    await building;
  }

  return {
    async html() {
      const sourcesMtime = await newestSource();
      let mtimeMs = await mtimeOf(htmlPath);
      if (mtimeMs === undefined || mtimeMs < sourcesMtime) {
        await rebuild(sourcesMtime);
        mtimeMs = await mtimeOf(htmlPath);
        if (mtimeMs === undefined) throw unavailable();
      }
      if (cached?.mtimeMs !== mtimeMs) cached = { mtimeMs, body: await readFile(htmlPath) };
      return cached.body;
    },
  };
}

const unavailable = () => new AppError(503, 'API docs are not built: run `npm run docs`', 'docs_unavailable');
