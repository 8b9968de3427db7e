// Small builders for scheduler tests: a config, a controllable clock, scripted skills.
import { configSchema, type Config } from '../../config/schema.ts';
import { openStore, type Store } from '../../memory/store.ts';
import { silentLogger } from '../../agent/logger.ts';
import { createJobExecutor } from '../../agent/job-executor.ts';
import { createScheduler, type Scheduler } from '../../agent/scheduler/scheduler.ts';
import type { Skill, SkillContext } from '../../skills/types.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function aConfig(jobs: Record<string, Record<string, unknown>>, extra: Record<string, unknown> = {}): Config {
  return configSchema.parse({
    providers: { p: { api: 'openai', keyless: true } },
    models: { m: { provider: 'p', contextWindow: 1000, maxOutputTokens: 100, prices: [{ input: 1, output: 1 }] } },
    tiers: { orchestration: ['m'], execution: ['m'], reasoning: ['m'], 'large-context': ['m'] },
    flagship: 'm',
    timezone: 'UTC',
    jobs: Object.fromEntries(Object.entries(jobs).map(([name, job]) => [name, { skill: 'probe', ...job }])),
    ...extra,
  });
}

export function aClock(iso: string) {
  let now = new Date(iso).getTime();
  return {
    now: () => new Date(now),
    set: (next: string) => {
      now = new Date(next).getTime();
    },
  };
}

/** A skill whose runs wait until released (or aborted); records every context it saw. */
export function aProbeSkill() {
  const seen: SkillContext[] = [];
  const signals: AbortSignal[] = [];
  const releases: Array<() => void> = [];
  let autoRelease = false;
  const skill: Skill = {
    name: 'probe',
    description: 'test probe',
    run: (context, signal) => {
      seen.push(context);
      signals.push(signal);
      return new Promise((resolve, reject) => {
        const done = () => resolve({ summary: `ran ${context.idempotencyKey}` });
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        if (autoRelease) done();
        else releases.push(done);
      });
    },
  };
  return {
    skill,
    seen,
    signals,
    running: () => releases.length,
    releaseAll: () => releases.splice(0).forEach((release) => release()),
    finishImmediately: () => {
      autoRelease = true;
    },
  };
}

export function aDatabaseFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'sb-sched-')), 'switchboard.db');
}

export interface Harness {
  db: Store;
  scheduler: Scheduler;
}

export function aScheduler(options: {
  config: Config;
  clock: { now(): Date };
  skills: Skill[];
  path?: string;
  db?: Store;
  isAlive?: (pid: number | null, owner: string | null) => boolean;
}): Harness {
  const db = options.db ?? openStore(options.path ?? ':memory:');
  const logger = silentLogger();
  const executor = createJobExecutor({
    db,
    config: options.config,
    dataDir: tmpdir(),
    logger,
    skills: new Map(options.skills.map((skill) => [skill.name, skill])),
    clock: options.clock,
    cancelPollMs: 20,
    abortGraceMs: 200,
  });
  const scheduler = createScheduler({ db, config: options.config, logger, executor, clock: options.clock, ticks: 'manual', isAlive: options.isAlive });
  return { db, scheduler };
}

export const tick = () => new Promise((resolve) => setImmediate(resolve));

export function statuses(db: Store, job?: string): string[] {
  const rows = (job
    ? db.prepare(`SELECT status FROM job_runs WHERE job = ? ORDER BY slot, id`).all(job)
    : db.prepare(`SELECT status FROM job_runs ORDER BY slot, id`).all()) as Array<{ status: string }>;
  return rows.map((row) => row.status);
}
