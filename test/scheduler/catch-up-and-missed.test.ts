import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../memory/store.ts';
import { aClock, aConfig, aDatabaseFile, aProbeSkill, aScheduler, statuses } from './builders.ts';

/** Runs a first "process" that handles the 07:00 slot, then a second one that starts at `restartAt`. */
async function restartAfterDowntime(job: Record<string, unknown>, restartAt: string) {
  const path = aDatabaseFile();
  const probe = aProbeSkill();
  probe.finishImmediately();
  const clock = aClock('2025-01-01T06:00:00Z');
  const config = aConfig({ daily: { schedule: '0 * * * *', ...job } });
  const first = aScheduler({ config, clock, skills: [probe.skill], path });
  first.scheduler.recover();
  clock.set('2025-01-01T07:00:00Z');
  first.scheduler.tick('daily');
  await first.scheduler.idle();
  first.db.close();

  clock.set(restartAt);
  const second = aScheduler({ config, clock, skills: [probe.skill], path });
  const report = second.scheduler.recover();
  await second.scheduler.idle();
  return { db: second.db, report, probe };
}

test('a brand-new job does not catch up on history', async () => {
  const probe = aProbeSkill();
  const clock = aClock('2025-01-01T12:30:00Z');
  const { db, scheduler } = aScheduler({ config: aConfig({ job: { schedule: '0 * * * *', catchUp: { within: '3h' } } }), clock, skills: [probe.skill] });
  const report = scheduler.recover();
  await scheduler.idle();
  assert.deepEqual(report.firstSeen, ['job']);
  assert.deepEqual(statuses(db), []);
});

test('catchUp within: the most recent missed slot runs once; the older ones are one missed row', async () => {
  const { db, report, probe } = await restartAfterDowntime({ catchUp: { within: '2h' } }, '2025-01-01T11:30:00Z');
  assert.equal(report.caughtUp.length, 1);
  const rows = db.prepare(`SELECT slot, status, trigger, result FROM job_runs ORDER BY slot`).all() as Array<Record<string, string>>;
  assert.deepEqual(
    rows.map((row) => [row.slot, row.status, row.trigger]),
    [
      ['2025-01-01T07:00:00.000Z', 'succeeded', 'schedule'],
      ['2025-01-01T10:00:00.000Z', 'missed', 'schedule'],
      ['2025-01-01T11:00:00.000Z', 'succeeded', 'catch-up'],
    ],
  );
  assert.equal(JSON.parse(rows[1].result).missedSlots, 3, '08:00, 09:00 and 10:00 were missed');
  assert.equal(probe.seen.length, 2);
});

test('catchUp within: a slot older than the window is recorded missed, not run', async () => {
  const { db, report } = await restartAfterDowntime({ schedule: '0 7 * * *', catchUp: { within: '1h' } }, '2025-01-02T09:30:00Z');
  assert.equal(report.caughtUp.length, 0);
  assert.deepEqual(statuses(db), ['succeeded', 'missed']);
});

test('catchUp skip: missed slots are recorded (the newest one, with a count), none runs', async () => {
  const { db, report } = await restartAfterDowntime({ catchUp: 'skip' }, '2025-01-03T07:30:00Z');
  assert.equal(report.caughtUp.length, 0);
  const missed = db.prepare(`SELECT slot, result FROM job_runs WHERE status = 'missed'`).all() as Array<{ slot: string; result: string }>;
  assert.equal(missed.length, 1, 'one row for 48 missed slots, not 48 rows');
  assert.equal(missed[0].slot, '2025-01-03T07:00:00.000Z');
  assert.equal(JSON.parse(missed[0].result).missedSlots, 48);
});

test('restarting again does not catch up twice: no loop', async () => {
  const { db } = await restartAfterDowntime({ catchUp: { within: '2h' } }, '2025-01-01T11:30:00Z');
  const path = db.name;
  db.close();
  const probe = aProbeSkill();
  probe.finishImmediately();
  const clock = aClock('2025-01-01T11:45:00Z');
  const third = aScheduler({ config: aConfig({ daily: { schedule: '0 * * * *', catchUp: { within: '2h' } } }), clock, skills: [probe.skill], db: openStore(path) });
  const report = third.scheduler.recover();
  await third.scheduler.idle();
  assert.equal(report.caughtUp.length + report.missed.length, 0);
  assert.equal(probe.seen.length, 0);
});
