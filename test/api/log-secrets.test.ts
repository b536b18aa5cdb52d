/**
 * Secrets never reach the logs. Plants passwords, JWTs, a raw API key, Twilio tokens, stream tokens and vendor
 * credentials through every path that handles them (sign-up, sign-in, setup, API keys in headers and webhook URLs,
 * provider create and update, a call whose vendor echoes the key in its error), captures everything pino wrote at
 * trace level, and counts how many of the planted values appear.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulawTone } from '../../src/voice/audio';
import { clientProviderBody, createClientProvider } from '../support/dashboard';
import { signUpOrg } from '../support/factories';
import { connect, phoneOrg, ring, startPhoneWorld, TWILIO_TOKEN, waitForCallEnd, type PhoneOrg, type PhoneWorld } from '../support/phone';

const planted = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

let world: PhoneWorld;
let org: PhoneOrg;
const secrets = new Map<string, string>();
const plant = (what: string, value: string) => {
  secrets.set(what, value);
  return value;
};

beforeAll(async () => {
  world = await startPhoneWorld({ LOG_LEVEL: 'trace' });
  org = await phoneOrg(world);
  plant('platform Twilio auth token', TWILIO_TOKEN);
  plant('setup password', 'platform-admin-password');
  plant('raw API key', org.apiKey);
  plant('session JWT', org.token);
});
afterAll(() => world.stop());

describe('logs', () => {
  it('hold none of the planted secrets', async () => {
    const { apiUrl } = world.server;
    const json = (body: unknown, headers: Record<string, string> = {}) => ({
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

    // Passwords: sign-up, a wrong sign-in, a right one, a malformed body that fails validation with the password in it.
    const member = await signUpOrg(world.server);
    plant('sign-up password', member.password);
    plant('second JWT', member.token);
    await fetch(`${apiUrl}/auth/signin`, json({ email: member.email, password: plant('wrong password', planted('pw-wrong')) }));
    await fetch(`${apiUrl}/auth/signin`, json({ email: member.email, password: member.password }));
    await fetch(`${apiUrl}/auth/signup`, json({ email: 'not-an-email', password: plant('invalid sign-up password', planted('pw-bad')) }));
    await fetch(`${apiUrl}/setup`, json({ name: 'x', email: 'x@example.com', password: plant('late setup password', planted('pw-setup')), orgName: 'x' }));

    // Credentials in headers and in the webhook URL, valid and not.
    await fetch(`${apiUrl}/dashboard/agents`, { headers: { 'x-api-key': org.apiKey } });
    await fetch(`${apiUrl}/dashboard/agents`, { headers: { 'x-api-key': plant('unknown API key', `vx_${randomBytes(24).toString('hex')}`) } });
    await fetch(`${apiUrl}/dashboard/agents`, { headers: { authorization: `Bearer ${plant('forged JWT', planted('eyJforged'))}` } });
    await fetch(`${apiUrl}/twilio/voice?api_key=${org.apiKey}`, { method: 'POST', body: new URLSearchParams({ CallSid: 'CA1' }) });

    // The organization's own Twilio token, and vendor credentials on create, update and a rejected update.
    const orgToken = plant('organization Twilio token', planted('tw-org'));
    expect((await org.client.PATCH('/dashboard/organization', { body: { twilioAuthToken: orgToken } })).response.status).toBe(200);
    const vendorKey = plant('vendor API key', planted('sk-live'));
    const provider = await createClientProvider(org, {
      credentials: { apiKey: plant('first vendor API key', planted('sk-first')) },
      settings: { baseUrl: world.fakes.urls.llm },
      models: [{ modelId: 'gpt-4o-mini', label: 'Mini' }],
    });
    await org.client.PATCH('/dashboard/providers/{id}', { params: { path: { id: provider._id } }, body: { credentials: { apiKey: vendorKey } } });
    await org.client.POST('/dashboard/providers', {
      body: clientProviderBody({ credentials: { apiKey: plant('refused vendor key', planted('sk-refused')), extra: 'x' } }),
    });

    // A call whose LLM is that provider; the vendor refuses with the key echoed in its error, as vendors do.
    const patched = await org.client.PATCH('/dashboard/agents/{id}', {
      params: { path: { id: org.agent._id } },
      body: { llmProviderId: provider._id, llmModelId: 'gpt-4o-mini' },
    });
    expect(patched.response.status).toBe(200);
    world.fakes.chat.configure({ fault: { type: 'status', status: 401, body: { error: { message: `Incorrect API key provided: ${vendorKey}` } } } });
    const answer = await ring(world, org, { authToken: orgToken });
    plant('stream token', answer.parameters.token!);
    const stream = await connect(world, answer);
    stream.startLine();
    world.fakes.deepgram.say('Hello there');
    stream.speak(mulawTone(300, 900, 8000));
    await stream.waitFor(() => world.fakes.chat.requests.length > 0, 10_000, 'LLM request');
    await new Promise((r) => setTimeout(r, 300));
    await stream.hangUp();
    await waitForCallEnd(world, org.orgId, answer.parameters.callId!, { summarized: false });
    world.fakes.chat.configure({ fault: undefined });

    const logs = world.server.logs.join('');
    const found = [...secrets].filter(([, value]) => logs.includes(value)).map(([what]) => what);
    const lines = world.server.logs.length;
    console.log(`[log-secrets] ${secrets.size} secrets planted, ${found.length} found in ${lines} log lines${found.length ? `: ${found.join(', ')}` : ''}`);
    // The paths did log: requests, the refused sign-in and the vendor's refusal.
    expect(lines).toBeGreaterThan(20);
    expect(logs).toMatch(/"path":"\/api\/auth\/signin"/);
    expect(logs).toContain('Incorrect API key provided: [redacted]');
    expect(found).toEqual([]);
  });
});
