/** Measurements on PCM16 signals: level for voice-activity decisions, frequency for checking conversions. */

export function rms(samples: Int16Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return Math.sqrt(sum / samples.length);
}

/** Frequency of a clean periodic signal from its rising zero crossings (first to last, so partial periods cancel). */
export function zeroCrossingFrequency(samples: Int16Array, sampleRate: number): number {
  let first = -1;
  let last = -1;
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) {
    if (samples[i - 1]! < 0 && samples[i]! >= 0) {
      // Interpolate the crossing instant between the two samples.
      const a = samples[i - 1]!;
      const b = samples[i]!;
      const at = i - 1 + -a / (b - a);
      if (first < 0) first = at;
      else crossings++;
      last = at;
    }
  }
  if (crossings === 0) return 0;
  return (crossings * sampleRate) / (last - first);
}

/** Signal power at one frequency (Goertzel), normalised so a full-scale sine of amplitude A gives about A^2 / 4. */
export function goertzelPower(samples: Int16Array, sampleRate: number, frequencyHz: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequencyHz) / sampleRate);
  let previous = 0;
  let beforePrevious = 0;
  for (let i = 0; i < samples.length; i++) {
    const current = samples[i]! + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  const power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
  return power / (samples.length * samples.length);
}
