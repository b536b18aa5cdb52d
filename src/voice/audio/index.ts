export { MULAW_SILENCE, decodeMulawSample, encodeMulawSample, mulawToPcm16, pcm16ToMulaw } from './mulaw';
export { Pcm16ByteDecoder, floatToPcm16, pcm16FromBytes, pcm16ToBytes } from './pcm16';
export { StreamingResampler, resamplePcm16 } from './resampler';
export { FrameSplitter, TWILIO_FRAME_BYTES } from './frame-splitter';
export { decodeWav, encodeWav } from './wav';
export type { WavAudio, WavEncoding } from './wav';
export { generateSilence, generateTone, mulawSilence, mulawTone, sampleCountFor } from './tone';
export type { ToneOptions } from './tone';
export { goertzelPower, rms, zeroCrossingFrequency } from './analysis';
