import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aClock, aConfig, aProbeSkill, aScheduler, statuses, tick } from './builders.ts';

test('overlap skip: a slot that comes while the job runs is recorded skipped_overlap', async () => {
  const probe = aProbeSkill();
  const clock = aClock('2025-01-01T10:00:00Z');
  const { db, scheduler } = aScheduler({ config: aConfig({ job: { schedule: '* * * * *', overlap: 'skip' } }), clock, skills: [probe.skill] });
  scheduler.recover();
  clock.set('2025-01-01T10:01:00.200Z');
  assert.equal(scheduler.tick('job').kind, 'queued');
  await tick();
  assert.equal(probe.running(), 1);
  clock.set('2025-01-01T10:02:00.100Z');
  const second = scheduler.tick('job');
  assert.equal(second.kind, 'skipped');
  probe.releaseAll();
  await scheduler.idle();
  assert.deepEqual(statuses(db, 'job'), ['succeeded', 'skipped_overlap']);
  assert.equal(probe.seen.length, 1);
});

test('overlap queue: the next slot runs after the current one, never at the same time', async () => {
  const probe = aProbeSkill();
  const clock = aClock('2025-01-01T10:00:00Z');
  const { db, scheduler } = aScheduler({ config: aConfig({ job: { schedule: '* * * * *', overlap: 'queue' } }), clock, skills: [probe.skill] });
  scheduler.recover();
  clock.set('2025-01-01T10:01:00Z');
  scheduler.tick('job');
  clock.set('2025-01-01T10:02:00Z');
  assert.equal(scheduler.tick('job').kind, 'queued');
  await tick();
  assert.equal(probe.running(), 1, 'the queued run waits');
  // A third slot while one already waits is skipped: the backlog never grows past one.
  clock.set('2025-01-01T10:03:00Z');
  assert.equal(scheduler.tick('job').kind, 'skipped');
  probe.releaseAll();
  await tick();
  await tick();
  assert.equal(probe.running(), 1, 'the queued run started after the first ended');
  probe.releaseAll();
  await scheduler.idle();
  assert.deepEqual(statuses(db, 'job'), ['succeeded', 'succeeded', 'skipped_overlap']);
  assert.deepEqual(
    probe.seen.map((context) => context.idempotencyKey),
    ['job@2025-01-01T10:01:00.000Z', 'job@2025-01-01T10:02:00.000Z'],
  );
});

test('daemon.concurrency bounds runs across jobs; the excess waits queued', async () => {
  const probe = aProbeSkill();
  const clock = aClock('2025-01-01T10:00:00Z');
  const config = aConfig(
    { a: { schedule: '* * * * *' }, b: { schedule: '* * * * *' }, c: { schedule: '* * * * *' } },
    { daemon: { concurrency: 2 } },
  );
  const { db, scheduler } = aScheduler({ config, clock, skills: [probe.skill] });
  scheduler.recover();
  clock.set('2025-01-01T10:01:00Z');
  for (const job of ['a', 'b', 'c']) scheduler.tick(job);
  await tick();
  assert.equal(probe.running(), 2);
  const waiting = db.prepare(`SELECT job FROM job_runs WHERE status = 'queued'`).all() as Array<{ job: string }>;
  assert.deepEqual(waiting.map((row) => row.job), ['c']);
  probe.releaseAll();
  await tick();
  await tick();
  assert.equal(probe.running(), 1, 'the waiting run took the freed place');
  probe.releaseAll();
  await scheduler.idle();
  assert.deepEqual(statuses(db), ['succeeded', 'succeeded', 'succeeded']);
});

test('an unknown skill fails the run with a clear error naming the key', async () => {
  const clock = aClock('2025-01-01T10:00:00Z');
  const { db, scheduler } = aScheduler({ config: aConfig({ job: { schedule: '* * * * *', skill: 'nope' } }), clock, skills: [] });
  scheduler.recover();
  clock.set('2025-01-01T10:01:00Z');
  scheduler.tick('job');
  await scheduler.idle();
  const row = db.prepare(`SELECT status, error FROM job_runs`).get() as { status: string; error: string };
  assert.equal(row.status, 'failed');
  assert.match(row.error, /unknown skill "nope".*jobs\.job\.skill/);
});
