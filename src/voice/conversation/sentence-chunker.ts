/**
 * Cuts a stream of LLM tokens into pieces worth sending to TTS on their own: whole sentences, or clauses of long
 * sentences, so the first audio can start while the model is still writing.
 *
 * A sentence ends at `.`, `!`, `?` or an ellipsis followed by whitespace and then something that does not look
 * like the sentence going on (a lowercase letter). Because of that look-ahead a boundary is only decided once the
 * next visible character has arrived; `flush()` decides the rest when the stream ends.
 */
export interface SentenceChunkerOptions {
  /** A sentence this long with no end in sight is cut at its last comma-like break. */
  clauseAfterChars?: number;
  /** A clause cut is never shorter than this. */
  minClauseChars?: number;
  /** Past this length the text is cut at the last space even without a comma. */
  hardLimitChars?: number;
}

const TERMINATORS = new Set(['.', '!', '?', '…']);
/** CJK full-width terminators end a sentence without a following space. */
const WIDE_TERMINATORS = new Set(['。', '！', '？']);
const CLOSERS = new Set(['"', "'", ')', ']', '}', '”', '’', '»', '」', '』']);
const CLAUSE_BREAKS = new Set([',', ';', ':', '—', '–', '、', '，', '；']);

/**
 * Words after which a period does not end the sentence. Abbreviations that often do end one ("etc.", "a.m.",
 * "Inc.") are left out: the lowercase rule already keeps "etc. and" together.
 */
const ABBREVIATIONS = new Set([
  'dr', 'mr', 'mrs', 'ms', 'mx', 'prof', 'st', 'jr', 'sr', 'vs', 'no', 'nos', 'mt', 'ft', 'fig', 'dept', 'approx',
  'e.g', 'i.e', 'cf', 'eg', 'ie', 'gen', 'gov', 'sen', 'rep', 'rev', 'capt', 'lt', 'col', 'sgt', 'ave', 'blvd',
  'tel', 'ext', 'vol', 'p', 'pp', 'op', 'est',
]);

const isSpace = (ch: string): boolean => /\s/u.test(ch);
const isLowercaseLetter = (ch: string): boolean => /\p{Ll}/u.test(ch);
/** Text a voice can say: at least one letter or digit (an emoji or "..." alone is not). */
const isSpeakable = (text: string): boolean => /[\p{L}\p{N}]/u.test(text);

export class SentenceChunker {
  private buffer = '';
  private readonly clauseAfterChars: number;
  private readonly minClauseChars: number;
  private readonly hardLimitChars: number;

  constructor(options: SentenceChunkerOptions = {}) {
    this.clauseAfterChars = options.clauseAfterChars ?? 120;
    this.minClauseChars = options.minClauseChars ?? 20;
    this.hardLimitChars = options.hardLimitChars ?? 240;
  }

  /** Adds streamed text; returns the chunks it completed, in order. */
  push(text: string): string[] {
    this.buffer += text;
    return this.drain(false);
  }

  /** The stream ended: returns whatever is left as final chunks. */
  flush(): string[] {
    const chunks = this.drain(true);
    const rest = this.buffer.trim();
    this.buffer = '';
    if (isSpeakable(rest)) chunks.push(rest);
    return chunks;
  }

  /** Forgets buffered text (the reply was abandoned). */
  reset(): void {
    this.buffer = '';
  }

  private drain(final: boolean): string[] {
    const chunks: string[] = [];
    for (;;) {
      const end = findSentenceEnd(this.buffer, final) ?? this.findClauseEnd();
      if (end === null) return chunks;
      const chunk = this.buffer.slice(0, end).trim();
      this.buffer = this.buffer.slice(end).replace(/^\s+/u, '');
      if (isSpeakable(chunk)) chunks.push(chunk);
      // A lone "..." or emoji has nothing to say; it stays with the sentence it followed.
      else if (chunk && chunks.length > 0) chunks[chunks.length - 1] += ` ${chunk}`;
    }
  }

  private findClauseEnd(): number | null {
    const text = this.buffer;
    if (text.length < this.clauseAfterChars) return null;
    for (let i = text.length - 2; i >= this.minClauseChars - 1; i--) {
      if (CLAUSE_BREAKS.has(text[i]!) && isSpace(text[i + 1]!)) return i + 1;
    }
    if (text.length < this.hardLimitChars) return null;
    for (let i = text.length - 1; i >= this.minClauseChars; i--) {
      if (isSpace(text[i]!)) return i;
    }
    return null;
  }
}

/**
 * The index just past the first sentence in `text`, or null when there is none yet (or when the first candidate
 * cannot be decided until more text arrives; later candidates must wait for it anyway).
 */
function findSentenceEnd(text: string, final: boolean): number | null {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') {
      if (text.slice(0, i).trim()) return i + 1;
      continue;
    }
    if (WIDE_TERMINATORS.has(ch)) {
      let j = i + 1;
      while (j < text.length && (WIDE_TERMINATORS.has(text[j]!) || CLOSERS.has(text[j]!))) j++;
      return j;
    }
    if (!TERMINATORS.has(ch)) continue;

    let j = i;
    while (j < text.length && TERMINATORS.has(text[j]!)) j++;
    const run = text.slice(i, j);
    while (j < text.length && CLOSERS.has(text[j]!)) j++;
    if (j === text.length) return final ? j : null;
    if (!isSpace(text[j]!)) {
      // "3.5", "e.g.x", "U.S.A": punctuation inside a token.
      i = j - 1;
      continue;
    }
    let k = j;
    while (k < text.length && isSpace(text[k]!) && text[k] !== '\n') k++;
    if (k === text.length) return final ? j : null;
    if (text[k] === '\n') return j;
    if (continuesSentence(text, i, run, text[k]!)) {
      i = j - 1;
      continue;
    }
    return j;
  }
  return null;
}

/** Decides whether the terminator run at `at` is not a sentence end after all. */
function continuesSentence(text: string, at: number, run: string, next: string): boolean {
  if (isLowercaseLetter(next)) return true;
  if (run !== '.') return false;
  const word = wordBefore(text, at);
  if (!word) return false;
  const bare = word.replace(/^[("'“‘[]+/u, '');
  if (ABBREVIATIONS.has(bare.toLowerCase())) return true;
  // An initial ("J. Smith") or an uppercase dotted acronym ("U.S. Army"; "a.m. Closed" does end a sentence).
  if (/^\p{L}$/u.test(bare) && bare !== 'I') return true;
  if (/^(\p{Lu}\.)+\p{Lu}$/u.test(bare)) return true;
  // A list number at the start of the text ("1. Open the app").
  if (/^\d+$/u.test(bare) && text.slice(0, at - word.length).trim() === '') return true;
  return false;
}

function wordBefore(text: string, at: number): string {
  let start = at;
  while (start > 0 && !isSpace(text[start - 1]!)) start--;
  return text.slice(start, at);
}
