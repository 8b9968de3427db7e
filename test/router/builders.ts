/**
 * Small builders for router tests: a config with easy prices, scripted provider clients that
 * answer or throw a `ProviderError` of a chosen kind, and a router over an in-memory store.
 */
import { configSchema, type Config } from '../../config/schema.ts';
import { openStore, type Store } from '../../memory/store.ts';
import { ProviderError } from '../../contracts/provider-error.ts';
import type { ProviderClient, ProviderRegistry } from '../../agent/providers/types.ts';
import { resolveModels } from '../../agent/runtime.ts';
import { createRouter, type Router, type RouterDeps } from '../../agent/router/router.ts';
import type { ChatRequest, ChatResponse, ErrorKind, Tier, Usage } from '../../contracts/types.ts';

export function aUsage(overrides: Partial<Usage> = {}): Usage {
  return { inputTokens: 100, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 50, reasoningTokens: 0, ...overrides };
}

/**
 * Providers alpha and beta; prices in USD per 1M tokens are round so costs can be checked
 * by hand. b-big is the flagship.
 */
export function aConfig(overrides: Record<string, unknown> = {}): Config {
  const model = (provider: string, input: number, output: number, extra: Record<string, unknown> = {}) => ({
    provider,
    contextWindow: 10_000,
    maxOutputTokens: 1_000,
    prices: [{ input, output, effectiveFrom: '2025-01-01' }],
    ...extra,
  });
  return configSchema.parse({
    providers: { alpha: { api: 'openai' }, beta: { api: 'anthropic' } },
    models: {
      'a-small': model('alpha', 1, 2),
      'b-small': model('beta', 1, 4),
      'a-mid': model('alpha', 2, 8),
      'a-mid-2': model('alpha', 2, 8),
      'b-mid': model('beta', 3, 15),
      'a-big': model('alpha', 10, 40),
      'b-big': model('beta', 15, 75),
      'a-long': model('alpha', 2, 8, { contextWindow: 1_000_000 }),
      'b-long': model('beta', 3, 15, { contextWindow: 200_000 }),
    },
    tiers: {
      orchestration: ['a-small', 'b-small'],
      execution: ['a-mid', 'a-mid-2', 'b-mid'],
      reasoning: ['a-big', 'b-big'],
      'large-context': ['a-long', 'b-long'],
    },
    flagship: 'b-big',
    retry: { maxWait: '1s', baseDelay: 10 },
    breaker: { failureThreshold: 3, cooldown: '60s' },
    ...overrides,
  });
}

export type Step =
  | { answer: string; usage?: Usage }
  /** The model declines: a billed answer with finish reason `refusal`. */
  | { refuse: string; usage?: Usage }
  | { fail: ErrorKind; status?: number; retryAfterMs?: number; usage?: Usage; message?: string };

export interface ProviderCall {
  provider: string;
  model: string;
  request: ChatRequest;
}

/**
 * A provider client that plays each model's script in order; a model without a script (or
 * past its end) answers "ok from <model>". Every call is appended to `log`.
 */
export function scriptedProvider(
  name: string,
  scripts: Record<string, Step[]>,
  log: ProviderCall[],
  options: { simulated?: boolean } = {},
): ProviderClient {
  return {
    spec: { name, api: 'openai', timeoutMs: 1000, simulated: options.simulated ?? false },
    async complete(model, request, signal): Promise<ChatResponse> {
      log.push({ provider: name, model: model.id, request });
      if (signal?.aborted) throw new ProviderError({ kind: 'aborted', message: 'aborted', provider: name, model: model.id });
      const step = scripts[model.id]?.shift() ?? { answer: `ok from ${model.id}` };
      if ('fail' in step) {
        throw new ProviderError({
          kind: step.fail,
          message: step.message ?? `${name} (${model.id}): ${step.fail}`,
          provider: name,
          model: model.id,
          status: step.status,
          retryAfterMs: step.retryAfterMs,
          usage: step.usage,
        });
      }
      if ('refuse' in step) {
        return { text: '', toolCalls: [], finishReason: 'refusal', refusal: step.refuse, usage: step.usage ?? aUsage(), model: model.apiModel, simulated: options.simulated ?? false };
      }
      return {
        text: step.answer,
        toolCalls: [],
        finishReason: 'stop',
        usage: step.usage ?? aUsage(),
        model: model.apiModel,
        simulated: options.simulated ?? false,
      };
    },
  };
}

export interface TestRouter {
  router: Router;
  db: Store;
  log: ProviderCall[];
  waits: number[];
  now: { value: Date };
}

/** A router over a fresh in-memory store with scripted alpha and beta providers and a fake clock. */
export function aRouter(
  options: {
    config?: Config;
    scripts?: Record<string, Step[]>;
    tier?: Tier;
    db?: Store;
    deps?: Partial<RouterDeps>;
    /** Providers whose clients report simulated answers. */
    simulated?: string[];
  } = {},
): TestRouter {
  const config = options.config ?? aConfig();
  const db = options.db ?? openStore(':memory:');
  const log: ProviderCall[] = [];
  const scripts = options.scripts ?? {};
  const providers: ProviderRegistry = new Map([
    ['alpha', scriptedProvider('alpha', scripts, log, { simulated: options.simulated?.includes('alpha') })],
    ['beta', scriptedProvider('beta', scripts, log, { simulated: options.simulated?.includes('beta') })],
  ]);
  const waits: number[] = [];
  const now = { value: new Date('2025-06-15T12:00:00Z') };
  const router = createRouter({
    db,
    config,
    models: resolveModels(config),
    providers,
    decideTier: async () => ({ tier: options.tier ?? 'execution', reason: 'test decision' }),
    clock: () => now.value,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    ...options.deps,
  });
  return { router, db, log, waits, now };
}

/** A one-message request of roughly `tokens` input tokens. */
export function aRequest(tokens = 100, maxOutputTokens = 500): ChatRequest {
  return { messages: [{ role: 'user', content: 'x'.repeat(Math.max(0, tokens * 4 - 16)) }], maxOutputTokens };
}
