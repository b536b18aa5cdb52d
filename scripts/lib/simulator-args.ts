/** The call simulator's command line. */
import { parseArgs } from 'node:util';
import type { WavEncoding } from '../../src/voice/audio';
import { DEFAULT_FROM, DEFAULT_TO } from './twilio-caller';

export const USAGE = `Places a phone call against a running Voicex server exactly as Twilio would.

Usage: npm run simulate -- --api-key vx_... [--agent <id>] [--say "text" ...] [options]

  --api-key <key>        the organization's API key (vx_...), as in a number's webhook URL; also reads
                         the call record
  --agent <id>           the agent to call; without it the server picks the agent owning --to, else the
                         organization's only active agent
  --say <text>           one caller line; repeat for a conversation. Each is spoken (espeak-ng when installed,
                         else a tone burst), then the simulator waits for the agent's reply
  --server <url>         where the server listens                                  [http://localhost:3001]
  --public-url <url>     the server's PUBLIC_URL: the webhook is signed over it    [--server]
  --auth-token <token>   Twilio auth token to sign with                            [$TWILIO_AUTH_TOKEN]
  --from <number>        caller number (E.164)                                     [${DEFAULT_FROM}]
  --to <number>          dialled number (E.164)                                    [${DEFAULT_TO}]
  --stt-control <url>    the fake Deepgram's control URL: each --say is also posted there, so it "hears" the text
  --wav <file>           save the agent's audio to this WAV file (8 kHz)
  --wav-encoding <enc>   pcm16 or mulaw                                            [pcm16]
  -h, --help             this text

Exit codes: 0 the call went through, 1 the server refused the call (its spoken reason is printed), 2 an error
(a call the server recorded as failed included). Ctrl-C hangs up and still prints the call record.`;

export interface SimulatorArgs {
  apiKey: string;
  agentId: string | undefined;
  lines: string[];
  serverUrl: string;
  publicUrl: string;
  authToken: string | undefined;
  from: string | undefined;
  to: string | undefined;
  sttControl: string | undefined;
  wav: { path: string; encoding: WavEncoding } | undefined;
}

export class UsageError extends Error {}

function httpUrl(name: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${name} must be an absolute URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${name} must be http(s)`);
  return url;
}

/** Origin and path prefix, without a trailing slash, as PUBLIC_URL is read. */
function baseUrl(name: string, value: string): string {
  const url = httpUrl(name, value);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Null for --help; throws UsageError for anything it cannot run. */
export function parseSimulatorArgs(argv: string[], env: Record<string, string | undefined>): SimulatorArgs | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'api-key': { type: 'string' },
        agent: { type: 'string' },
        say: { type: 'string', multiple: true },
        server: { type: 'string' },
        'public-url': { type: 'string' },
        'auth-token': { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        'stt-control': { type: 'string' },
        wav: { type: 'string' },
        'wav-encoding': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return null;
  if (!values['api-key']) throw new UsageError('--api-key is required');
  const encoding = values['wav-encoding'] ?? 'pcm16';
  if (encoding !== 'pcm16' && encoding !== 'mulaw') throw new UsageError(`--wav-encoding must be pcm16 or mulaw, got "${encoding}"`);
  if (values['wav-encoding'] && !values.wav) throw new UsageError('--wav-encoding needs --wav');
  const serverUrl = baseUrl('--server', values.server ?? 'http://localhost:3001');
  return {
    apiKey: values['api-key'],
    agentId: values.agent,
    lines: (values.say ?? []).map((line) => line.trim()).filter(Boolean),
    serverUrl,
    publicUrl: values['public-url'] ? baseUrl('--public-url', values['public-url']) : serverUrl,
    authToken: values['auth-token'] ?? (env.TWILIO_AUTH_TOKEN || undefined),
    from: values.from,
    to: values.to,
    sttControl: values['stt-control'] ? httpUrl('--stt-control', values['stt-control']).href : undefined,
    wav: values.wav ? { path: values.wav, encoding } : undefined,
  };
}
