/**
 * The call simulator: places a phone call against a running Voicex server exactly as Twilio would (signed voice
 * webhook, TwiML, Media Stream WebSocket), speaks the caller's lines, listens to the agent, then prints the call
 * record. `npm run simulate -- --help` for the options.
 */
import { createVoicexClient } from '../generated/client';
import { listenForReply, finishSpeaking, type HeardReply } from './lib/agent-replies';
import { saveAgentAudio, LINE_SAMPLE_RATE } from './lib/agent-audio-file';
import { fetchFinishedCall, formatCallReport } from './lib/call-report';
import { pickCallerVoice } from './lib/caller-voice';
import { Progress } from './lib/progress';
import { parseSimulatorArgs, UsageError, USAGE, type SimulatorArgs } from './lib/simulator-args';
import { DEFAULT_TO, sendVoiceWebhook, streamUrlOnServer, TwilioStream, type WebhookAnswer } from './lib/twilio-caller';

const EXIT_OK = 0;
const EXIT_REFUSED = 1;
const EXIT_ERROR = 2;

const GREETING_TIMEOUT_MS = 10_000;
const REPLY_TIMEOUT_MS = 20_000;
/** The summary is one more LLM request after the call; it usually lands within a few seconds. */
const RECORD_TIMEOUT_MS = 20_000;
/** Copies of one Ctrl-C arrive within this. */
const SIGNAL_REPEAT_MS = 500;
/** Pauses kept inside a line when a fake STT listens, below any endpointing it is likely to be given. */
const FAKE_STT_MAX_PAUSE_MS = 100;

const REPLY_ENDINGS: Record<HeardReply['endedBy'], string> = {
  mark: 'done',
  pause: 'went quiet without a mark',
  hangup: 'cut off, the stream closed',
  abort: 'interrupted',
};

const seconds = (frames: number) => `${((frames * 160) / LINE_SAMPLE_RATE).toFixed(1)} s`;

function clock(ms: number): string {
  const total = Math.max(0, ms) / 1000;
  const minutes = Math.floor(total / 60);
  return `${String(minutes).padStart(2, '0')}:${(total - minutes * 60).toFixed(1).padStart(4, '0')}`;
}

async function ring(args: SimulatorArgs): Promise<WebhookAnswer> {
  try {
    return await sendVoiceWebhook({
      serverUrl: args.serverUrl,
      publicUrl: args.publicUrl,
      apiKey: args.apiKey,
      ...(args.authToken ? { authToken: args.authToken } : {}),
      ...(args.agentId ? { agentId: args.agentId } : {}),
      ...(args.from ? { from: args.from } : {}),
      ...(args.to ? { to: args.to } : {}),
    });
  } catch (error) {
    throw new Error(`cannot reach ${args.serverUrl}: ${describe(error)}`);
  }
}

function webhookError(answer: WebhookAnswer, args: SimulatorArgs): Error {
  let reason = answer.body.slice(0, 300);
  try {
    reason = (JSON.parse(answer.body) as { error?: string }).error ?? reason;
  } catch {
    // not JSON: keep the raw body
  }
  const hint =
    answer.status === 403 && /signature/i.test(reason)
      ? ` (the signature is computed over ${args.publicUrl}: pass the server's PUBLIC_URL as --public-url and its Twilio auth token as --auth-token)`
      : '';
  return new Error(`the voice webhook answered ${answer.status}: ${reason}${hint}`);
}

/** Tells the fake Deepgram what the caller is about to say: it hears sound, not words. */
async function scriptFakeStt(controlUrl: string, text: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(controlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ texts: [text] }),
    });
  } catch (error) {
    throw new Error(`cannot reach the fake STT at ${controlUrl}: ${describe(error)}`);
  }
  if (!response.ok) throw new Error(`the fake STT at ${controlUrl} answered ${response.status}: ${await response.text()}`);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

async function simulate(args: SimulatorArgs, progress: Progress, signal: AbortSignal): Promise<number> {
  progress.status('preparing the caller’s lines');
  const voice = await pickCallerVoice(args.sttControl ? { maxPauseMs: FAKE_STT_MAX_PAUSE_MS } : {});
  const lines = await Promise.all(args.lines.map(async (text) => ({ text, audio: await voice.say(text) })));

  const target = args.agentId ? `agent ${args.agentId}` : (args.to ?? DEFAULT_TO);
  const signedFor = args.publicUrl === args.serverUrl ? '' : `, signed for ${args.publicUrl}`;
  progress.print(`Calling ${target} on ${args.serverUrl}${signedFor}`);
  progress.print(
    `Caller voice: ${voice.kind === 'espeak-ng' ? 'espeak-ng speech' : 'tone bursts (install espeak-ng for speech)'}` +
      (args.sttControl ? `; transcripts scripted on ${args.sttControl}` : ''),
  );
  if (!args.authToken) {
    progress.print('warning: no --auth-token or TWILIO_AUTH_TOKEN, so the webhook is unsigned', process.stderr);
  }

  progress.status('ringing');
  const answer = await ring(args);
  if (answer.status !== 200) throw webhookError(answer, args);
  if (!answer.streamUrl) {
    if (answer.say === null) throw new Error(`the voice webhook answered TwiML without <Stream> or <Say>: ${answer.body}`);
    progress.done();
    console.log(`Refused: “${answer.say}”`);
    return EXIT_REFUSED;
  }
  const callId = answer.parameters.callId;
  if (!callId) throw new Error(`the TwiML carries no callId parameter: ${answer.body}`);

  progress.status('connecting the media stream');
  const stream = await TwilioStream.open(streamUrlOnServer(answer.streamUrl, args.publicUrl, args.serverUrl), {
    callSid: answer.callSid,
    customParameters: answer.parameters,
  });
  stream.startLine();
  const startedAt = Date.now();
  const log = (who: string, text: string) => progress.print(`[${clock(Date.now() - startedAt)}] ${who.padEnd(6)}  ${text}`);
  log('call', `connected: call ${callId}, stream ${answer.streamUrl}`);

  const hearReply = async (since: number, timeoutMs: number, what: 'greeting' | 'reply'): Promise<HeardReply | null> => {
    progress.status(`waiting for the agent’s ${what}`);
    const reply = await listenForReply(stream, {
      since,
      firstAudioTimeoutMs: timeoutMs,
      signal,
      onFirstAudio: (waitedMs) => {
        log('agent', what === 'greeting' ? 'speaking (greeting)' : `speaking, first audio ${waitedMs} ms after the caller stopped`);
        progress.status('the agent is speaking');
      },
    });
    if (reply) log('agent', `${REPLY_ENDINGS[reply.endedBy]}: ${seconds(reply.frames)} of audio`);
    else if (stream.closeCode === undefined && !signal.aborted) log('agent', `no ${what} within ${timeoutMs / 1000} s`);
    return reply;
  };

  await hearReply(startedAt, GREETING_TIMEOUT_MS, 'greeting');
  for (const line of lines) {
    if (stream.closeCode !== undefined || signal.aborted) break;
    if (args.sttControl) await scriptFakeStt(args.sttControl, line.text);
    stream.speak(line.audio);
    log('caller', `“${line.text}”`);
    progress.status(`the caller is speaking (${seconds(line.audio.length / 160)})`);
    await finishSpeaking(stream, signal);
    await hearReply(Date.now(), REPLY_TIMEOUT_MS, 'reply');
  }

  if (stream.closeCode === undefined) {
    log('caller', 'hangs up');
    await stream.hangUp();
  } else {
    log('call', `the server closed the stream (code ${stream.closeCode})`);
  }

  if (args.wav) {
    const duration = await saveAgentAudio(args.wav.path, stream.frames, args.wav.encoding);
    progress.print(`Agent audio: ${args.wav.path} (${duration.toFixed(1)} s, 8 kHz ${args.wav.encoding === 'mulaw' ? 'mu-law' : 'PCM16'})`);
  }

  progress.status('waiting for the call record (summary and sentiment come after the call)');
  const api = createVoicexClient({ baseUrl: `${args.serverUrl}/api`, apiKey: args.apiKey });
  const call = await fetchFinishedCall(api, callId, RECORD_TIMEOUT_MS);
  progress.done();
  console.log(['', ...formatCallReport(call)].join('\n'));
  if (call.status === 'failed') {
    console.error(`The call failed: ${call.endReason ?? 'no reason recorded'}`);
    return EXIT_ERROR;
  }
  return EXIT_OK;
}

async function main(): Promise<number> {
  let args: SimulatorArgs | null;
  try {
    args = parseSimulatorArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\nRun with --help for the options.`);
    return EXIT_ERROR;
  }
  if (!args) {
    console.log(USAGE);
    return EXIT_OK;
  }
  const progress = new Progress();
  // Ctrl-C hangs up and still prints the call record; another one stops at once. One keypress can arrive several
  // times within milliseconds (npm and tsx relay it to their child as well), so repeats that close count as one.
  const interrupt = new AbortController();
  let interruptedAt = 0;
  process.on('SIGINT', () => {
    if (interruptedAt === 0) {
      interruptedAt = Date.now();
      interrupt.abort();
    } else if (Date.now() - interruptedAt > SIGNAL_REPEAT_MS) {
      process.exit(130);
    }
  });
  try {
    return await simulate(args, progress, interrupt.signal);
  } catch (error) {
    progress.done();
    console.error(`error: ${describe(error)}`);
    return EXIT_ERROR;
  }
}

process.exitCode = await main();
