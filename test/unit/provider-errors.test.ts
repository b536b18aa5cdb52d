import { describe, expect, it } from 'vitest';
import { ProviderError, kindForStatus, providerErrorFromStatus, redactSecrets, toProviderError } from '../../src/providers/errors';
import { createLanguageModel, createSpeechToText, createTextToSpeech } from '../../src/providers';
import { UnsafeProviderUrlError } from '../../src/providers/url-guard';

describe('ProviderError', () => {
  it('maps statuses to kinds', () => {
    expect(kindForStatus(401)).toBe('auth');
    expect(kindForStatus(403)).toBe('auth');
    expect(kindForStatus(429)).toBe('rate_limited');
    expect(kindForStatus(500)).toBe('unavailable');
    expect(kindForStatus(502)).toBe('unavailable');
    expect(kindForStatus(504)).toBe('timeout');
    expect(kindForStatus(404)).toBe('invalid_request');
    expect(kindForStatus(302)).toBe('bad_response');
  });

  it('builds messages from vendor bodies without credentials', () => {
    const error = providerErrorFromStatus('openai', 401, JSON.stringify({ error: { message: 'Incorrect API key provided: sk-abc*****wxyz' } }), []);
    expect(error.message).toBe('openai: HTTP 401: Incorrect API key provided: [redacted]');
    expect(error.kind).toBe('auth');
    expect(error.retryable).toBe(false);
    const deepgram = providerErrorFromStatus('deepgram', 401, '{"err_code":"INVALID_AUTH","err_msg":"Invalid credentials."}', []);
    expect(deepgram.message).toBe('deepgram: HTTP 401: Invalid credentials.');
    const eleven = providerErrorFromStatus('elevenlabs', 429, '{"detail":{"status":"too_many","message":"Slow down"}}', []);
    expect(eleven.message).toBe('elevenlabs: HTTP 429: Slow down');
    expect(eleven.retryable).toBe(true);
  });

  it('redacts exact credential values and key-shaped tokens', () => {
    expect(redactSecrets('key my-secret-value was wrong', ['my-secret-value'])).toBe('key [redacted] was wrong');
    expect(redactSecrets('Authorization: Bearer abcdefghijklmnop', [])).toBe('Authorization: [redacted]');
    expect(redactSecrets('got gsk_ABCDEFGHIJKL here', [])).toBe('got [redacted] here');
  });

  it('normalises thrown errors', () => {
    expect(toProviderError(Object.assign(new Error('connect ECONNREFUSED 1.2.3.4:443'), { code: 'ECONNREFUSED' }), 'groq').kind).toBe('unavailable');
    expect(toProviderError(new DOMException('aborted', 'AbortError'), 'groq').kind).toBe('aborted');
    expect(toProviderError(new UnsafeProviderUrlError('nope', 'address'), 'groq').kind).toBe('unsafe_url');
    const original = new ProviderError({ kind: 'timeout', provider: 'x', message: 'slow' });
    expect(toProviderError(original, 'y')).toBe(original);
  });
});

describe('provider factories', () => {
  const base = { modelId: 'm', credentials: {}, settings: {} };

  it('pick adapters by catalog key', () => {
    for (const providerKey of ['openai', 'groq', 'ollama']) expect(createLanguageModel({ ...base, providerKey })).toHaveProperty('stream');
    expect(createSpeechToText({ ...base, providerKey: 'deepgram' })).toHaveProperty('start');
    for (const providerKey of ['openai', 'elevenlabs', 'edge']) expect(createTextToSpeech({ ...base, providerKey })).toHaveProperty('synthesize');
  });

  it('refuse unknown keys with a clear error', () => {
    expect(() => createLanguageModel({ ...base, providerKey: 'anthropic' })).toThrow(/Unknown llm provider "anthropic" \(known: openai, groq, ollama\)/);
    expect(() => createTextToSpeech({ ...base, providerKey: 'deepgram' })).toThrow(/Unknown tts provider/);
    expect(() => createSpeechToText({ ...base, providerKey: 'toString' })).toThrow(/Unknown stt provider/);
  });
});
