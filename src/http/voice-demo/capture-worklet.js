// Runs on the audio thread: microphone samples (float, the context's rate) -> PCM16 mono 16 kHz in 20 ms chunks,
// posted to the page, which sends them on the socket.
const TARGET_RATE = 16000;
const CHUNK_SAMPLES = 320;

class CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / TARGET_RATE;
    this.position = -1;
    this.previous = 0;
    this.chunk = new Int16Array(CHUNK_SAMPLES);
    this.filled = 0;
  }

  process(inputs) {
    const input = inputs[0] && inputs[0][0];
    if (!input) return true;
    // Linear interpolation; position -1 is the last sample of the previous block. At a 16 kHz context (the page
    // asks for one) the step is 1 and samples pass unchanged.
    for (;;) {
      const index = Math.floor(this.position);
      if (index + 1 >= input.length) break;
      const before = index < 0 ? this.previous : input[index];
      this.push(before + (input[index + 1] - before) * (this.position - index));
      this.position += this.step;
    }
    this.position -= input.length;
    this.previous = input[input.length - 1];
    return true;
  }

  push(value) {
    const clamped = Math.max(-1, Math.min(1, value));
    this.chunk[this.filled++] = clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff;
    if (this.filled === CHUNK_SAMPLES) {
      this.port.postMessage(this.chunk.buffer, [this.chunk.buffer]);
      this.chunk = new Int16Array(CHUNK_SAMPLES);
      this.filled = 0;
    }
  }
}

registerProcessor('voicex-capture', CaptureProcessor);
