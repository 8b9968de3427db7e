import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../memory/store.ts';
import { claimRun } from '../../memory/runs.ts';
import { aClock, aConfig, aDatabaseFile, aProbeSkill, aScheduler } from './builders.ts';

test('a double tick of one slot runs it once', async () => {
  const probe = aProbeSkill();
  probe.finishImmediately();
  const clock = aClock('2025-01-01T10:00:00Z');
  const { db, scheduler } = aScheduler({ config: aConfig({ job: { schedule: '* * * * *' } }), clock, skills: [probe.skill] });
  scheduler.recover();
  clock.set('2025-01-01T10:01:00.010Z');
  assert.equal(scheduler.tick('job').kind, 'queued');
  clock.set('2025-01-01T10:01:00.900Z');
  assert.equal(scheduler.tick('job').kind, 'ignored');
  await scheduler.idle();
  assert.equal((db.prepare(`SELECT COUNT(*) AS n FROM job_runs`).get() as { n: number }).n, 1);
  assert.equal(probe.seen.length, 1);
});

test('two schedulers on one database file: every slot is claimed by exactly one', async () => {
  const path = aDatabaseFile();
  const clock = aClock('2025-01-01T10:00:00Z');
  const config = aConfig({ job: { schedule: '* * * * *', overlap: 'queue' } });
  const probes = [aProbeSkill(), aProbeSkill()];
  probes.forEach((probe) => probe.finishImmediately());
  const first = aScheduler({ config, clock, skills: [probes[0].skill], path });
  const second = aScheduler({ config, clock, skills: [probes[1].skill], db: openStore(path) });
  first.scheduler.recover();
  second.scheduler.recover();
  for (let minute = 1; minute <= 5; minute++) {
    clock.set(`2025-01-01T10:0${minute}:00Z`);
    const kinds = [first.scheduler.tick('job').kind, second.scheduler.tick('job').kind].sort();
    assert.deepEqual(kinds, ['already-claimed', 'queued']);
    await Promise.all([first.scheduler.idle(), second.scheduler.idle()]);
  }
  const keys = probes.flatMap((probe) => probe.seen.map((context) => context.idempotencyKey));
  assert.equal(keys.length, 5);
  assert.equal(new Set(keys).size, 5);
  first.db.close();
  second.db.close();
});

test('claimRun returns "already claimed" with the holder for a taken key', () => {
  const db = openStore(':memory:');
  const input = { job: 'j', skill: 's', slot: 'x', idempotencyKey: 'j@x', trigger: 'schedule' as const, status: 'queued' as const, now: new Date() };
  const first = claimRun(db, input);
  const second = claimRun(db, input);
  assert.equal(first.claimed, true);
  assert.equal(second.claimed, false);
  if (first.claimed && !second.claimed) assert.equal(second.existing.id, first.run.id);
});
