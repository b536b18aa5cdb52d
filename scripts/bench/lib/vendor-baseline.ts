/**
 * The fakes' own latency for one caller turn, measured straight against them with no Voicex in between: the time
 * a speech-to-text stream takes from the end of speech to its speech_final result, the LLM's time to its first
 * content token, and the TTS's time to its first audio byte. Their sum is what a turn would take if our pipeline
 * cost nothing, the baseline `bench:pipeline` subtracts.
 */
import WebSocket from 'ws';
import type { FakeVendorUrls } from '../../../test/fakes/serve';
import { monotonicMs as nowMs, SILENCE_FRAME as SILENCE, speechFrames } from './caller-audio';
import type { LineClock } from './line-clock';

export interface BaselineTurn {
  sttMs: number;
  llmMs: number;
  ttsMs: number;
  totalMs: number;
}


/** End of speech -> speech_final, over a live stream paced at 50 frames/s like a phone line. */
async function sttLatency(urls: FakeVendorUrls, clock: LineClock, speechMs: number, endpointingMs: number): Promise<number> {
  const query = new URLSearchParams({
    model: 'nova-2',
    encoding: 'mulaw',
    sample_rate: '8000',
    channels: '1',
    interim_results: 'true',
    endpointing: String(endpointingMs),
    utterance_end_ms: '1000',
    vad_events: 'true',
  });
  const ws = new WebSocket(`${urls.deepgram}/v1/listen?${query}`, { headers: { authorization: 'Token bench-vendor-key' } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const speech = speechFrames(speechMs);
  let speechEndedAt = 0;
  const final = new Promise<number>((resolve) =>
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type?: string; speech_final?: boolean };
      if (message.type === 'Results' && message.speech_final) resolve(nowMs());
    }),
  );
  let leadIn = 5;
  clock.add({
    sendFrame: () => {
      if (ws.readyState !== WebSocket.OPEN) return false;
      const frame = leadIn > 0 ? (leadIn--, SILENCE) : (speech.shift() ?? SILENCE);
      ws.send(frame);
      if (leadIn === 0 && speech.length === 0 && speechEndedAt === 0 && frame !== SILENCE) speechEndedAt = nowMs();
      return true;
    },
  });
  const finalAt = await final;
  ws.close();
  return finalAt - speechEndedAt;
}

/** Request -> first content token of a streamed chat completion. */
async function llmLatency(urls: FakeVendorUrls): Promise<number> {
  const startedAt = nowMs();
  const response = await fetch(`${urls.llm}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
    body: JSON.stringify({
      model: 'llama3.2:3b',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'utterance 1' }],
    }),
  });
  let firstTokenAt = 0;
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body!) {
    text += decoder.decode(chunk as Uint8Array, { stream: true });
    if (firstTokenAt === 0 && /"content":"[^"]/.test(text)) firstTokenAt = nowMs();
  }
  return firstTokenAt - startedAt;
}

/** Request -> first audio byte of a streamed synthesis. */
async function ttsLatency(urls: FakeVendorUrls, text: string): Promise<number> {
  const startedAt = nowMs();
  const response = await fetch(`${urls.elevenlabs}/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM/stream?output_format=ulaw_8000`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'xi-api-key': 'bench-vendor-key' },
    body: JSON.stringify({ text, model_id: 'eleven_flash_v2_5' }),
  });
  let firstByteAt = 0;
  for await (const chunk of response.body!) {
    if (firstByteAt === 0 && (chunk as Uint8Array).length > 0) firstByteAt = nowMs();
  }
  return firstByteAt - startedAt;
}

export async function measureBaselineTurn(
  urls: FakeVendorUrls,
  clock: LineClock,
  options: { speechMs: number; endpointingMs: number; reply: string },
): Promise<BaselineTurn> {
  const sttMs = await sttLatency(urls, clock, options.speechMs, options.endpointingMs);
  const llmMs = await llmLatency(urls);
  const ttsMs = await ttsLatency(urls, options.reply);
  return { sttMs, llmMs, ttsMs, totalMs: sttMs + llmMs + ttsMs };
}
