/**
 * The per-frame cost of Twilio media messages, old way against new, in one process: reading an inbound media
 * message with JSON.parse vs mediaPayloadOf, writing an outbound one with JSON.stringify vs the cached prefix.
 *
 *   npx tsx scripts/bench/twilio-messages.ts [iterations=200000]
 */
import { mediaMessageAfter, mediaMessagePrefix, mediaPayloadOf, parseInbound } from '../../src/voice/twilio/protocol';

const iterations = Number(process.argv[2] ?? 200_000);
const frame = Buffer.alloc(160, 0x7f);
const streamSid = 'MZ18ad3ab5a668481ce02b83e7395059f0';
const inbound = JSON.stringify({
  event: 'media',
  sequenceNumber: '4',
  media: { track: 'inbound', chunk: '2', timestamp: '5', payload: frame.toString('base64') },
  streamSid,
});
const prefix = mediaMessagePrefix(streamSid);
let sink = 0;

function microseconds(work: () => void): number {
  for (let i = 0; i < iterations / 10; i++) work();
  const started = performance.now();
  for (let i = 0; i < iterations; i++) work();
  return ((performance.now() - started) * 1000) / iterations;
}

const rows: Array<[string, number, number]> = [
  [
    'inbound media -> payload',
    microseconds(() => {
      const message = parseInbound(inbound);
      if (message?.event === 'media') sink += message.media.payload.length;
    }),
    microseconds(() => void (sink += mediaPayloadOf(inbound)!.length)),
  ],
  [
    'frame -> outbound media',
    microseconds(() => void (sink += JSON.stringify({ event: 'media', streamSid, media: { payload: frame.toString('base64') } }).length)),
    microseconds(() => void (sink += mediaMessageAfter(prefix, frame).length)),
  ],
];
for (const [name, before, after] of rows) {
  console.log(`${name.padEnd(26)} JSON ${before.toFixed(2)} µs, new ${after.toFixed(2)} µs, ratio new/JSON ${(after / before).toFixed(2)}`);
}
if (sink < 0) console.log(sink);
