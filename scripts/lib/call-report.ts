/** The call record as the API keeps it once the call is over, fetched with the organization's API key and printed. */
import type { Schemas, VoicexClient } from '../../generated/client';

type Call = Schemas['Call'];

const POLL_MS = 250;

/**
 * Waits for the server to close the call and write its summary (a post-call LLM request); after `timeoutMs` takes
 * the record as it is, so a slow or failed summary still leaves a report.
 */
export async function fetchFinishedCall(api: VoicexClient, callId: string, timeoutMs: number): Promise<Call> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { data, error } = await api.GET('/dashboard/calls/{id}', { params: { path: { id: callId } } });
    if (!data) throw new Error(`cannot read call ${callId}: ${error?.error ?? 'no answer'}`);
    const settled = data.status !== 'active' && data.summary !== null;
    if (settled || Date.now() >= deadline) return data;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const SPEAKER = { user: 'caller', assistant: 'agent ' } as const;

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

const ms = (value: number | null) => (value === null ? '–' : String(Math.round(value)));
const withUnit = (value: number | null) => (value === null ? '–' : `${ms(value)} ms`);

export function formatCallReport(call: Call): string[] {
  const lines = [`Call ${call._id}: ${call.status}${call.endReason ? ` (${call.endReason})` : ''}, ${call.durationSec} s`, '', 'Transcript'];
  for (const message of call.transcript) {
    lines.push(`  ${SPEAKER[message.role]}  ${message.text}${message.interrupted ? '  [interrupted]' : ''}`);
  }
  if (call.transcript.length === 0) lines.push('  (empty)');
  const m = call.metrics;
  lines.push(
    '',
    `Summary     ${call.summary ?? '(none yet)'}`,
    `Sentiment   ${call.sentiment ?? '(none yet)'}`,
    `Metrics     ${plural(m.turnCount, 'turn')}, first response ${withUnit(m.ttfbMs)}, average ${withUnit(m.avgLatencyMs)}, ` +
      `${m.totalTokens} LLM tokens, ${m.ttsChars} TTS characters, ${plural(m.interruptions, 'interruption')}`,
  );
  if (call.metadata.turns.length > 0) lines.push('', ...latencyTable(call.metadata.turns));
  return lines;
}

/** Server-side latencies per turn, in milliseconds; "total" is caller stopped speaking -> first agent audio. */
function latencyTable(turns: Schemas['TurnLatency'][]): string[] {
  const header = ['turn', 'stt', 'llm first token', 'tts first byte', 'total'];
  const rows = turns.map((t) => [String(t.turn), ms(t.sttMs), ms(t.llmFirstTokenMs), ms(t.ttsFirstByteMs), ms(t.totalMs)]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const format = (cells: string[]) => `  ${cells.map((cell, column) => cell.padStart(widths[column]!)).join('   ')}`;
  return ['Latency per turn (ms)', format(header), ...rows.map(format)];
}
