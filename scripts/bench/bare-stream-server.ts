/**
 * The baseline of `npm run bench:calls`: a bare WebSocket server that does nothing but what a call's transport
 * needs, with none of Voicex. Per connection, after Twilio's `start`, it reads every inbound message (JSON.parse)
 * and sends agent audio as the real server would: stamped 3 s replies with 1 s pauses, the first 4 frames of each
 * at once (the pacer's lead), then one frame every 20 ms on an absolute schedule. The same load generator against
 * it shows what this machine and the generator alone do to frame timing.
 *
 *   npx tsx scripts/bench/bare-stream-server.ts   (prints {"url": "ws://..."} and serves until SIGTERM)
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { mulawTone } from '../../src/voice/audio';
import { stampResponse, stampWriteTime } from '../../test/fakes/frame-stamp';

const FRAME_MS = 20;
const LEAD_FRAMES = 3;
const REPLY = mulawTone(440, 3000);
const PAUSE_MS = 1000;
let responses = 0;

function serve(ws: WebSocket): void {
  let streamSid = '';
  let timer: NodeJS.Timeout | undefined;
  const speak = (): void => {
    const audio = stampResponse(REPLY, ++responses);
    const startedAt = performance.now();
    let next = 0;
    const tick = (): void => {
      if (ws.readyState !== ws.OPEN) return;
      const due = Math.floor((performance.now() - startedAt) / FRAME_MS) + 1 + LEAD_FRAMES;
      for (; next < due && next * 160 < audio.length; next++) {
        const frame = audio.subarray(next * 160, next * 160 + 160);
        stampWriteTime(frame);
        ws.send(JSON.stringify({ event: 'media', streamSid, media: { payload: frame.toString('base64') } }));
      }
      if (next * 160 >= audio.length) {
        ws.send(JSON.stringify({ event: 'mark', streamSid, mark: { name: `utt-${responses}` } }));
        timer = setTimeout(speak, PAUSE_MS);
        return;
      }
      timer = setTimeout(tick, Math.max(0, startedAt + (next - LEAD_FRAMES) * FRAME_MS - performance.now()));
    };
    tick();
  };
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as { event: string; start?: { streamSid: string } };
    if (message.event === 'start' && !timer) {
      streamSid = message.start!.streamSid;
      speak();
    }
  });
  ws.on('close', () => clearTimeout(timer));
}

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('connection', serve);
wss.on('listening', () => {
  const address = wss.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `ws://127.0.0.1:${address.port}/` })}\n`);
});
process.once('SIGTERM', () => process.exit(0));
process.once('SIGINT', () => process.exit(0));
