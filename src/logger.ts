import pino, { type DestinationStream, type Logger } from 'pino';

/** Secrets never reach a log line, whatever object they are nested in. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-twilio-signature"]',
  'req.query.api_key',
  '*.password',
  '*.passwordHash',
  '*.credentials',
  '*.apiKey',
  '*.rawKey',
  '*.token',
  '*.authToken',
  '*.twilioAuthToken',
  'credentials',
  'password',
  'token',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
