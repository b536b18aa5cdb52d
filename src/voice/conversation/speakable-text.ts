/**
 * Turns a chunk of LLM output into what a voice should read. Models write markdown and emoji even when told not
 * to; a TTS engine would either spell the symbols out or stumble on them.
 */
export function toSpeakableText(text: string): string {
  return text
    .replace(/\p{Extended_Pictographic}[\u{FE0F}\u{200D}\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}]*/gu, '')
    .replace(/[\u{1F1E6}-\u{1F1FF}]/gu, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/gu, '$1')
    .replace(/(\*\*|__|\*|`+|~~)/gu, '')
    .replace(/^\s*(#{1,6}\s+|[-•]\s+|>\s*)/gmu, '')
    .replace(/\s+/gu, ' ')
    .trim();
}
