/**
 * Microsoft Edge's free read-aloud voices over their WebSocket protocol (see edge-protocol.ts). Audio arrives as MP3
 * and is decoded in-process by mpg123 compiled to WebAssembly, then resampled to 8 kHz mu-law as it streams.
 */
import { MPEGDecoder } from 'mpg123-decoder';
import { MulawEncoderStream, floatToPcm16 } from '../../voice/audio';
import { baseUrlOf, secretsOf, timeoutOf } from '../connection';
import { ProviderError } from '../errors';
import { openProviderWebSocket, toWebSocketBase } from '../ws/open-websocket';
import { WebSocketMessageQueue } from '../ws/message-queue';
import type { ProviderConnection, SynthesisRequest, TextToSpeech } from '../types';
import {
  buildSsml,
  cleanText,
  edgeConnectionId,
  edgeHandshakeHeaders,
  edgeRate,
  edgeSocketUrl,
  escapeXml,
  parseBinaryMessage,
  parseTextMessage,
  speechConfigMessage,
  splitEscapedText,
  ssmlMessage,
} from './edge-protocol';

/** Well under the 64 KiB message size the service accepts, leaving room for the SSML around the text. */
const MAX_TEXT_BYTES = 4096;

export function createEdgeSpeech(connection: ProviderConnection): TextToSpeech {
  const provider = connection.providerKey;
  const base = toWebSocketBase(baseUrlOf(connection, 'tts'));
  const timeoutMs = timeoutOf(connection);
  const secrets = secretsOf(connection);

  async function* synthesizePiece(escapedText: string, request: SynthesisRequest, encoder: MulawEncoderStream): AsyncGenerator<Buffer> {
    const socket = await openProviderWebSocket({
      provider,
      url: edgeSocketUrl(base),
      headers: edgeHandshakeHeaders(),
      timeoutMs,
      signal: request.signal,
      allowPrivateNetwork: connection.allowPrivateNetwork === true,
      secrets,
    });
    const messages = new WebSocketMessageQueue(socket, provider);
    const decoder = new MPEGDecoder();
    let audioBytes = 0;
    try {
      await decoder.ready;
      socket.send(speechConfigMessage());
      socket.send(ssmlMessage(edgeConnectionId(), buildSsml(escapedText, connection.modelId, edgeRate(request.speed))));
      for (;;) {
        const event = await messages.next(timeoutMs, request.signal);
        if (event.kind === 'closed') {
          throw new ProviderError({ kind: 'unavailable', provider, message: `connection closed before the end of speech (code ${event.code})` });
        }
        if (event.kind === 'text') {
          const path = parseTextMessage(event.data).headers.Path;
          if (path === 'turn.end') break;
          // turn.start, response and audio.metadata carry nothing we need.
          continue;
        }
        const message = parseBinaryMessage(event.data);
        if (!message || message.headers.Path !== 'audio') {
          throw new ProviderError({ kind: 'bad_response', provider, message: 'malformed binary message' });
        }
        // The service ends a stream with an audio message that has no Content-Type and no data.
        if (message.body.length === 0) continue;
        audioBytes += message.body.length;
        const decoded = decoder.decode(message.body);
        const channel = decoded.channelData[0];
        if (!channel || decoded.samplesDecoded === 0) continue;
        if (decoded.sampleRate !== encoder.fromRate) {
          throw new ProviderError({ kind: 'bad_response', provider, message: `unexpected sample rate ${decoded.sampleRate}` });
        }
        const mulaw = encoder.pushSamples(floatToPcm16(channel.subarray(0, decoded.samplesDecoded)));
        if (mulaw.length > 0) yield mulaw;
      }
      if (audioBytes === 0) throw new ProviderError({ kind: 'bad_response', provider, message: 'no audio received' });
    } finally {
      decoder.free();
      socket.removeAllListeners('error');
      socket.on('error', () => {});
      if (socket.readyState === socket.OPEN) socket.close(1000);
      else socket.terminate();
    }
  }

  async function* synthesize(request: SynthesisRequest): AsyncGenerator<Buffer> {
    const escaped = escapeXml(cleanText(request.text));
    const pieces = splitEscapedText(escaped, MAX_TEXT_BYTES);
    if (pieces.length === 0) return;
    // One resampler across pieces: the joins stay click-free.
    const encoder = new MulawEncoderStream(24_000);
    for (const piece of pieces) yield* synthesizePiece(piece, request, encoder);
    const tail = encoder.flush();
    if (tail.length > 0) yield tail;
  }

  return { synthesize };
}
