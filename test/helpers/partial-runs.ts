/**
 * Builders for the partial-failure tests: a real router over the loopback simulator (one
 * model serves every tier, so a fault on it is a fault of the whole chain), and one run of a
 * skill through the real job executor, so the recorded status is the one `runs` shows.
 */
import { tmpdir } from 'node:os';
import { configSchema } from '../../config/schema.ts';
import { createJobExecutor } from '../../agent/job-executor.ts';
import { silentLogger } from '../../agent/logger.ts';
import { createProviderRegistry } from '../../agent/providers/registry.ts';
import { createRouter, type Router, type RouterDeps } from '../../agent/router/router.ts';
import { resolveModels } from '../../agent/runtime.ts';
import type { Simulator } from '../../agent/simulator/types.ts';
import type { ModelRouter } from '../../contracts/router.ts';
import { claimRun, type RunRecord } from '../../memory/runs.ts';
import type { Store } from '../../memory/store.ts';
import type { Skill } from '../../skills/types.ts';
import { aConfig } from '../scheduler/builders.ts';
import { simulatorSpec } from './simulator.ts';

/** The model name the simulator sees; script faults and answers on it. */
export const SIMULATED_MODEL = 'worker-model';

/** A router over `db` whose every tier is one simulated model at $1/$2 per 1M tokens. */
export function aSimulatedRouter(simulator: Simulator, db: Store, clock?: () => Date, extra: Pick<RouterDeps, 'ledgerWriteWaitMs'> = {}): Router {
  const config = configSchema.parse({
    providers: { sim: { api: 'openai' } },
    models: { worker: { provider: 'sim', model: SIMULATED_MODEL, contextWindow: 100_000, maxOutputTokens: 2_000, prices: [{ input: 1, output: 2 }] } },
    tiers: { orchestration: ['worker'], execution: ['worker'], reasoning: ['worker'], 'large-context': ['worker'] },
    flagship: 'worker',
    retry: { maxWait: '1s', baseDelay: 5 },
    breaker: { failureThreshold: 100, cooldown: '60s' },
  });
  return createRouter({
    db,
    config,
    models: resolveModels(config),
    providers: createProviderRegistry([simulatorSpec(simulator, 'openai', { name: 'sim' })]),
    decideTier: async () => ({ tier: 'orchestration', reason: 'partial-failure test' }),
    ...(clock ? { clock } : {}),
    ...extra,
  });
}

/** Claims one manual run of `skill` as job `job` and executes it; resolves to the final row. */
export async function runSkillOnce(
  db: Store,
  skill: Skill,
  options: Record<string, unknown>,
  router: ModelRouter,
  settings: { job?: string; now?: Date; dataDir?: string } = {},
): Promise<RunRecord> {
  const job = settings.job ?? skill.name;
  const now = settings.now ?? new Date();
  const config = aConfig({ [job]: { skill: skill.name, schedule: '0 7 * * *', options } });
  const executor = createJobExecutor({
    db,
    config,
    dataDir: settings.dataDir ?? tmpdir(),
    logger: silentLogger(),
    skills: new Map([[skill.name, skill]]),
    router,
    clock: { now: () => now },
  });
  const slot = `manual:${now.toISOString()}`;
  const claim = claimRun(db, { job, skill: skill.name, slot, idempotencyKey: `${job}@${slot}`, trigger: 'manual', status: 'queued', now });
  if (!claim.claimed) throw new Error(`run ${job}@${slot} was already claimed`);
  return executor.execute({ run: claim.run, job: config.jobs[job] });
}

/** The `[part, kind]` pairs of a run's recorded problems, in order. */
export function problemParts(run: RunRecord): Array<[string, string]> {
  const problems = (run.result as { problems?: Array<{ part: string; kind: string }> } | null)?.problems ?? [];
  return problems.map((problem) => [problem.part, problem.kind]);
}
