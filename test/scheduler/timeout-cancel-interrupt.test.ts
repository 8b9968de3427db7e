import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getRun, requestCancellation, claimRun } from '../../memory/runs.ts';
import { RunAbort } from '../../agent/job-executor.ts';
import { aClock, aConfig, aProbeSkill, aScheduler, tick } from './builders.ts';

test('a run past jobs.<name>.timeout ends timed_out with its signal aborted', async () => {
  const probe = aProbeSkill();
  const clock = aClock('2025-01-01T10:00:00Z');
  const { db, scheduler } = aScheduler({ config: aConfig({ job: { schedule: '* * * * *', timeout: '50ms' } }), clock, skills: [probe.skill] });
  scheduler.recover();
  clock.set('2025-01-01T10:01:00Z');
  const outcome = scheduler.tick('job');
  await scheduler.idle();
  assert.equal(outcome.kind, 'queued');
  const run = getRun(db, outcome.kind === 'queued' ? outcome.run.id : 0)!;
  assert.equal(run.status, 'timed_out');
  assert.match(run.error!, /jobs\.job\.timeout/);
  assert.equal(probe.signals[0].aborted, true);
  assert.ok(probe.signals[0].reason instanceof RunAbort);
});

test('runs cancel: the running run notices the request, its signal fires, it ends cancelled', async () => {
  const probe = aProbeSkill();
  const clock = aClock('2025-01-01T10:00:00Z');
  const { db, scheduler } = aScheduler({ config: aConfig({ job: { schedule: '* * * * *' } }), clock, skills: [probe.skill] });
  scheduler.recover();
  clock.set('2025-01-01T10:01:00Z');
  const outcome = scheduler.tick('job');
  await tick();
  const id = outcome.kind === 'queued' ? outcome.run.id : 0;
  requestCancellation(db, id, clock.now());
  await scheduler.idle();
  assert.equal(getRun(db, id)!.status, 'cancelled');
  assert.equal(probe.signals[0].aborted, true);
});

test('shutdown past the grace aborts running runs and marks them interrupted', async () => {
  const probe = aProbeSkill();
  const clock = aClock('2025-01-01T10:00:00Z');
  const { db, scheduler } = aScheduler({ config: aConfig({ job: { schedule: '* * * * *' } }), clock, skills: [probe.skill] });
  scheduler.recover();
  clock.set('2025-01-01T10:01:00Z');
  const outcome = scheduler.tick('job');
  await tick();
  await scheduler.stop(30);
  assert.equal(getRun(db, outcome.kind === 'queued' ? outcome.run.id : 0)!.status, 'interrupted');
});

for (const retryInterrupted of [true, false]) {
  test(`a run left running by a dead process is interrupted at start; retryInterrupted ${retryInterrupted}`, async () => {
    const probe = aProbeSkill();
    probe.finishImmediately();
    const clock = aClock('2025-01-01T10:01:30Z');
    const config = aConfig({ job: { schedule: '* * * * *', retryInterrupted } });
    const { db, scheduler } = aScheduler({ config, clock, skills: [probe.skill], isAlive: () => false });
    db.prepare(`INSERT INTO job_state (job, key, value, updated_at) VALUES ('job', 'scheduler.watermark', ?, ?)`).run(
      '2025-01-01T10:01:00.000Z',
      '2025-01-01T10:01:00.000Z',
    );
    const dead = claimRun(db, {
      job: 'job', skill: 'probe', slot: '2025-01-01T10:01:00.000Z', idempotencyKey: 'job@2025-01-01T10:01:00.000Z',
      trigger: 'schedule', status: 'running', now: new Date('2025-01-01T10:01:00Z'), pid: 999_999, owner: '999999:x:1',
    });
    assert.ok(dead.claimed);
    const report = scheduler.recover();
    await scheduler.idle();
    assert.equal(report.interrupted.length, 1);
    const row = getRun(db, dead.run.id)!;
    if (retryInterrupted) {
      assert.equal(row.status, 'succeeded');
      assert.equal(row.attempt, 2);
      assert.equal(row.trigger, 'retry');
      assert.deepEqual(probe.seen.map((context) => context.idempotencyKey), ['job@2025-01-01T10:01:00.000Z'], 'same key on retry');
    } else {
      assert.equal(row.status, 'interrupted');
      assert.equal(probe.seen.length, 0);
    }
    // Never a loop: a second start retries nothing more.
    const again = scheduler.recover();
    assert.equal(again.retried.length, 0);
  });
}
