/** Per-file setup of the end-to-end conversation tests: one set of fake vendors, one call per test. */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { MULAW_SILENCE } from '../../src/voice/audio';
import type { ConversationTuning } from '../../src/voice/conversation';
import { stockPhrases } from '../../src/voice/conversation/phrases';
import type { VoiceAgentSettings } from '../../src/voice/types';
import { agentSettings, Call, TEST_TUNING, until, Vendors } from './harness';

export function callSuite() {
  const vendors = new Vendors();
  let call: Call | null = null;

  beforeAll(() => vendors.start());
  afterAll(() => vendors.close());
  beforeEach(() => vendors.reset());
  afterEach(async () => {
    await call?.end();
    call = null;
  });

  /** A call for this test (ended after it); tuning defaults to the fast test constants. */
  const useCall = (settings: VoiceAgentSettings, tuning: Partial<ConversationTuning> = TEST_TUNING): Call => {
    call = new Call(vendors, settings, tuning);
    return call;
  };

  return {
    vendors,
    phrases: stockPhrases('en-US'),
    useCall,
    startCall: (settings = agentSettings()): Call => useCall(settings),

    /** The frames the fake TTS answers for `text`, padded to whole frames the way the engine must send them. */
    framesFor(text: string): Buffer {
      const audio = vendors.tts.audioFor(text);
      const padded = Buffer.alloc(Math.ceil(audio.length / 160) * 160, MULAW_SILENCE);
      audio.copy(padded);
      return padded;
    },

    /** Waits until `count` utterances have been sent to the end (their marks went out). */
    async spoken(c: Call, count: number, timeoutMs = 8000): Promise<void> {
      await until(() => c.link.count('mark') >= count, timeoutMs, `${count} marks`);
    },
  };
}
