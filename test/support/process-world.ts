/**
 * The platform set up through the API of server processes (test/support/server-process.ts): the superadmin,
 * global providers on the fake vendors, and organizations with an API key, for tests that run the server out of
 * process (faults, scale).
 */
import { randomBytes } from 'node:crypto';
import { createVoicexClient, type Schemas, type VoicexClient } from '../../generated/client';
import type { FakeVendorUrls } from '../fakes/serve';
import type { ServerProcess } from './server-process';
import { validateResponses } from './spec';

export const processClient = (server: ServerProcess, auth: { token?: string; apiKey?: string } = {}): VoicexClient =>
  createVoicexClient({ baseUrl: server.apiUrl, ...auth, middleware: [validateResponses] });

export interface ProcessOrg {
  orgId: string;
  token: string;
  apiKey: string;
}

export interface ProcessWorld {
  /** Through `via` (default: the process the platform was set up on); processes share the database and secrets. */
  newOrg(plan: string, via?: ServerProcess): Promise<ProcessOrg>;
  agentBody(name: string): Schemas['AgentCreate'];
}

export async function setUpProcessWorld(server: ServerProcess, fakes: FakeVendorUrls): Promise<ProcessWorld> {
  const setup = await processClient(server).POST('/setup', {
    body: { name: 'Root', email: `root.${randomBytes(4).toString('hex')}@example.com`, password: 'root-password-123', orgName: 'Ops' },
  });
  if (!setup.data) throw new Error(`setup failed: ${JSON.stringify(setup.error)}`);
  const root = processClient(server, { token: setup.data.token });
  const global = async (body: Schemas['ProviderCreate']) => (await root.POST('/admin/providers', { body })).data!;
  const providers = {
    llm: await global({ category: 'llm', providerKey: 'ollama', name: 'Ollama', models: [{ modelId: 'llama3.2:3b', label: 'L' }], settings: { baseUrl: fakes.llm } }),
    tts: await global({ category: 'tts', providerKey: 'edge', name: 'Edge', models: [{ modelId: 'en-US-AriaNeural', label: 'Aria' }], settings: { baseUrl: fakes.edge } }),
    stt: await global({ category: 'stt', providerKey: 'deepgram', name: 'Deepgram', credentials: { apiKey: 'k' }, models: [{ modelId: 'nova-2', label: 'N' }], settings: { baseUrl: fakes.deepgram } }),
  };
  return {
    newOrg: async (plan, via = server) => {
      const email = `owner.${randomBytes(4).toString('hex')}@example.com`;
      const signup = await processClient(via).POST('/auth/signup', { body: { name: 'Owner', email, password: 'owner-password', orgName: 'Org' } });
      const orgId = signup.data!.organization._id;
      const admin = processClient(via, { token: setup.data.token });
      await admin.PATCH('/admin/organizations/{id}', { params: { path: { id: orgId } }, body: { status: 'active', planSlug: plan } });
      const key = await processClient(via, { token: signup.data!.token }).POST('/dashboard/api-keys', { body: { name: 'k' } });
      return { orgId, token: signup.data!.token, apiKey: key.data!.rawKey };
    },
    agentBody: (name) => ({
      name,
      llmProviderId: providers.llm._id,
      llmModelId: 'llama3.2:3b',
      ttsProviderId: providers.tts._id,
      ttsModelId: 'en-US-AriaNeural',
      sttProviderId: providers.stt._id,
    }),
  };
}
