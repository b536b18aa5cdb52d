import type Koa from 'koa';
import { badRequest } from '../errors';

/** Deeper than any body in openapi.yaml; deeper bodies only cost validation time. */
const MAX_JSON_DEPTH = 32;

function nestingDepth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (!node || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_JSON_DEPTH) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function containsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const node = stack.pop();
    if (typeof node === 'string') {
      if (node.includes('\u0000')) return true;
    } else if (node && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        if (key.includes('\u0000')) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Refuses URLs whose percent-encoding is broken or not UTF-8 (`%zz`, `%FF`), and, on every dialect alike, input that passes the schema but that no operation can use: bodies nested
 * beyond MAX_JSON_DEPTH, and NUL characters (Postgres cannot store them in text; SQLite would).
 */
export function screenRequestInput(): Koa.Middleware {
  return async (ctx, next) => {
    if (!decodes(ctx.path) || !decodes(ctx.querystring)) throw badRequest('The URL has broken percent-encoding', 'bad_url_encoding');
    if (nestingDepth(ctx.request.body) > MAX_JSON_DEPTH) {
      throw badRequest(`Request body is nested deeper than ${MAX_JSON_DEPTH} levels`, 'body_too_deep');
    }
    if (/%00/.test(ctx.path) || containsNul(ctx.query) || containsNul(ctx.request.body)) {
      throw badRequest('Text must not contain NUL characters', 'nul_character');
    }
    await next();
  };
}
