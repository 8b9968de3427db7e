import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJobExecutor } from '../../agent/job-executor.ts';
import { silentLogger } from '../../agent/logger.ts';
import { claimRun } from '../../memory/runs.ts';
import { ensureMemoryFiles, readSoul } from '../../memory/soul.ts';
import { openStore } from '../../memory/store.ts';
import type { Skill, SkillContext } from '../../skills/types.ts';
import { aConfig } from '../scheduler/builders.ts';

function aRun(userMd: string | undefined, jobExtra: Record<string, unknown> = {}, configExtra: Record<string, unknown> = { timezone: 'UTC' }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-user-'));
  ensureMemoryFiles(dataDir);
  if (userMd !== undefined) {
    const path = join(dataDir, 'USER.md');
    writeFileSync(path, readFileSync(path, 'utf8').replace('- Currency:', userMd));
  }
  const config = aConfig({ job: { schedule: '0 7 * * *', ...jobExtra } }, configExtra);
  const db = openStore(':memory:');
  const seen: SkillContext[] = [];
  const skill: Skill = { name: 'probe', description: 'records its context', run: async (context) => (seen.push(context), { summary: 'ok' }) };
  const executor = createJobExecutor({ db, config, dataDir, logger: silentLogger(), skills: new Map([['probe', skill]]), userSettings: () => readSoul(dataDir).settings });
  const claim = claimRun(db, { job: 'job', skill: 'probe', slot: '2025-01-01T07:00:00.000Z', idempotencyKey: 'job@1', trigger: 'schedule', status: 'queued', now: new Date() });
  assert.ok(claim.claimed);
  return { run: () => executor.execute({ run: claim.run, job: config.jobs.job }), seen, dataDir };
}

test("the owner's time zone (config timezone) and USER.md's currency reach the skill's context", async () => {
  const { run, seen } = aRun('- Currency: EUR\n- Old:', {}, { timezone: 'Europe/Paris' });
  const finished = await run();
  assert.equal(finished.status, 'succeeded');
  assert.equal(seen[0].timezone, 'Europe/Paris');
  assert.equal(seen[0].currency, 'EUR');
});

test("a job's own time zone wins for that job; without a currency it is USD", async () => {
  const withJobZone = aRun(undefined, { timezone: 'Asia/Tokyo' }, { timezone: 'Europe/Paris' });
  await withJobZone.run();
  assert.equal(withJobZone.seen[0].timezone, 'Asia/Tokyo');
  const plain = aRun(undefined);
  await plain.run();
  assert.equal(plain.seen[0].timezone, 'UTC');
  assert.equal(plain.seen[0].currency, 'USD');
});

test('a time zone set in USER.md fails the run with the file and line and where the zone belongs, and the skill never runs', async () => {
  const { run, seen, dataDir } = aRun('- Time zone: Europe/Paris');
  const finished = await run();
  assert.equal(finished.status, 'failed');
  assert.ok(finished.error?.includes(join(dataDir, 'USER.md')), finished.error ?? '');
  assert.match(finished.error ?? '', /set it once in the config, `timezone: Europe\/Paris`/);
  assert.equal(seen.length, 0);
});
