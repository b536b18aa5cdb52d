import { describe, expect, it } from 'vitest';
import {
  buildSsml,
  edgeRate,
  edgeSecMsGec,
  edgeTimestamp,
  edgeVoiceName,
  escapeXml,
  parseBinaryMessage,
  parseTextMessage,
  splitEscapedText,
  ssmlMessage,
} from '../../src/providers/tts/edge-protocol';

describe('Edge read-aloud protocol', () => {
  it('expands short voice names the way Edge does', () => {
    expect(edgeVoiceName('en-US-AriaNeural')).toBe('Microsoft Server Speech Text to Speech Voice (en-US, AriaNeural)');
    expect(edgeVoiceName('zh-CN-liaoning-XiaobeiNeural')).toBe('Microsoft Server Speech Text to Speech Voice (zh-CN-liaoning, XiaobeiNeural)');
    expect(edgeVoiceName('Microsoft Server Speech Text to Speech Voice (de-DE, KatjaNeural)')).toBe(
      'Microsoft Server Speech Text to Speech Voice (de-DE, KatjaNeural)',
    );
  });

  it('turns speed into a prosody rate', () => {
    expect(edgeRate(1)).toBe('+0%');
    expect(edgeRate(1.25)).toBe('+25%');
    expect(edgeRate(0.8)).toBe('-20%');
    expect(edgeRate(5)).toBe('+100%');
    expect(edgeRate(0.1)).toBe('-50%');
  });

  it('escapes text into SSML', () => {
    const ssml = buildSsml(escapeXml(`a<b & "c" 'd'`), 'en-US-GuyNeural', '+0%');
    expect(ssml).toContain(`<voice name='Microsoft Server Speech Text to Speech Voice (en-US, GuyNeural)'>`);
    expect(ssml).toContain(`>a&lt;b &amp; &quot;c&quot; &apos;d&apos;</prosody>`);
  });

  it('changes Sec-MS-GEC every five minutes only', () => {
    const start = Date.UTC(2025, 0, 1, 12, 0, 0);
    expect(edgeSecMsGec(start)).toMatch(/^[0-9A-F]{64}$/);
    expect(edgeSecMsGec(start + 299_000)).toBe(edgeSecMsGec(start));
    expect(edgeSecMsGec(start + 300_000)).not.toBe(edgeSecMsGec(start));
  });

  it('formats X-Timestamp like JavaScript Date#toString in UTC', () => {
    expect(edgeTimestamp(new Date(Date.UTC(2025, 2, 7, 9, 5, 3)))).toBe('Fri Mar 07 2025 09:05:03 GMT+0000 (Coordinated Universal Time)');
    const message = ssmlMessage('abc', '<speak/>', new Date(Date.UTC(2025, 2, 7, 9, 5, 3)));
    expect(message).toBe(
      'X-RequestId:abc\r\nContent-Type:application/ssml+xml\r\nX-Timestamp:Fri Mar 07 2025 09:05:03 GMT+0000 (Coordinated Universal Time)Z\r\nPath:ssml\r\n\r\n<speak/>',
    );
  });

  it('parses text and binary frames', () => {
    const text = parseTextMessage('X-RequestId:1\r\nPath:turn.end\r\n\r\n{}');
    expect(text.headers).toEqual({ 'X-RequestId': '1', Path: 'turn.end' });
    expect(text.body.toString()).toBe('{}');
    const head = Buffer.from('X-RequestId:1\r\nContent-Type:audio/mpeg\r\nPath:audio\r\n');
    const frame = Buffer.concat([Buffer.from([0, head.length]), head, Buffer.from([1, 2, 3])]);
    const binary = parseBinaryMessage(frame);
    expect(binary?.headers.Path).toBe('audio');
    expect(binary?.headers['Content-Type']).toBe('audio/mpeg');
    expect([...binary!.body]).toEqual([1, 2, 3]);
    expect(parseBinaryMessage(Buffer.from([0]))).toBeNull();
    expect(parseBinaryMessage(Buffer.from([0, 50, 1]))).toBeNull();
  });

  it('splits long text at spaces, never inside an entity or a character', () => {
    const escaped = escapeXml('word '.repeat(30) + 'fish & chips ' + 'é'.repeat(20));
    const pieces = splitEscapedText(escaped, 40);
    for (const piece of pieces) {
      expect(Buffer.byteLength(piece)).toBeLessThanOrEqual(40);
      expect(piece).not.toMatch(/&[a-z]*$/);
    }
    expect(pieces.join(' ')).toBe(escaped.trim().replace(/\s+/g, ' '));
    expect(splitEscapedText('short', 40)).toEqual(['short']);
    expect(splitEscapedText('   ', 40)).toEqual([]);
  });
});
