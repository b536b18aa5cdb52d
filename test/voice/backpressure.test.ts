/**
 * Backpressure: a peer that stops reading cannot grow our memory without bound. Real WebSockets on loopback whose
 * far end pauses its TCP socket: the Twilio link gives up past its cap, the Deepgram session gives up past its
 * cap, and caller audio kept while STT is connecting stays at 2 s however much arrives. Prints the caps observed.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/providers/errors';
import { createDeepgramSpeechToText, MAX_DEEPGRAM_UNSENT_BYTES } from '../../src/providers/stt/deepgram';
import { SpeechInput } from '../../src/voice/conversation/speech-input';
import { MAX_LINK_BUFFERED_BYTES, TwilioLink } from '../../src/voice/twilio/link';

const FRAME = Buffer.alloc(160, 0x7f);

/** The TCP socket under a ws WebSocket, to stop reading from it as a stuck peer does. */
const tcpOf = (ws: WebSocket) => (ws as unknown as { _socket: { pause(): void } })._socket;

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

/** A ws server on loopback; `onUpgrade` may hold a handshake back by not calling `accept` yet. */
async function wsServer(onConnection: (ws: WebSocket) => void, onUpgrade?: (accept: () => void) => void): Promise<string> {
  const wss = new WebSocketServer({ noServer: true });
  const server: Server = createServer();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const accept = () => wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
    if (onUpgrade) onUpgrade(accept);
    else accept();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const client of wss.clients) client.terminate();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const deepgramAt = (baseUrl: string) =>
  createDeepgramSpeechToText({ providerKey: 'deepgram', modelId: 'nova-2', credentials: { apiKey: 'dg-key' }, settings: { baseUrl }, allowPrivateNetwork: true });

describe('Twilio link towards a caller that stopped reading', () => {
  it('gives up once past its cap, once, and buffers nothing after', async () => {
    let serverSide!: WebSocket;
    const serverReady = new Promise<void>((resolve) => {
      void wsServer((ws) => {
        serverSide = ws;
        resolve();
      }).then((url) => {
        const peer = new WebSocket(url);
        peer.on('error', () => {});
        cleanups.push(() => peer.terminate());
        peerOpen = new Promise((opened) => peer.once('open', () => opened(tcpOf(peer).pause())));
      });
    });
    let peerOpen: Promise<void> | undefined;
    await serverReady;
    await peerOpen;

    let overflows = 0;
    const link = new TwilioLink(serverSide, 'MZstuck', () => overflows++);
    let sent = 0;
    let maxBuffered = 0;
    // Up to 300k frames of agent audio (100 minutes) offered as fast as the link takes them.
    while (sent < 300_000 && overflows === 0) {
      link.sendAudio(FRAME);
      sent++;
      maxBuffered = Math.max(maxBuffered, serverSide.bufferedAmount);
    }
    const bufferedAtGiveUp = serverSide.bufferedAmount;
    for (let i = 0; i < 10_000; i++) link.sendAudio(FRAME);
    console.log(
      `[backpressure] Twilio link: cap ${MAX_LINK_BUFFERED_BYTES} B, gave up after ${sent} frames, most buffered ${maxBuffered} B, ${overflows} overflow report(s)`,
    );
    expect(overflows).toBe(1);
    expect(maxBuffered).toBeLessThanOrEqual(MAX_LINK_BUFFERED_BYTES + 1024);
    expect(serverSide.bufferedAmount).toBe(bufferedAtGiveUp);
  });
});

describe('Deepgram that stopped reading', () => {
  it('drops the session with an error once past its cap', async () => {
    const url = await wsServer((ws) => tcpOf(ws).pause());
    const errors: Error[] = [];
    const stt = deepgramAt(url);
    const listener = { onTranscript() {}, onSpeechStarted() {}, onUtteranceEnd() {}, onError: (e: Error) => errors.push(e), onClose() {} };
    const session = await stt.start({ language: 'en', endpointingMs: 300, utteranceEndMs: 1000 }, listener);
    const chunk = Buffer.alloc(3200, 0x7f);
    let offered = 0;
    // Up to 64 MB (over two hours of audio), stopping at the first error.
    while (offered < 64 * 1024 * 1024 && errors.length === 0) {
      session.sendAudio(chunk);
      offered += chunk.length;
    }
    const accepted = session.audioSeconds * 8000;
    for (let i = 0; i < 100; i++) session.sendAudio(chunk);
    console.log(
      `[backpressure] Deepgram: cap ${MAX_DEEPGRAM_UNSENT_BYTES} B unsent, gave up after ${accepted} B accepted (${(accepted / 8000).toFixed(0)} s of audio)`,
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ProviderError);
    expect(errors[0]!.message).toMatch(/stopped reading/);
    expect(offered).toBeLessThan(64 * 1024 * 1024);
    expect(session.audioSeconds * 8000).toBe(accepted);
  });
});

describe('caller audio while speech recognition connects', () => {
  it('keeps the last 2 s however long the connection takes', async () => {
    let release!: () => void;
    const handshakeHeld = new Promise<void>((resolve) => (release = resolve));
    let received = 0;
    const url = await wsServer(
      (ws) => ws.on('message', (data, isBinary) => (received += isBinary ? (data as Buffer).length : 0)),
      (accept) => void handshakeHeld.then(accept),
    );
    const stt = deepgramAt(url);
    const lost: unknown[] = [];
    const controller = new AbortController();
    const input = new SpeechInput(
      stt,
      { language: 'en', endpointingMs: 300, utteranceEndMs: 1000 },
      { onTranscript() {}, onSpeechStarted() {}, onUtteranceEnd() {}, onLost: (e) => lost.push(e) },
      controller.signal,
    );
    cleanups.push(() => input.close());
    const connecting = input.connect();
    const offered = 60 * 8000; // a minute of the caller talking
    for (let at = 0; at < offered; at += FRAME.length) input.send(FRAME);
    release();
    await connecting;
    const deadline = Date.now() + 5000;
    while (received < 16_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    console.log(`[backpressure] before STT opens: ${offered} B offered, ${received} B kept and sent (${received / 8000} s)`);
    expect(lost).toEqual([]);
    expect(received).toBe(16_000);
  });
});
