import { Agent, request } from 'node:http';
import { percentile } from './stats';

const REQUEST_TIMEOUT_MS = 10_000;

export interface OpenLoopRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface OpenLoopFigures {
  sent: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses of another status than expected, and requests that failed or got no answer before the end. */
  failures: number;
}

/**
 * Sends requests evenly spaced at `ratePerSec`, whether or not earlier ones were answered (as Twilio does), and
 * times each from the moment it was due rather than sent, so a stalled server cannot hide its delay by slowing
 * the sender down (coordinated omission).
 */
export async function openLoop(options: {
  url: string;
  ratePerSec: number;
  durationSec: number;
  expectStatus: number;
  next: () => OpenLoopRequest;
}): Promise<OpenLoopFigures> {
  const origin = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const total = Math.round(options.ratePerSec * options.durationSec);
  const intervalMs = 1000 / options.ratePerSec;
  const latencies: number[] = [];
  let failures = 0;
  const start = performance.now();

  const send = (dueAt: number) =>
    new Promise<void>((resolve) => {
      const { method, path, headers, body } = options.next();
      const req = request({ host: origin.hostname, port: origin.port, method, path, headers, agent }, (res) => {
        res.resume();
        res.once('end', () => {
          if (res.statusCode === options.expectStatus) latencies.push(performance.now() - dueAt);
          else failures++;
          resolve();
        });
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy());
      req.once('error', () => {
        failures++;
        resolve();
      });
      req.end(body);
    });

  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const dueAt = start + i * intervalMs;
    const wait = dueAt - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(send(dueAt));
  }
  await Promise.all(inFlight);
  agent.destroy();
  return { sent: total, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), failures };
}
