/** Small helpers shared by the adapter tests. */
import { expect } from 'vitest';
import { ProviderError } from '../../src/providers/errors';
import type { SynthesisRequest, TextToSpeech } from '../../src/providers/types';

export async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected a ProviderError');
}

export async function until(condition: () => boolean, timeoutMs = 4000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function synthesizeAll(tts: TextToSpeech, request: SynthesisRequest): Promise<{ audio: Buffer; chunks: number }> {
  const parts: Buffer[] = [];
  for await (const chunk of tts.synthesize(request)) parts.push(chunk);
  return { audio: Buffer.concat(parts), chunks: parts.length };
}
