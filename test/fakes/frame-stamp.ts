/**
 * Marks fake TTS audio so a benchmark on the caller's side can tell, for every 20 ms frame it receives, which TTS
 * response it came from, its place in that response, and when the fake wrote it. The server passes mu-law through
 * untouched (ElevenLabs `ulaw_8000`), so a frame with a stamp arrives as it left. Times are
 * `process.hrtime.bigint()`: CLOCK_MONOTONIC, shared by every process on the machine.
 *
 * Layout of the first 24 bytes of a stamped 160-byte frame (the rest keeps the tone):
 *   0..3 magic "VXST", 4..7 response id, 8..11 frame index, 12..15 frames in the response, 16..23 written at (ns).
 * A response that speaks a numbered caller turn (turn-ledger.ts) also carries when the fakes worked on that turn
 * (ns, 0 where a fake has no figure): 24..27 magic "VXTT", 28..31 turn, 32..39 the STT received the last speech,
 * 40..47 it sent the result ending the turn, 48..55 the LLM received the request, 56..63 it sent the first token,
 * 64..71 it sent the last token, 72..79 the TTS received its request.
 */
import { TWILIO_FRAME_BYTES as FRAME_BYTES } from '../../src/voice/audio';

const MAGIC = 0x56585354;
const STAMP_BYTES = 24;
const TURN_MAGIC = 0x56585454;
const TURN_STAMP_END = 80;
const TURN_TIMES = ['lastSpeechReceivedNs', 'turnEndSentNs', 'llmReceivedNs', 'llmFirstTokenSentNs', 'llmReplySentNs', 'ttsReceivedNs'] as const;

export interface FrameStamp {
  response: number;
  index: number;
  frames: number;
  writtenAtNs: bigint;
}

export type TurnStamp = { turn: number } & Record<(typeof TURN_TIMES)[number], bigint | null>;

/** A copy of `audio` (padded to whole frames) with response id, index and count (and the turn) in every frame. */
export function stampResponse(audio: Buffer, response: number, turn?: TurnStamp): Buffer {
  const frames = Math.ceil(audio.length / FRAME_BYTES);
  const stamped = Buffer.alloc(frames * FRAME_BYTES, 0xff);
  audio.copy(stamped);
  for (let index = 0; index < frames; index++) {
    const at = index * FRAME_BYTES;
    stamped.writeUInt32BE(MAGIC, at);
    stamped.writeUInt32BE(response >>> 0, at + 4);
    stamped.writeUInt32BE(index, at + 8);
    stamped.writeUInt32BE(frames, at + 12);
    if (turn) writeTurn(stamped.subarray(at + STAMP_BYTES, at + TURN_STAMP_END), turn);
  }
  return stamped;
}

/** Writes the send time into every stamped frame of a chunk about to be written (chunks hold whole frames). */
export function stampWriteTime(chunk: Buffer, now = process.hrtime.bigint()): void {
  for (let at = 0; at + STAMP_BYTES <= chunk.length; at += FRAME_BYTES) {
    if (chunk.readUInt32BE(at) === MAGIC) chunk.writeBigUInt64BE(now, at + 16);
  }
}

export function readStamp(frame: Buffer): FrameStamp | null {
  if (frame.length < STAMP_BYTES || frame.readUInt32BE(0) !== MAGIC) return null;
  return {
    response: frame.readUInt32BE(4),
    index: frame.readUInt32BE(8),
    frames: frame.readUInt32BE(12),
    writtenAtNs: frame.readBigUInt64BE(16),
  };
}

function writeTurn(into: Buffer, turn: TurnStamp): void {
  into.writeUInt32BE(TURN_MAGIC, 0);
  into.writeUInt32BE(turn.turn >>> 0, 4);
  TURN_TIMES.forEach((name, i) => into.writeBigUInt64BE(turn[name] ?? 0n, 8 + i * 8));
}

/** The caller turn a stamped frame speaks, with the fakes' times for it; null when it has none. */
export function readTurnStamp(frame: Buffer): TurnStamp | null {
  if (readStamp(frame) === null || frame.length < TURN_STAMP_END || frame.readUInt32BE(STAMP_BYTES) !== TURN_MAGIC) return null;
  const times = TURN_TIMES.map((name, i) => {
    const ns = frame.readBigUInt64BE(STAMP_BYTES + 8 + i * 8);
    return [name, ns === 0n ? null : ns] as const;
  });
  return { turn: frame.readUInt32BE(STAMP_BYTES + 4), ...(Object.fromEntries(times) as Omit<TurnStamp, 'turn'>) };
}
