// A briefing whose every model call failed is never recorded `succeeded`: by default it is
// `failed` and nothing is sent; with `onModelFailure: figures-only` the figures go out, the
// mail says so at the top, and the run is `degraded` (and the next briefing lists it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { createBriefingSkill } from '../../skills/briefing/skill.ts';
import { createJobExecutor } from '../../agent/job-executor.ts';
import { silentLogger } from '../../agent/logger.ts';
import { claimRun } from '../../memory/runs.ts';
import { ChainError } from '../../contracts/chain-error.ts';
import type { Store } from '../../memory/store.ts';
import type { OrchestrateResult } from '../../skills/types.ts';
import { aConfig } from '../scheduler/builders.ts';
import { aRecordingDelivery, aStore, NOW } from './builders.ts';

const everyCallFailed = async (): Promise<OrchestrateResult> => {
  throw new ChainError('orchestration', [
    { callId: 1, model: 'a', provider: 'p', kind: 'server', status: 500, message: 'upstream 500' },
    { callId: 2, model: 'b', provider: 'q', kind: 'server', status: 503, message: 'upstream 503' },
  ]);
};

async function runBriefing(db: Store, options: Record<string, unknown>, slot: string) {
  const delivery = aRecordingDelivery();
  const config = aConfig({ briefing: { schedule: '0 7 * * *', skill: 'briefing', options } });
  const executor = createJobExecutor({
    db,
    config,
    dataDir: tmpdir(),
    logger: silentLogger(),
    skills: new Map([['briefing', createBriefingSkill({ delivery })]]),
    makeOrchestrate: () => everyCallFailed,
    clock: { now: () => NOW },
  });
  const claim = claimRun(db, { job: 'briefing', skill: 'briefing', slot, idempotencyKey: `briefing@${slot}`, trigger: 'schedule', status: 'queued', now: NOW });
  assert.ok(claim.claimed);
  const finished = await executor.execute({ run: claim.run, job: config.jobs.briefing });
  return { finished, delivery };
}

test('every model call failed, default options: the run is failed, names the cause, and no mail goes out', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  const { finished, delivery } = await runBriefing(db, {}, '2025-05-05T05:00:00.000Z');
  assert.equal(finished.status, 'failed');
  assert.match(finished.error ?? '', /every model call of the briefing failed \(server/);
  assert.match(finished.error ?? '', /onModelFailure: figures-only/);
  assert.equal(delivery.sent.length, 0);
});

test('every model call failed, figures-only allowed: the mail says so at the top and the run is degraded', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  const { finished, delivery } = await runBriefing(db, { onModelFailure: 'figures-only' }, '2025-05-05T05:00:00.000Z');
  assert.equal(finished.status, 'degraded');
  assert.match(finished.error ?? '', /1 part\(s\) failed: intro \(server\)/);
  const result = finished.result as { summary: string; problems: Array<{ part: string; kind: string }> };
  assert.deepEqual(result.problems.map((problem) => [problem.part, problem.kind]), [['intro', 'server']]);
  assert.match(result.summary, /figures only/);

  assert.equal(delivery.sent.length, 1);
  const mail = delivery.sent[0];
  assert.match(mail.subject, /\(figures only\)/);
  const firstLines = mail.text.split('\n').slice(0, 4).join('\n');
  assert.match(firstLines, /^FIGURES ONLY: every model call failed \(server\)/m, 'said before anything else');
  assert.match(mail.html.slice(0, mail.html.indexOf('Summary')), /Figures only\./);
});

test('the next briefing lists a degraded run among the overnight jobs', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  await runBriefing(db, { onModelFailure: 'figures-only' }, '2025-05-04T05:00:00.000Z');
  // The next morning's run (same figures-only failure) reports yesterday's degraded run.
  db.prepare(`UPDATE job_runs SET ended_at = ? WHERE status = 'degraded'`).run(new Date(NOW.getTime() - 3_600_000).toISOString());
  const { delivery } = await runBriefing(db, { onModelFailure: 'figures-only' }, '2025-05-05T05:00:00.000Z');
  assert.match(delivery.sent[0].text, /briefing.*degraded|degraded.*briefing/i);
});
