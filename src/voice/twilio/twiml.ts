import VoiceResponse from 'twilio/lib/twiml/VoiceResponse';

/** Connects the call to our media stream; per-call data travels as <Parameter>s since Twilio drops query strings. */
export function streamTwiml(streamUrl: string, parameters: Record<string, string>): string {
  const response = new VoiceResponse();
  const stream = response.connect().stream({ url: streamUrl });
  for (const [name, value] of Object.entries(parameters)) stream.parameter({ name, value });
  return response.toString();
}

/** A short spoken reason, then hang up: what a caller hears when the call cannot be taken. */
export function refusalTwiml(reason: string): string {
  const response = new VoiceResponse();
  response.say(reason);
  response.hangup();
  return response.toString();
}

/** The stream endpoint on our public origin: https -> wss, http -> ws. */
export function streamUrlFor(publicUrl: string, path: string): string {
  const url = new URL(publicUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  url.search = '';
  return url.toString();
}
