/**
 * Marks fake TTS audio so a benchmark on the caller's side can tell, for every 20 ms frame it receives, which TTS
 * response it came from, its place in that response, and when the fake wrote it. The server passes mu-law through
 * untouched (ElevenLabs `ulaw_8000`), so a frame with a stamp arrives as it left. Times are
 * `process.hrtime.bigint()`: CLOCK_MONOTONIC, shared by every process on the machine.
 *
 * Layout of the first 24 bytes of a stamped 160-byte frame (the rest keeps the tone):
 *   0..3 magic "VXST", 4..7 response id, 8..11 frame index, 12..15 frames in the response, 16..23 written at (ns).
 * A response that speaks a numbered caller turn (turn-ledger.ts) also carries what the fakes spent on that turn:
 *   24..27 magic "VXTT", 28..31 turn, 32..39 TTS request received at (ns), 40..43 STT wait (µs), 44..47 LLM
 *   request -> first token (µs); 0xffffffff where a fake has no figure.
 */
import { TWILIO_FRAME_BYTES as FRAME_BYTES } from '../../src/voice/audio';

const MAGIC = 0x56585354;
const STAMP_BYTES = 24;
const TURN_MAGIC = 0x56585454;
const TURN_STAMP_END = 48;
const NO_FIGURE = 0xffffffff;

export interface FrameStamp {
  response: number;
  index: number;
  frames: number;
  writtenAtNs: bigint;
}

export interface TurnStamp {
  turn: number;
  ttsReceivedAtNs: bigint;
  sttWaitUs: number | null;
  llmFirstTokenUs: number | null;
}

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
  const micros = (value: number | null) => (value === null ? NO_FIGURE : Math.min(NO_FIGURE - 1, Math.round(value)));
  into.writeUInt32BE(TURN_MAGIC, 0);
  into.writeUInt32BE(turn.turn >>> 0, 4);
  into.writeBigUInt64BE(turn.ttsReceivedAtNs, 8);
  into.writeUInt32BE(micros(turn.sttWaitUs), 16);
  into.writeUInt32BE(micros(turn.llmFirstTokenUs), 20);
}

/** The caller turn a stamped frame speaks, with the fakes' figures for it; null when it has none. */
export function readTurnStamp(frame: Buffer): TurnStamp | null {
  if (readStamp(frame) === null || frame.length < TURN_STAMP_END || frame.readUInt32BE(STAMP_BYTES) !== TURN_MAGIC) return null;
  const micros = (at: number) => {
    const value = frame.readUInt32BE(at);
    return value === NO_FIGURE ? null : value;
  };
  return {
    turn: frame.readUInt32BE(STAMP_BYTES + 4),
    ttsReceivedAtNs: frame.readBigUInt64BE(STAMP_BYTES + 8),
    sttWaitUs: micros(STAMP_BYTES + 16),
    llmFirstTokenUs: micros(STAMP_BYTES + 20),
  };
}
