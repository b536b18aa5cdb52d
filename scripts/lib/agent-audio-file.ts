/** The agent's audio as heard on the line, saved as a WAV file. */
import { writeFile } from 'node:fs/promises';
import { encodeWav, mulawToPcm16, pcm16ToBytes, type WavEncoding } from '../../src/voice/audio';

export const LINE_SAMPLE_RATE = 8000;

/** mu-law keeps the bytes exactly as they came; PCM16 plays in every player. Returns the seconds written. */
export async function saveAgentAudio(path: string, frames: Buffer[], encoding: WavEncoding): Promise<number> {
  const mulaw = Buffer.concat(frames);
  const data = encoding === 'mulaw' ? mulaw : pcm16ToBytes(mulawToPcm16(mulaw));
  await writeFile(path, encodeWav({ encoding, sampleRate: LINE_SAMPLE_RATE, channels: 1, data }));
  return mulaw.length / LINE_SAMPLE_RATE;
}
