export class StallError extends Error {
  constructor(what: string, stallMs: number) {
    super(`${what} sent nothing for ${stallMs} ms`);
    this.name = 'StallError';
  }
}

/**
 * Re-yields `source`, failing with StallError when it yields nothing (first item or next) for `stallMs`. A
 * vendor that accepted the request and then went quiet would otherwise leave the caller listening to a dead line;
 * the adapters' own timeouts only cover connecting and the first byte.
 */
export async function* guardStalls<T>(
  source: AsyncIterable<T>,
  stallMs: number,
  what: string,
  onStall: () => void,
): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const next = iterator.next();
      const stalled = new Promise<'stalled'>((resolve) => {
        timer = setTimeout(() => resolve('stalled'), stallMs);
      });
      const result = await Promise.race([next, stalled]).finally(() => clearTimeout(timer));
      if (result === 'stalled') {
        // The abandoned read settles once onStall aborts the request; nobody is left to hear about it.
        next.catch(() => undefined);
        onStall();
        throw new StallError(what, stallMs);
      }
      if (result.done) {
        finished = true;
        return;
      }
      yield result.value;
    }
  } finally {
    if (!finished) void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}
