/**
 * SSRF: an organization's provider `baseUrl` must not reach loopback, private, link-local or metadata addresses,
 * in any spelling (IPv6 forms, IPv4 inside IPv6, decimal, hex, octal), on create and on every update, unless the
 * operator sets PROVIDER_ALLOW_PRIVATE_URLS. Redirects are never followed, and the adapters check again at connect
 * time. Prints attempts and how many got in.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Schemas } from '../../generated/client';
import { createDeepgramSpeechToText } from '../../src/providers/stt/deepgram';
import { createOpenAiCompatibleModel } from '../../src/providers/llm/openai-compatible';
import { ProviderError } from '../../src/providers/errors';
import { rejection } from '../providers/helpers';
import { createGlobal } from '../support/dashboard';
import { activeOrg, setUpPlatform, type PlatformAdmin, type TestOrg } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';

/** Each resolves (or is literally) an address of the platform's own network. */
const REFUSED_HTTP = [
  'http://127.0.0.1:11434/v1',
  'http://127.1/v1',
  'http://localhost:8080/v1',
  'http://0.0.0.0/v1',
  'http://10.0.0.5/v1',
  'https://172.16.3.4/v1',
  'http://192.168.1.10/v1',
  'http://100.64.0.1/v1',
  'http://169.254.169.254/latest/meta-data',
  'http://169.254.170.2/v2/credentials',
  'http://[::1]/v1',
  'http://[::]/v1',
  'http://[fe80::1]/v1',
  'http://[fd00:ec2::254]/latest',
  'http://[::ffff:127.0.0.1]/v1',
  'http://[::ffff:169.254.169.254]/latest',
  'http://[::ffff:a9fe:a9fe]/latest',
  'http://[64:ff9b::a9fe:a9fe]/latest',
  'http://2130706433/v1', // 127.0.0.1 as one decimal number
  'http://2852039166/latest', // 169.254.169.254
  'http://0x7f000001/v1',
  'http://0xa9fea9fe/latest',
  'http://0x7f.0.0.1/v1',
  'http://0177.0.0.1/v1', // octal
];
const REFUSED_WS = ['ws://127.0.0.1:8080', 'wss://[::1]', 'wss://169.254.169.254', 'ws://0x0a000001', 'https://localhost'];

const VENDORS = {
  llm: { providerKey: 'openai', credentials: { apiKey: 'sk-test' }, models: [{ modelId: 'gpt-4o-mini', label: 'Mini' }] },
  stt: { providerKey: 'deepgram', credentials: { apiKey: 'dg-test' }, models: [{ modelId: 'nova-2', label: 'Nova 2' }] },
};
const providerAt = (category: keyof typeof VENDORS) => (baseUrl: string): Schemas['ProviderCreate'] => ({
  category,
  name: `${category} ${Math.random().toString(36).slice(2, 8)}`,
  ...VENDORS[category],
  settings: { baseUrl },
});
const body = providerAt('llm');
const sttBody = providerAt('stt');

interface Attempts {
  tried: number;
  gotIn: string[];
}

async function attempt(org: TestOrg, provider: Schemas['Provider'], make: (url: string) => Schemas['ProviderCreate'], urls: string[]) {
  const result: Attempts = { tried: 0, gotIn: [] };
  for (const url of urls) {
    const created = await org.client.POST('/dashboard/providers', { body: make(url) });
    const updated = await org.client.PATCH('/dashboard/providers/{id}', {
      params: { path: { id: provider._id } },
      body: { settings: { baseUrl: url } },
    });
    result.tried += 2;
    for (const [what, answer] of [
      ['create', created],
      ['update', updated],
    ] as const) {
      if (answer.response.status !== 400 || answer.error?.code !== 'provider_url_not_allowed') {
        result.gotIn.push(`${what} ${url} -> ${answer.response.status} ${JSON.stringify(answer.error ?? {})}`);
      }
    }
  }
  return result;
}

describe('with PROVIDER_ALLOW_PRIVATE_URLS=false', () => {
  let server: TestServer;
  let admin: PlatformAdmin;
  let org: TestOrg;
  beforeAll(async () => {
    server = await startTestServer({ PROVIDER_ALLOW_PRIVATE_URLS: 'false' });
    admin = await setUpPlatform(server);
    org = await activeOrg(server, 'pro');
  });
  afterAll(() => server.stop());

  it('refuses internal addresses in every spelling, on create and on update', async () => {
    const llm = await org.client.POST('/dashboard/providers', { body: body('https://8.8.8.8/v1') });
    const stt = await org.client.POST('/dashboard/providers', { body: sttBody('wss://[2606:4700:4700::1111]') });
    expect([llm.response.status, stt.response.status]).toEqual([201, 201]);

    const http = await attempt(org, llm.data!, body, REFUSED_HTTP);
    const ws = await attempt(org, stt.data!, sttBody, REFUSED_WS);
    console.log(`[ssrf] baseUrl attempts: ${http.tried + ws.tried} tried (create and update), ${http.gotIn.length + ws.gotIn.length} got in`);
    expect([...http.gotIn, ...ws.gotIn]).toEqual([]);

    // Nothing was stored: the providers keep their public URLs and no other provider exists.
    const listed = await org.client.GET('/dashboard/providers', { params: { query: { client: true } } });
    expect(listed.data!.map((p) => p.settings?.baseUrl).sort()).toEqual(['https://8.8.8.8/v1', 'wss://[2606:4700:4700::1111]']);
  });

  it('accepts public addresses, and names that do not resolve now (checked again at connect time)', async () => {
    for (const url of ['https://1.1.1.1/v1', 'https://[2001:4860:4860::8888]/v1', 'https://gateway.example.invalid/v1']) {
      const { response } = await org.client.POST('/dashboard/providers', { body: body(url) });
      expect(response.status, url).toBe(201);
    }
  });

  it('leaves the platform’s own global providers to the operator', async () => {
    const global = await createGlobal(admin, { ...body('http://127.0.0.1:11434/v1'), providerKey: 'ollama', credentials: {} });
    expect(global.settings?.baseUrl).toBe('http://127.0.0.1:11434/v1');
  });
});

describe('with PROVIDER_ALLOW_PRIVATE_URLS=true (self-hosted vendors)', () => {
  it('accepts private addresses on create and update', async () => {
    const server = await startTestServer({ PROVIDER_ALLOW_PRIVATE_URLS: 'true' });
    try {
      const org = await activeOrg(server, 'pro');
      const created = await org.client.POST('/dashboard/providers', { body: body('http://127.0.0.1:11434/v1') });
      expect(created.response.status).toBe(201);
      const updated = await org.client.PATCH('/dashboard/providers/{id}', {
        params: { path: { id: created.data!._id } },
        body: { settings: { baseUrl: 'http://10.0.0.5/v1' } },
      });
      expect(updated.response.status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});

describe('at connect time', () => {
  /** A "metadata service" that counts who reached it, and a vendor that redirects there. */
  let metadata: Server;
  let metadataHits = 0;
  let redirector: Server;
  let wsRedirector: Server;
  let redirectorHits = 0;
  const origin = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const listen = (handler: (req: IncomingMessage, res: ServerResponse) => void) =>
    new Promise<Server>((resolve) => {
      const server = createServer(handler);
      server.listen(0, '127.0.0.1', () => resolve(server));
    });

  beforeAll(async () => {
    metadata = await listen((_req, res) => {
      metadataHits++;
      res.end('{"AccessKeyId":"AKIA-METADATA"}');
    });
    const toMetadata = (_req: IncomingMessage, res: ServerResponse) => {
      redirectorHits++;
      res.writeHead(302, { location: `${origin(metadata)}/latest/meta-data/iam` }).end();
    };
    redirector = await listen(toMetadata);
    wsRedirector = await listen(toMetadata);
    // Upgrades are answered with a redirect too, as a hostile Deepgram stand-in would.
    wsRedirector.on('upgrade', (_req, socket) => {
      redirectorHits++;
      socket.end(`HTTP/1.1 302 Found\r\nLocation: ws://127.0.0.1:${(metadata.address() as AddressInfo).port}/\r\nContent-Length: 0\r\n\r\n`);
    });
  });
  afterAll(async () => {
    for (const server of [metadata, redirector, wsRedirector]) await new Promise((r) => server.close(r));
  });

  const llmAt = (baseUrl: string, allowPrivateNetwork: boolean) =>
    createOpenAiCompatibleModel({ providerKey: 'openai', modelId: 'gpt-4o-mini', credentials: { apiKey: 'sk' }, settings: { baseUrl }, allowPrivateNetwork });
  const drain = async (model: ReturnType<typeof llmAt>) => {
    for await (const _ of model.stream({ messages: [{ role: 'user', content: 'hi' }], temperature: 0, maxTokens: 5 }));
  };

  it('never follows a redirect to an internal address, over HTTP or WebSocket', async () => {
    const http = await rejection(drain(llmAt(`${origin(redirector)}/v1`, true)));
    expect(http).toBeInstanceOf(ProviderError);
    const stt = createDeepgramSpeechToText({
      providerKey: 'deepgram',
      modelId: 'nova-2',
      credentials: { apiKey: 'dg' },
      settings: { baseUrl: origin(wsRedirector).replace('http', 'ws') },
      allowPrivateNetwork: true,
    });
    const listener = { onTranscript() {}, onSpeechStarted() {}, onUtteranceEnd() {}, onError() {}, onClose() {} };
    await rejection(stt.start({ language: 'en', endpointingMs: 300, utteranceEndMs: 1000 }, listener));
    console.log(`[ssrf] redirects: ${redirectorHits} served, ${metadataHits} followed to the metadata stand-in`);
    expect(redirectorHits).toBe(2);
    expect(metadataHits).toBe(0);
  });

  it('refuses a tenant URL that reaches loopback before any byte is sent', async () => {
    const before = metadataHits;
    const error = await rejection(drain(llmAt(`${origin(metadata).replace('127.0.0.1', 'localhost')}/v1`, false)));
    expect(error.message).toMatch(/loopback/);
    expect(metadataHits).toBe(before);
  });
});
