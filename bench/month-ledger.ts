/**
 * A heavy month for the benches: `rows` ledger rows spread evenly over the 30 days of one UTC
 * month, across 4 tiers, 10 jobs (and ad-hoc calls) and 6 models, written in one transaction
 * through the ledger's own insert (so the rollups and running totals follow by trigger).
 */
import { callParameters, insertCallStatement } from '../memory/ledger.ts';
import type { Store } from '../memory/store.ts';

const TIERS = ['orchestration', 'execution', 'reasoning', 'large-context'];
const JOBS = ['briefing', 'digest', 'research', 'code-review', 'mail', 'market', 'notes', 'calendar', 'news', 'backup', undefined];
const MODELS: Array<[string, string]> = [
  ['openai', 'gpt-4.1-mini'],
  ['anthropic', 'claude-haiku-4-5'],
  ['openai', 'gpt-5.1'],
  ['anthropic', 'claude-sonnet-4-6'],
  ['openai', 'o3-pro'],
  ['anthropic', 'claude-opus-4-6'],
];

/** Writes the rows and returns the seconds it took. `month` is YYYY-MM. */
export function fillMonth(db: Store, month: string, rows: number, options: { distinctJobs?: number } = {}): number {
  const insert = insertCallStatement(db);
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const monthStart = Date.UTC(year, monthNumber - 1, 1);
  const started = performance.now();
  db.transaction(() => {
    for (let index = 0; index < rows; index++) {
      const [provider, model] = MODELS[index % MODELS.length]!;
      const job = options.distinctJobs ? `job-${index % options.distinctJobs}` : JOBS[index % JOBS.length];
      insert.run(
        callParameters({
          // Spread over 30 days: second-of-month by a stride coprime with the month's length.
          startedAt: new Date(monthStart + ((index * 2_591) % (30 * 86_400)) * 1000),
          tier: TIERS[index % TIERS.length]!,
          provider,
          model,
          usage: { inputTokens: 1_000 + (index % 500), cachedInputTokens: index % 300, cacheWriteTokens: 0, outputTokens: 200, reasoningTokens: 0 },
          costUsd: 0.0005 + (index % 7) * 0.0001,
          flagshipCostUsd: 0.02,
          latencyMs: 800,
          outcome: index % 50 === 0 ? 'error' : 'ok',
          errorKind: index % 50 === 0 ? 'rate_limited' : undefined,
          simulated: false,
          job,
        }),
      );
    }
  })();
  return (performance.now() - started) / 1000;
}
