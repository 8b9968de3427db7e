/**
 * `jobs.<name>.underRoutingCost` reaches the router on every call a job's skill makes, so an
 * unsure tier decision for that job leans to the costlier tier; other jobs' calls carry nothing
 * and take the classifier's best guess. A task that sets its own value keeps it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJobExecutor } from '../../agent/job-executor.ts';
import { silentLogger } from '../../agent/logger.ts';
import type { ModelRouter, RoutedRequest, RoutingTask } from '../../contracts/router.ts';
import { claimRun } from '../../memory/runs.ts';
import { ensureMemoryFiles } from '../../memory/soul.ts';
import { openStore } from '../../memory/store.ts';
import type { Skill } from '../../skills/types.ts';
import { aConfig } from '../scheduler/builders.ts';

/** Runs one job whose skill makes one call with `task`; returns the task the router saw. */
async function taskSeenByTheRouter(jobExtra: Record<string, unknown>, task: RoutingTask): Promise<RoutingTask> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-under-routing-'));
  ensureMemoryFiles(dataDir);
  const config = aConfig({ job: { schedule: '0 7 * * *', ...jobExtra } }, { timezone: 'UTC' });
  const db = openStore(':memory:');
  const seen: RoutedRequest[] = [];
  const router: ModelRouter = {
    complete: async (routed: RoutedRequest) => {
      seen.push(routed);
      throw new Error('no model in this test');
    },
    decide: async () => {
      throw new Error('not used');
    },
  } as unknown as ModelRouter;
  const skill: Skill = {
    name: 'probe',
    description: 'makes one routed call',
    run: async (context) => {
      await context.router.complete({ task, request: { messages: [{ role: 'user', content: 'hi' }] } }).catch(() => undefined);
      return { summary: 'ok' };
    },
  };
  const executor = createJobExecutor({ db, config, dataDir, logger: silentLogger(), skills: new Map([['probe', skill]]), router });
  const claim = claimRun(db, { job: 'job', skill: 'probe', slot: '2025-01-01T07:00:00.000Z', idempotencyKey: 'job@1', trigger: 'schedule', status: 'queued', now: new Date() });
  assert.ok(claim.claimed);
  await executor.execute({ run: claim.run, job: config.jobs.job });
  assert.equal(seen.length, 1);
  return seen[0].task;
}

test("a job whose under-routing cost is high marks every task its skill routes", async () => {
  const task = await taskSeenByTheRouter({ underRoutingCost: 'high' }, { text: 'how exposed is my portfolio' });
  assert.equal(task.underRoutingCost, 'high');
  assert.equal(task.text, 'how exposed is my portfolio');
});

test('a job left at the default marks nothing', async () => {
  const task = await taskSeenByTheRouter({}, { text: "what's on my calendar" });
  assert.equal(task.underRoutingCost, undefined);
});

test("a task's own setting wins over the job's", async () => {
  const task = await taskSeenByTheRouter({ underRoutingCost: 'high' }, { text: 'lights off', underRoutingCost: 'normal' });
  assert.equal(task.underRoutingCost, 'normal');
});
