import { PROVIDER_CATALOG } from '../providers/catalog';
import type { DB } from './database';
import { upsertCatalogEntry } from './repositories/catalog';
import { anyPlanExists, insertPlanIfMissing, type PlanInput } from './repositories/plans';

const ALL_MODELS = (category: 'llm' | 'tts' | 'stt') =>
  PROVIDER_CATALOG.filter((e) => e.category === category).flatMap((e) => e.models.map((m) => `${e.providerKey}/${m.modelId}`));

/** The reference's plans. Seeded once; afterwards the platform admin owns them. */
export const DEFAULT_PLANS: PlanInput[] = [
  {
    slug: 'free',
    name: 'Free',
    description: 'Get started with voice AI',
    pricing: { monthly: 0, annual: 0, maxDiscountPercent: 0 },
    limits: { maxAgents: 1, maxConcurrentCalls: 2, maxCallDurationSec: 300, maxMonthlyMinutes: 60 },
    models: { llm: ['ollama/llama3.2:3b'], tts: ['edge/en-US-AriaNeural'], stt: ['deepgram/nova-2'] },
    features: { customProviders: false, maxCustomProviders: 0 },
    public: true,
    custom: false,
  },
  {
    slug: 'starter',
    name: 'Starter',
    description: 'For small teams taking their first calls',
    pricing: { monthly: 29, annual: 290, maxDiscountPercent: 10 },
    limits: { maxAgents: 5, maxConcurrentCalls: 10, maxCallDurationSec: 1800, maxMonthlyMinutes: 1000 },
    models: {
      llm: ['ollama/llama3.2:3b', 'groq/llama-3.3-70b-versatile'],
      tts: ['edge/en-US-AriaNeural', 'openai/alloy'],
      stt: ['deepgram/nova-2'],
    },
    features: { customProviders: false, maxCustomProviders: 0 },
    public: true,
    custom: false,
  },
  {
    slug: 'pro',
    name: 'Pro',
    description: 'For teams running voice agents in production',
    pricing: { monthly: 99, annual: 990, maxDiscountPercent: 15 },
    limits: { maxAgents: 25, maxConcurrentCalls: 50, maxCallDurationSec: 3600, maxMonthlyMinutes: 10000 },
    models: {
      llm: ['ollama/llama3.2:3b', 'groq/llama-3.3-70b-versatile', 'openai/gpt-4o-mini'],
      tts: ['edge/en-US-AriaNeural', 'elevenlabs/21m00Tcm4TlvDq8ikWAM', 'openai/alloy'],
      stt: ['deepgram/nova-2'],
    },
    features: { customProviders: true, maxCustomProviders: 5 },
    public: true,
    custom: false,
  },
  {
    slug: 'enterprise',
    name: 'Enterprise',
    description: 'Every model, high limits and your own providers',
    pricing: { monthly: 499, annual: 4990, maxDiscountPercent: 20 },
    limits: { maxAgents: 100, maxConcurrentCalls: 500, maxCallDurationSec: 7200, maxMonthlyMinutes: 100000 },
    models: { llm: ALL_MODELS('llm'), tts: ALL_MODELS('tts'), stt: ALL_MODELS('stt') },
    features: { customProviders: true, maxCustomProviders: 50 },
    public: true,
    custom: false,
  },
];

/**
 * Idempotent: safe at every start and from several processes at once. Plans are seeded into an empty table only,
 * so a default plan the platform admin deleted stays deleted after a restart.
 */
export async function seedDatabase(db: DB): Promise<void> {
  for (const entry of PROVIDER_CATALOG) await upsertCatalogEntry(db, entry);
  if (await anyPlanExists(db)) return;
  // All or none, so a start that dies half-way does not leave a partial set that later starts would keep.
  await db.transaction().execute(async (trx) => {
    for (const plan of DEFAULT_PLANS) await insertPlanIfMissing(trx, plan);
  });
}
