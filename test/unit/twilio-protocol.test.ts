import { describe, expect, it } from 'vitest';
import { mediaMessage, mediaMessageAfter, mediaMessagePrefix, mediaPayloadOf, parseInbound } from '../../src/voice/twilio/protocol';

const payload = Buffer.from(Array.from({ length: 160 }, (_, i) => (i * 37) & 0xff)).toString('base64');
/** A media message exactly as Twilio writes it on the wire. */
const twilioMedia = (data = payload) =>
  JSON.stringify({
    event: 'media',
    sequenceNumber: '4',
    media: { track: 'inbound', chunk: '2', timestamp: '5', payload: data },
    streamSid: 'MZ18ad3ab5a668481ce02b83e7395059f0',
  });

describe('mediaPayloadOf (inbound media without JSON.parse)', () => {
  it("finds the payload of Twilio's media message, the same one JSON.parse finds", () => {
    const text = twilioMedia();
    expect(mediaPayloadOf(text)).toBe(payload);
    const parsed = parseInbound(text);
    expect(parsed?.event === 'media' && parsed.media.payload).toBe(payload);
  });

  it('accepts an empty payload and base64 padding', () => {
    expect(mediaPayloadOf(twilioMedia(''))).toBe('');
    expect(mediaPayloadOf(twilioMedia('AAE='))).toBe('AAE=');
  });

  it('leaves every other shape to parseInbound', () => {
    const others = [
      // other events
      JSON.stringify({ event: 'mark', streamSid: 'MZ1', mark: { name: 'utt-1' } }),
      JSON.stringify({ event: 'start', start: { callSid: 'CA1', streamSid: 'MZ1', customParameters: {} }, streamSid: 'MZ1' }),
      // media, but not in Twilio's order or spacing
      JSON.stringify({ streamSid: 'MZ1', event: 'media', media: { payload } }),
      JSON.stringify({ event: 'media', media: { payload } }, null, 1),
      // an escaped character in the payload needs a real JSON parser
      twilioMedia().replace(payload, 'ab\\/cd'),
      // payload outside "media", two payloads, cut short
      JSON.stringify({ event: 'media', other: { payload } }),
      JSON.stringify({ event: 'media', media: { payload, extra: { payload } } }),
      twilioMedia().slice(0, -10),
    ];
    for (const text of others) expect(mediaPayloadOf(text), text).toBeNull();
    // The slow path still reads the media message in another key order.
    const reordered = parseInbound(others[2]!);
    expect(reordered?.event === 'media' && reordered.media.payload).toBe(payload);
  });
});

describe('mediaMessage (outbound media without JSON.stringify)', () => {
  it('is byte for byte what JSON.stringify makes, whatever the streamSid holds', () => {
    const frame = Buffer.from(payload, 'base64');
    for (const streamSid of ['MZ18ad3ab5a668481ce02b83e7395059f0', 'with "quotes" and \\ backslash', 'ünïcödé\u2028', '']) {
      const expected = JSON.stringify({ event: 'media', streamSid, media: { payload: frame.toString('base64') } });
      expect(mediaMessage(streamSid, frame)).toBe(expected);
      expect(mediaMessageAfter(mediaMessagePrefix(streamSid), frame)).toBe(expected);
      expect(JSON.parse(mediaMessage(streamSid, frame))).toEqual({ event: 'media', streamSid, media: { payload } });
    }
  });
});
