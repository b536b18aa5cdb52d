/**
 * What the web channel's audio conversion costs per call: 1 s of browser audio in (PCM16 16 kHz -> 8 kHz mu-law,
 * in 20 ms chunks) and 1 s of agent audio out (160-byte mu-law frames -> PCM16 16 kHz), as the socket does it.
 *
 *   npx tsx scripts/bench/web-audio-codec.ts [rounds=200]
 *
 * Prints the milliseconds per second of audio each way and the real-time factor (audio time / CPU time): how many
 * calls' worth of conversion one core keeps up with.
 */
import { generateTone, mulawTone, pcm16ToBytes } from '../../src/voice/audio';
import { InboundAudio, OutboundAudio } from '../../src/voice/web/audio-codec';

const rounds = Number(process.argv[2] ?? 200);
const browserSecond = pcm16ToBytes(generateTone({ frequencyHz: 440, durationMs: 1000, sampleRate: 16_000, amplitude: 8000 }));
const agentSecond = mulawTone(440, 1000);

function msPerSecondOfAudio(convert: () => void): number {
  for (let i = 0; i < 20; i++) convert();
  const started = performance.now();
  for (let i = 0; i < rounds; i++) convert();
  return (performance.now() - started) / rounds;
}

const inbound = msPerSecondOfAudio(() => {
  const codec = new InboundAudio('pcm16');
  for (let at = 0; at < browserSecond.length; at += 640) codec.toPipeline(browserSecond.subarray(at, at + 640));
});
const outbound = msPerSecondOfAudio(() => {
  const codec = new OutboundAudio('pcm16');
  for (let at = 0; at < agentSecond.length; at += 160) codec.fromPipeline(agentSecond.subarray(at, at + 160));
});

const line = (name: string, ms: number) => `${name.padEnd(34)} ${ms.toFixed(3).padStart(7)} ms   real-time x${Math.round(1000 / ms)}`;
console.log(line('in:  PCM16 16 kHz -> mu-law 8 kHz', inbound));
console.log(line('out: mu-law 8 kHz -> PCM16 16 kHz', outbound));
console.log(line('both ways (one talking call)', inbound + outbound));
