import { describe, expect, it } from 'vitest';
import { SseParser } from '../../src/providers/http/sse-parser';
import type { ServerSentEvent } from '../../src/providers/http/sse-parser';

function parseInPieces(text: string, cut: (i: number) => boolean): ServerSentEvent[] {
  const parser = new SseParser();
  const events: ServerSentEvent[] = [];
  let start = 0;
  for (let i = 1; i <= text.length; i++) {
    if (i === text.length || cut(i)) {
      events.push(...parser.push(text.slice(start, i)));
      start = i;
    }
  }
  return [...events, ...parser.finish()];
}

const STREAM =
  ': keep-alive\r\n\r\n' +
  'data: {"a":1}\r\n\r\n' +
  'event: custom\ndata: line one\ndata: line two\nid: 7\n\n' +
  'data:no-space\r\r' +
  ':comment in the middle\n' +
  'data: [DONE]\n\n' +
  'data: trailing without blank line';

describe('SseParser', () => {
  const expected: ServerSentEvent[] = [
    { event: 'message', data: '{"a":1}' },
    { event: 'custom', data: 'line one\nline two', id: '7' },
    { event: 'message', data: 'no-space', id: '7' },
    { event: 'message', data: '[DONE]', id: '7' },
    { event: 'message', data: 'trailing without blank line', id: '7' },
  ];

  it('parses a whole stream', () => {
    expect(parseInPieces(STREAM, () => false)).toEqual(expected);
  });

  it('gives the same events however the stream is split (every byte boundary, including inside CRLF)', () => {
    expect(parseInPieces(STREAM, () => true)).toEqual(expected);
    for (let size = 2; size < 12; size++) {
      expect(parseInPieces(STREAM, (i) => i % size === 0)).toEqual(expected);
    }
  });

  it('ignores events made of comments only and dispatches nothing for an empty stream', () => {
    expect(parseInPieces(': ping\n\n: ping\n\n', () => false)).toEqual([]);
    expect(new SseParser().finish()).toEqual([]);
  });
});
