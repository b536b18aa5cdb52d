/**
 * What the simulated caller says, as 8 kHz mu-law (a phone line's audio): espeak-ng speech when it is installed,
 * else a tone burst as long as the sentence would take to say.
 */
import { spawn } from 'node:child_process';
import { decodeWav, mulawTone, pcm16FromBytes, pcm16ToMulaw, resamplePcm16, rms } from '../../src/voice/audio';

export type CallerVoiceKind = 'espeak-ng' | 'tone';

export interface CallerVoice {
  kind: CallerVoiceKind;
  /** 8 kHz mu-law for one line, with no silence before or after the speech. */
  say(text: string): Promise<Buffer>;
}

const LINE_RATE = 8000;
const FRAME_SAMPLES = 160;
/** RMS (16-bit scale) under which a 20 ms frame carries no speech. */
const QUIET_RMS = 500;

export interface CallerVoiceOptions {
  /**
   * Longest pause kept inside a line. A speech-to-text that cannot recognise words (our fake Deepgram) takes each
   * burst of sound for one utterance, so a pause at a comma would split one line into two.
   */
  maxPauseMs?: number;
}

/** espeak-ng when it runs here, else tones. */
export async function pickCallerVoice(options: CallerVoiceOptions = {}): Promise<CallerVoice> {
  if (!(await espeakAvailable())) return { kind: 'tone', say: async (text) => toneFor(text) };
  const maxPauseMs = options.maxPauseMs ?? Infinity;
  return {
    kind: 'espeak-ng',
    say: async (text) => {
      const speech = trimSilence(toLine(await espeak(text)));
      return pcm16ToMulaw(joinFrames(shortenPauses(speech, maxPauseMs)));
    },
  };
}

/** About 14 characters a second, a relaxed speaking rate, within bounds a turn-taking test can live with. */
function toneFor(text: string): Buffer {
  const durationMs = Math.min(8000, Math.max(600, text.length * 70));
  return mulawTone(300, durationMs);
}

async function espeakAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('espeak-ng', ['--version'], { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

/** The text goes in on stdin, so a line starting with "-" is spoken, not taken for an option. */
function espeak(text: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('espeak-ng', ['--stdout'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`espeak-ng exited with ${code}: ${Buffer.concat(err).toString().trim()}`));
    });
    child.stdin.end(text);
  });
}

/** espeak-ng writes 16-bit PCM WAV at its voice's rate (22.05 kHz); the line carries 8 kHz mu-law. */
function toLine(wav: Buffer): Int16Array {
  const audio = decodeWav(wav);
  if (audio.encoding !== 'pcm16' || audio.channels !== 1) throw new Error('espeak-ng gave an unexpected WAV format');
  return resamplePcm16(pcm16FromBytes(audio.data), audio.sampleRate, LINE_RATE);
}

function splitFrames(samples: Int16Array): Int16Array[] {
  const out: Int16Array[] = [];
  for (let at = 0; at < samples.length; at += FRAME_SAMPLES) out.push(samples.subarray(at, at + FRAME_SAMPLES));
  return out;
}

const isQuiet = (frame: Int16Array) => rms(frame) < QUIET_RMS;

/** Cuts the quiet frames before and after the speech, so the line goes quiet when the caller has finished. */
function trimSilence(samples: Int16Array): Int16Array[] {
  const all = splitFrames(samples);
  const first = all.findIndex((frame) => !isQuiet(frame));
  if (first < 0) return [];
  const last = all.findLastIndex((frame) => !isQuiet(frame));
  return all.slice(first, last + 1);
}

/** Drops the quiet frames of a pause beyond its first `maxPauseMs`. */
function shortenPauses(speech: Int16Array[], maxPauseMs: number): Int16Array[] {
  const maxQuietFrames = Math.floor(maxPauseMs / 20);
  let quietRun = 0;
  return speech.filter((frame) => {
    quietRun = isQuiet(frame) ? quietRun + 1 : 0;
    return quietRun <= maxQuietFrames;
  });
}

function joinFrames(frames: Int16Array[]): Int16Array {
  const samples = new Int16Array(frames.reduce((n, frame) => n + frame.length, 0));
  let at = 0;
  for (const frame of frames) {
    samples.set(frame, at);
    at += frame.length;
  }
  return samples;
}
