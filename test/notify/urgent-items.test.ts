/**
 * What counts as urgent, read from the tables that record it: a new pending approval, a failed
 * or timed-out run, a dead model, a budget cap acting (one item per cap, kind and day however
 * many calls it stopped). Only what happened since the given instant; each item is claimed
 * once, so it is pushed at most once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProposal } from '../../memory/approvals.ts';
import { recordBudgetEvent } from '../../memory/budget-events.ts';
import { markModelDead } from '../../memory/dead-models.ts';
import { claimNotification, urgentItemsSince } from '../../memory/notifications.ts';
import { openStore } from '../../memory/store.ts';
import { aJobRun } from '../briefing/builders.ts';

const SINCE = new Date('2026-12-02T06:00:00Z');
const BEFORE = new Date('2026-12-02T05:00:00Z');
const AFTER = new Date('2026-12-02T06:30:00Z');

test('each kind of urgent item since the instant, one per cap and day, each claimed once', () => {
  const db = openStore(':memory:');
  createProposal(db, { kind: 'remember', payload: { fact: 'old' }, summary: 'remember: old', reason: 'r', now: BEFORE });
  const fresh = createProposal(db, { kind: 'code-edit', payload: { repo: '/r', task: 't' }, summary: 'code edit: secret plans', reason: 'r', now: AFTER });
  aJobRun(db, { job: 'old-job', skill: 'command', status: 'failed', endedAt: BEFORE.toISOString(), error: 'old' });
  aJobRun(db, { job: 'backup', skill: 'command', status: 'timed_out', endedAt: AFTER.toISOString(), error: 'ran 10m' });
  aJobRun(db, { job: 'fine', skill: 'command', status: 'succeeded', endedAt: AFTER.toISOString() });
  markModelDead(db, { model: 'gpt-old', provider: 'openai', apiModel: 'gpt-old', fingerprint: 'f', status: 404, message: 'model_not_found', detectedAt: AFTER.toISOString(), callId: null });
  for (const spent of ['4.9000', '4.9500', '4.9900']) {
    recordBudgetEvent(db, { at: AFTER, kind: 'downgrade', fromTier: 'reasoning', toTier: 'execution', cap: `daily total cap $5.0000 reached (spent $${spent}, reserved $0.0000, this call needs up to $0.2000)` });
  }

  const items = urgentItemsSince(db, SINCE);
  assert.deepEqual(items.map((item) => `${item.kind} ${item.title}`).sort(), [
    `approval Approval waiting: #${fresh.id} code-edit`,
    'budget-cap Budget cap reached: daily total cap $5.0000',
    'dead-model Model gpt-old is gone (openai 404)',
    'run-failed Job backup timed out (run #2)',
  ]);
  assert.match(items.find((item) => item.kind === 'budget-cap')!.message, /downgraded .*\(3 so far/);
  assert.doesNotMatch(JSON.stringify(items), /secret plans/, "a proposal's words are not pushed");

  const claimed = items.map((item) => claimNotification(db, item, 'ntfy', AFTER));
  assert.deepEqual(claimed, [true, true, true, true]);
  assert.deepEqual(urgentItemsSince(db, SINCE).map((item) => claimNotification(db, item, 'ntfy', AFTER)), [false, false, false, false]);
  db.close();
});
