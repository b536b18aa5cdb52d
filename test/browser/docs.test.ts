import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { startTestServer, type TestServer } from '../support/server';

interface Spec {
  tags: { name: string }[];
  paths: Record<string, Record<string, { summary: string; tags: string[] } | unknown>>;
}

let server: TestServer;
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
  server = await startTestServer();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A page that may load from the test server (and its own blob: workers) only; anything else is refused and noted. */
async function offlinePage(): Promise<{ page: Page; refused: string[]; errors: string[] }> {
  const page = await browser.newPage();
  // Fail on the step that hangs, well inside the test's own timeout.
  page.setDefaultTimeout(15_000);
  const refused: string[] = [];
  const errors: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${server.url}/`) || url.startsWith('blob:') || url.startsWith('data:')) return route.continue();
    refused.push(url);
    return route.abort();
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, refused, errors };
}

/** Every operation as Redoc's menu shows it: its summary followed by its method. */
function menuEntriesByTag(spec: Spec): Map<string, string[]> {
  const byTag = new Map<string, string[]>();
  for (const item of Object.values(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (typeof op !== 'object' || op === null || !('summary' in op)) continue;
      const { summary, tags } = op as { summary: string; tags: string[] };
      for (const tag of tags) byTag.set(tag, [...(byTag.get(tag) ?? []), `${summary}${method}`]);
    }
  }
  return byTag;
}

describe('GET /api/docs in Chromium', () => {
  it('renders every operation of openapi.yaml, offline', { timeout: 90_000 }, async () => {
    const spec = (await (await fetch(`${server.apiUrl}/openapi.json`)).json()) as Spec;
    const expected = menuEntriesByTag(spec);
    expect(expected.get('Agents')).toContain('Create an agentpost');

    const { page, refused, errors } = await offlinePage();
    const response = await page.goto(`${server.apiUrl}/docs`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
    await expect(page.title()).resolves.toBe('Voicex API');

    // Redoc's menu lists a tag's operations once the tag is opened.
    const menu = page.locator('.menu-content');
    for (const tag of spec.tags.map((t) => t.name)) {
      await menu.getByRole('link', { name: tag, exact: true }).click();
      const operations = menu.locator('.menu-item-type-operation');
      await expect
        .poll(() => operations.allTextContents(), { message: `operations of tag ${tag}`, timeout: 15_000 })
        .toEqual(expect.arrayContaining(expected.get(tag) ?? ['(tag without operations)']));
    }

    // An operation's own section renders with its path (opening a tag closed the one before).
    await menu.getByRole('link', { name: 'Agents', exact: true }).click();
    await menu.getByText('Create an agent', { exact: true }).click();
    await page.locator('h2').filter({ hasText: /^Create an agent$/ }).waitFor();
    await page.getByText('/dashboard/agents', { exact: true }).first().waitFor();

    // Redoc's scripts and styles are inline in the page: nothing it needs comes from a CDN.
    expect(refused.filter((url) => /\.(m?js|css)(\?|$)/.test(url))).toEqual([]);
    expect(errors).toEqual([]);
  });
});
