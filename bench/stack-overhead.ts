/**
 * What the router stack adds to a model call: the same chat request sent to the loopback
 * simulator (a) straight through the openai SDK, (b) through the provider client, and (c)
 * through the whole router (tier decision, breaker, budget reservation, provider, ledger
 * write settled with the reservation), interleaved in one run against a file database in WAL
 * mode. Reports p50/p99 of each and the router's added latency at p50 (target < 1 ms).
 * Run alone: `node --import tsx bench/stack-overhead.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { allPass, figureTable, format, type BenchEntry, type FigureRow } from './entry.ts';
import OpenAI from 'openai';
import { configSchema } from '../config/schema.ts';
import { openStore } from '../memory/store.ts';
import { createProviderRegistry } from '../agent/providers/registry.ts';
import { resolveModels } from '../agent/runtime.ts';
import { createRouter } from '../agent/router/router.ts';
import { startSimulator } from '../agent/simulator/simulator.ts';
import type { ChatRequest } from '../contracts/types.ts';

export interface Percentiles {
  p50Ms: number;
  p99Ms: number;
}

export interface StackOverheadResult {
  calls: number;
  directSdk: Percentiles;
  providerClient: Percentiles;
  router: Percentiles;
  /** router p50 minus direct SDK p50. */
  addedAtP50Ms: number;
  targetMs: number;
  withinTarget: boolean;
  ledgerRows: number;
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
  return { p50Ms: at(0.5), p99Ms: at(0.99) };
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

export async function benchStackOverhead(options: { calls?: number; warmup?: number } = {}): Promise<StackOverheadResult> {
  const calls = options.calls ?? 500;
  const warmup = options.warmup ?? 50;
  const simulator = await startSimulator();
  const directory = mkdtempSync(join(tmpdir(), 'sb-bench-stack-'));
  const db = openStore(join(directory, 'switchboard.db'));
  try {
    const config = configSchema.parse({
      providers: { sim: { api: 'openai' } },
      models: { small: { provider: 'sim', model: 'bench-model', contextWindow: 128_000, maxOutputTokens: 1_000, prices: [{ input: 0.15, output: 0.6 }] } },
      tiers: { orchestration: ['small'], execution: ['small'], reasoning: ['small'], 'large-context': ['small'] },
      flagship: 'small',
      // Caps that never bind, so every call goes through a real reservation.
      budgets: { daily: { total: 1_000_000, tiers: { execution: 1_000_000 } }, monthly: { total: 1_000_000 } },
    });
    const spec = { name: 'sim', api: 'openai' as const, baseURL: simulator.openaiBaseURL, apiKey: 'sk-bench', timeoutMs: 10_000, simulated: true };
    const providers = createProviderRegistry([spec]);
    const models = resolveModels(config);
    const router = createRouter({ db, config, models, providers, decideTier: async () => ({ tier: 'execution', reason: 'bench' }) });
    const sdk = new OpenAI({ baseURL: simulator.openaiBaseURL, apiKey: 'sk-bench', maxRetries: 0 });
    const request: ChatRequest = { messages: [{ role: 'user', content: 'Say hello.' }], maxOutputTokens: 50 };
    const client = providers.get('sim')!;
    const model = models.get('small')!;

    const runners = {
      directSdk: () => sdk.chat.completions.create({ model: 'bench-model', messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 50 }),
      providerClient: () => client.complete(model, request),
      router: () => router.complete({ task: { kind: 'bench' }, request, origin: { job: 'bench' } }),
    };
    const samples: Record<keyof typeof runners, number[]> = { directSdk: [], providerClient: [], router: [] };
    for (let index = 0; index < warmup + calls; index++) {
      // Interleaved, so drift in the machine's load touches all three alike.
      for (const name of Object.keys(runners) as Array<keyof typeof runners>) {
        const elapsed = await timed(runners[name]);
        if (index >= warmup) samples[name].push(elapsed);
      }
    }
    const directSdk = percentiles(samples.directSdk);
    const routed = percentiles(samples.router);
    const addedAtP50Ms = routed.p50Ms - directSdk.p50Ms;
    return {
      calls,
      directSdk,
      providerClient: percentiles(samples.providerClient),
      router: routed,
      addedAtP50Ms,
      targetMs: 1,
      withinTarget: addedAtP50Ms < 1,
      ledgerRows: db.prepare('SELECT count(*) FROM calls').pluck().get() as number,
    };
  } finally {
    db.close();
    await simulator.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

export const benchEntry: BenchEntry = {
  name: 'stack-overhead',
  target: 'the router stack adds < 1 ms to a call at p50',
  async run({ quick }) {
    const result = await benchStackOverhead(quick ? { calls: 100, warmup: 20 } : {});
    const ms = (value: number) => `${format(value, 3)} ms`;
    const sdk = result.directSdk;
    const rows: FigureRow[] = [
      { figure: `direct openai SDK p50 / p99 (${result.calls} calls each)`, value: `${ms(sdk.p50Ms)} / ${ms(sdk.p99Ms)}` },
      { figure: 'provider client p50 / p99', value: `${ms(result.providerClient.p50Ms)} / ${ms(result.providerClient.p99Ms)}`, baseline: ms(sdk.p50Ms), ratio: result.providerClient.p50Ms / sdk.p50Ms },
      { figure: 'whole router p50 / p99', value: `${ms(result.router.p50Ms)} / ${ms(result.router.p99Ms)}`, baseline: ms(sdk.p50Ms), ratio: result.router.p50Ms / sdk.p50Ms },
      { figure: 'added by the router at p50', value: ms(result.addedAtP50Ms), target: '< 1 ms', pass: result.withinTarget },
    ];
    return {
      lines: [...figureTable(rows), '', `Same request to the loopback simulator, interleaved; the router wrote ${format(result.ledgerRows, 0)} ledger rows (file database, WAL).`],
      passed: allPass(rows),
    };
  },
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchStackOverhead();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
