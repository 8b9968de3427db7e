import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimRun, finishRun, getRun, listSteps } from '../../memory/runs.ts';
import type { Skill } from '../../skills/types.ts';
import { aClock, aConfig, aScheduler } from './builders.ts';

/** A skill that fails its first `failures` runs, then succeeds; records the keys it ran under. */
function aFlakySkill(failures: number) {
  const keys: string[] = [];
  const skill: Skill = {
    name: 'probe',
    description: 'fails, then works',
    async run(context) {
      keys.push(context.idempotencyKey);
      if (keys.length <= failures) throw new Error(`SMTP server unavailable (attempt ${keys.length})`);
      return { summary: 'sent' };
    },
  };
  return { skill, keys };
}

const waitFor = async (condition: () => boolean, ms = 2_000) => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

test('a failed scheduled run is retried on the same row and key until it succeeds', async () => {
  const flaky = aFlakySkill(2);
  const clock = aClock('2025-01-01T06:59:00Z');
  const config = aConfig({ briefing: { schedule: '0 7 * * *', retryFailed: { attempts: 3, delay: 10 } } });
  const { db, scheduler } = aScheduler({ config, clock, skills: [flaky.skill] });
  scheduler.recover();
  clock.set('2025-01-01T07:00:00Z');
  const outcome = scheduler.tick('briefing', new Date('2025-01-01T07:00:00Z'));
  assert.equal(outcome.kind, 'queued');
  const runId = outcome.kind === 'queued' ? outcome.run.id : 0;
  await waitFor(() => getRun(db, runId)?.status === 'succeeded');
  const row = getRun(db, runId)!;
  assert.equal(row.attempt, 3);
  assert.equal(row.trigger, 'retry');
  assert.deepEqual(flaky.keys, Array(3).fill('briefing@2025-01-01T07:00:00.000Z'), 'every attempt under the slot key');
  const retries = listSteps(db, runId).filter((step) => step.kind === 'retry');
  assert.equal(retries.length, 2);
  assert.match(String((retries[0].detail as { error?: string }).error), /SMTP server unavailable \(attempt 1\)/);
  assert.equal((db.prepare('SELECT COUNT(*) AS count FROM job_runs').get() as { count: number }).count, 1);
  await scheduler.stop(100);
});

test('retries stop after retryFailed.attempts, and none happen without the policy', async () => {
  for (const [attempts, expectedRuns] of [[1, 2], [0, 1]] as const) {
    const flaky = aFlakySkill(10);
    const clock = aClock('2025-01-01T06:59:00Z');
    const config = aConfig({ briefing: { schedule: '0 7 * * *', retryFailed: { attempts, delay: 5 } } });
    const { db, scheduler } = aScheduler({ config, clock, skills: [flaky.skill] });
    scheduler.recover();
    clock.set('2025-01-01T07:00:00Z');
    const outcome = scheduler.tick('briefing', new Date('2025-01-01T07:00:00Z'));
    const runId = outcome.kind === 'queued' ? outcome.run.id : 0;
    await waitFor(() => flaky.keys.length === expectedRuns && getRun(db, runId)?.status === 'failed');
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(flaky.keys.length, expectedRuns, `attempts ${attempts}`);
    assert.equal(getRun(db, runId)!.attempt, expectedRuns);
    await scheduler.stop(100);
  }
});

test('a manual run is never retried, and a restart retries the newest recent failure once', async () => {
  const flaky = aFlakySkill(0);
  const clock = aClock('2025-01-01T07:10:00Z');
  const config = aConfig({ briefing: { schedule: '0 7 * * *', retryFailed: { attempts: 2, delay: 60_000 } } });
  const { db, scheduler } = aScheduler({ config, clock, skills: [flaky.skill] });
  const failed = claimRun(db, { job: 'briefing', skill: 'probe', slot: '2025-01-01T07:00:00.000Z', idempotencyKey: 'briefing@2025-01-01T07:00:00.000Z', trigger: 'schedule', status: 'running', now: new Date('2025-01-01T07:00:00Z'), pid: process.pid, owner: 'x' });
  assert.ok(failed.claimed);
  finishRun(db, failed.run.id, { status: 'failed', at: new Date('2025-01-01T07:00:05Z'), error: 'SMTP down' });
  db.prepare(`INSERT INTO job_state (job, key, value, updated_at) VALUES ('briefing', 'scheduler.watermark', ?, ?)`).run('2025-01-01T07:00:00.000Z', '2025-01-01T07:00:00.000Z');
  const report = scheduler.recover();
  assert.deepEqual(report.retried.map((run) => run.id), [failed.run.id]);
  await scheduler.idle();
  assert.equal(getRun(db, failed.run.id)!.status, 'succeeded');
  assert.deepEqual(flaky.keys, ['briefing@2025-01-01T07:00:00.000Z']);
  assert.equal(scheduler.recover().retried.length, 0, 'never a loop');
  await scheduler.stop(100);
});
