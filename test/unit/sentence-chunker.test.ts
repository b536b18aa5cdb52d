import { describe, expect, it } from 'vitest';
import { SentenceChunker, type SentenceChunkerOptions } from '../../src/voice/conversation/sentence-chunker';

/** Feeds `tokens` one by one, as an LLM stream would, and returns every chunk including the final flush. */
function chunk(tokens: string[], options?: SentenceChunkerOptions): string[] {
  const chunker = new SentenceChunker(options);
  const out: string[] = [];
  for (const token of tokens) out.push(...chunker.push(token));
  out.push(...chunker.flush());
  return out;
}

/** Splits text into small irregular tokens, the way models stream it. */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (let i = 0; i < text.length; ) {
    const size = 1 + ((i * 7) % 4);
    tokens.push(text.slice(i, i + size));
    i += size;
  }
  return tokens;
}

const whole = (text: string, options?: SentenceChunkerOptions) => chunk([text], options);
const streamed = (text: string, options?: SentenceChunkerOptions) => chunk(tokenize(text), options);

describe('SentenceChunker', () => {
  it('cuts at sentence ends', () => {
    expect(whole('Hello there. How are you? Great!')).toEqual(['Hello there.', 'How are you?', 'Great!']);
  });

  it('gives the same chunks whether text arrives whole or token by token', () => {
    const text =
      'Dr. Smith will see you at 3.5 p.m. tomorrow. Bring your card, e.g. the blue one... Thanks! Anything else?';
    expect(streamed(text)).toEqual(whole(text));
  });

  it('emits a sentence as soon as the next sentence starts, not only at the end', () => {
    const chunker = new SentenceChunker();
    expect(chunker.push('Sure thing.')).toEqual([]);
    expect(chunker.push(' ')).toEqual([]);
    expect(chunker.push('Let')).toEqual(['Sure thing.']);
    expect(chunker.flush()).toEqual(['Let']);
  });

  it('keeps titles and common abbreviations inside the sentence', () => {
    expect(whole('Please ask Dr. Jones or Mrs. Lee. They know.')).toEqual(['Please ask Dr. Jones or Mrs. Lee.', 'They know.']);
    expect(whole('It is on St. Mark Ave. Near the park.')).toEqual(['It is on St. Mark Ave. Near the park.']);
    expect(whole('We sell fruit, e.g. apples, i.e. the red ones. Done.')).toEqual([
      'We sell fruit, e.g. apples, i.e. the red ones.',
      'Done.',
    ]);
  });

  it('does not cut decimals, times, versions or dotted acronyms', () => {
    expect(whole('The rate is 3.5 percent. Version 2.0.1 is out.')).toEqual([
      'The rate is 3.5 percent.',
      'Version 2.0.1 is out.',
    ]);
    expect(whole('The U.S. Army was there. OK.')).toEqual(['The U.S. Army was there.', 'OK.']);
    expect(whole('Call 555.1234 today.')).toEqual(['Call 555.1234 today.']);
  });

  it('keeps initials with the name', () => {
    expect(whole('Talk to J. R. Tolkien. He wrote it.')).toEqual(['Talk to J. R. Tolkien.', 'He wrote it.']);
  });

  it('does not cut before a lowercase continuation', () => {
    expect(whole('Apples, pears, etc. are in stock. Anything else?')).toEqual([
      'Apples, pears, etc. are in stock.',
      'Anything else?',
    ]);
    expect(whole('Well... maybe. Yes.')).toEqual(['Well... maybe.', 'Yes.']);
  });

  it('cuts after ellipses and mixed punctuation when a new sentence starts', () => {
    expect(whole('Let me think... Yes, that works. Really?! Wow.')).toEqual([
      'Let me think...',
      'Yes, that works.',
      'Really?!',
      'Wow.',
    ]);
    expect(whole('Hmm… I see. Okay.')).toEqual(['Hmm…', 'I see.', 'Okay.']);
  });

  it('keeps closing quotes and brackets with their sentence', () => {
    expect(whole('He said "Hello." Then he left. (Really.) Yes.')).toEqual([
      'He said "Hello."',
      'Then he left.',
      '(Really.)',
      'Yes.',
    ]);
  });

  it('etc. and a.m. still end a sentence before a capital', () => {
    expect(whole('Open from 9 a.m. Closed on Sundays.')).toEqual(['Open from 9 a.m.', 'Closed on Sundays.']);
    expect(whole('We have pens, paper, etc. What do you need?')).toEqual([
      'We have pens, paper, etc.',
      'What do you need?',
    ]);
  });

  it('treats a list number at the start as part of the item', () => {
    expect(whole('1. Open the app.\n2. Tap login.')).toEqual(['1. Open the app.', '2. Tap login.']);
  });

  it('cuts at newlines', () => {
    expect(whole('First line\nSecond line\n\nThird')).toEqual(['First line', 'Second line', 'Third']);
  });

  it('keeps emoji with their sentence and drops chunks with nothing to say', () => {
    expect(whole('Great! 😊 See you soon. 👋')).toEqual(['Great!', '😊 See you soon.']);
    expect(whole('Hi 😊. Bye.')).toEqual(['Hi 😊.', 'Bye.']);
    expect(whole('👍')).toEqual([]);
    expect(whole('...')).toEqual([]);
  });

  it('does not break surrogate pairs or emoji sequences', () => {
    const text = 'Family 👨‍👩‍👧 time! Next.';
    const out = streamed(text);
    expect(out).toEqual(['Family 👨‍👩‍👧 time!', 'Next.']);
    expect(out.join(' ')).toBe(text);
  });

  it('cuts CJK sentences at full-width terminators without spaces', () => {
    expect(whole('こんにちは。お元気ですか？はい！')).toEqual(['こんにちは。', 'お元気ですか？', 'はい！']);
  });

  it('splits a long clause at its last comma once past the limit', () => {
    const text =
      'When you arrive at the building you should take the elevator to the third floor, then turn left at the ' +
      'reception desk and ask for the front office manager';
    const out = streamed(text, { clauseAfterChars: 60, minClauseChars: 20 });
    expect(out[0]).toBe('When you arrive at the building you should take the elevator to the third floor,');
    expect(out.join(' ')).toBe(text);
    expect(out.length).toBeGreaterThan(1);
  });

  it('does not split short sentences at commas', () => {
    expect(whole('Yes, of course, happy to help.')).toEqual(['Yes, of course, happy to help.']);
  });

  it('does not split numbers with thousands separators as clauses', () => {
    const text = `That costs 1,250,000 dollars ${'and more '.repeat(10)}today`;
    const out = streamed(text, { clauseAfterChars: 40, hardLimitChars: 1000 });
    expect(out).toEqual([text]);
  });

  it('splits an endless run-on text at a space past the hard limit', () => {
    const text = 'word '.repeat(100).trim();
    const out = streamed(text, { clauseAfterChars: 50, hardLimitChars: 80 });
    expect(out.every((c) => c.length <= 80)).toBe(true);
    expect(out.join(' ')).toBe(text);
  });

  it('flushes the unfinished tail at the end of the stream', () => {
    expect(whole('No punctuation at all')).toEqual(['No punctuation at all']);
    expect(whole('Ends with an abbreviation like Dr.')).toEqual(['Ends with an abbreviation like Dr.']);
    expect(whole('  ')).toEqual([]);
  });

  it('trims whitespace and ignores empty tokens', () => {
    expect(chunk(['', '  Hi. ', '', ' There.  '])).toEqual(['Hi.', 'There.']);
  });

  it('reset forgets buffered text', () => {
    const chunker = new SentenceChunker();
    chunker.push('Half a sent');
    chunker.reset();
    expect(chunker.flush()).toEqual([]);
  });
});
