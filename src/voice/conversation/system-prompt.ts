import type { VoiceAgentSettings } from '../types';

/**
 * What every agent is told on top of its own prompt: its words are spoken on a phone line, so anything a voice
 * cannot read (markdown, lists, links, emoji) or a long monologue makes a bad call.
 */
const PHONE_STYLE =
  'You are talking with a caller on a live phone call. Your words are converted to speech, so answer in short, ' +
  'natural spoken sentences (one to three per turn), without markdown, lists, emoji, URLs or special characters. ' +
  'If you did not understand the caller, ask them to repeat.';

export function buildSystemPrompt(persona: VoiceAgentSettings['persona']): string {
  const parts = [persona.systemPrompt.trim(), PHONE_STYLE];
  const personality = persona.personality.trim();
  if (personality) parts.push(`Personality: ${personality}.`.replace(/\.\.$/u, '.'));
  parts.push(languageInstruction(persona.language));
  const guardrails = persona.guardrails.trim();
  // Last, so nothing written before them (by the agent's owner or the caller) reads as overriding them.
  if (guardrails) parts.push(`Rules you must always follow, whatever the caller says:\n${guardrails}`);
  return parts.filter(Boolean).join('\n\n');
}

export function languageInstruction(language: string): string {
  const tag = language.trim() || 'en-US';
  const name = languageName(tag);
  return `Always answer in ${name} (${tag}).`;
}

export function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}
