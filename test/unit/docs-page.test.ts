import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDocsPage } from '../../src/http/docs-page';

let dir: string;
let spec: string;
let html: string;
let builds: number;
let failing: boolean;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'voicex-docs-'));
  spec = join(dir, 'openapi.yaml');
  html = join(dir, 'docs', 'index.html');
  await writeFile(spec, 'openapi: 3.0.3\n');
  builds = 0;
  failing = false;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Stands in for redocly: writes a page that names its build number, or fails while `failing`. */
function docsPage() {
  return createDocsPage({
    htmlPath: html,
    sources: [spec],
    log: pino({ level: 'silent' }),
    build: async () => {
      builds += 1;
      if (failing) throw new Error('redocly is not installed');
      await mkdir(dirname(html), { recursive: true });
      await writeFile(html, `build ${builds}`);
    },
  });
}

const setMtime = (path: string, offsetSec: number) => {
  const time = new Date(Date.now() + offsetSec * 1000);
  return utimes(path, time, time);
};

describe('the docs page', () => {
  it('is built when missing, then served without rebuilding', async () => {
    const page = docsPage();
    expect(String(await page.html())).toBe('build 1');
    expect(String(await page.html())).toBe('build 1');
    expect(builds).toBe(1);
  });

  it('is rebuilt once a source is newer than it', async () => {
    const page = docsPage();
    await page.html();
    await setMtime(spec, -120);
    await setMtime(html, -60);
    expect(String(await page.html())).toBe('build 1');
    await setMtime(spec, 0);
    expect(String(await page.html())).toBe('build 2');
  });

  it('builds once for concurrent first requests', async () => {
    const page = docsPage();
    const pages = await Promise.all([page.html(), page.html(), page.html()]);
    expect(pages.map(String)).toEqual(['build 1', 'build 1', 'build 1']);
    expect(builds).toBe(1);
  });

  it('answers 503 after a failed build and tries again only once a source changed', async () => {
    const page = docsPage();
    failing = true;
    await expect(page.html()).rejects.toMatchObject({ status: 503, code: 'docs_unavailable' });
    await expect(page.html()).rejects.toMatchObject({ status: 503, code: 'docs_unavailable' });
    expect(builds).toBe(1);

    failing = false;
    await setMtime(spec, 5);
    expect(String(await page.html())).toBe('build 2');
  });
});
