import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBriefingSkill } from '../../skills/briefing/skill.ts';
import { GoogleSourceError } from '../../skills/google/types.ts';
import type { ExtractionSource } from '../../skills/briefing/types.ts';
import { aContext, aRecordingDelivery, aScriptedOrchestrator, aStore } from './builders.ts';

test('a source that fails is named with a short reason; the rest of the briefing still goes out', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  const delivery = aRecordingDelivery();
  const skill = createBriefingSkill({
    delivery,
    calendar: { eventsBetween: async () => { throw new GoogleSourceError('auth', 'calendar primary: invalid_grant'); } },
    gmail: { importantUnread: async () => { throw new GoogleSourceError('network', 'gmail: ECONNREFUSED'); } },
  });

  const result = await skill.run(aContext(db), AbortSignal.timeout(5000));

  const { text, html } = delivery.sent[0];
  assert.match(text, /^Calendar: unavailable \(auth error\)$/m);
  assert.match(text, /^Important mail: unavailable \(network error\)$/m);
  assert.match(html, /<strong>Calendar:<\/strong> unavailable \(auth error\)/);
  assert.doesNotMatch(text + html, /invalid_grant|ECONNREFUSED/, 'the raw error stays in the log');
  assert.match(text, /Yesterday\u2019s spend/);
  assert.match(result.summary, /unavailable: calendar, mail/);
  // Partial failure in the shared shape: the run is recorded `degraded`, not `succeeded`.
  assert.deepEqual(result.problems, [
    { part: 'section:calendar', kind: 'unavailable', message: 'auth error' },
    { part: 'section:mail', kind: 'unavailable', message: 'network error' },
  ]);
});

test('sections whose source is not configured are skipped without a word', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  const delivery = aRecordingDelivery();

  const result = await createBriefingSkill({ delivery }).run(aContext(db), AbortSignal.timeout(5000));

  const { text } = delivery.sent[0];
  assert.doesNotMatch(text, /Calendar|Due soon|Important mail|Markets|Repositories|unavailable/);
  assert.match(text, /Every job ran as scheduled\./);
  assert.deepEqual(result.details?.sections, {
    intro: 'ok', calendar: 'skipped', deadlines: 'skipped', mail: 'skipped', market: 'skipped', code: 'skipped', spend: 'ok', jobs: 'ok',
  });
});

test('a failing orchestrator, figures-only allowed: the figures go out and the summary is named unavailable', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  const delivery = aRecordingDelivery();
  const failing = aScriptedOrchestrator(Object.assign(new Error('chain failed'), { kind: 'budget_exceeded' }));

  await createBriefingSkill({ delivery }).run(
    aContext(db, { orchestrate: failing.orchestrate, options: { onModelFailure: 'figures-only' } }),
    AbortSignal.timeout(5000),
  );

  assert.match(delivery.sent[0].text, /^Summary: unavailable \(budget exceeded\)$/m);
  assert.match(delivery.sent[0].text, /\$0\.00 +spent on 0 calls/);
});

test('only the requested sections are gathered', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  const delivery = aRecordingDelivery();
  let asked = 0;
  const extractions: ExtractionSource = {
    dueSoon: async (days) => { asked = days; return [{ kind: 'deadline', day: '2025-05-06', text: 'Renew insurance' }]; },
    importantUnread: async () => { throw new Error('not requested, never called'); },
  };

  await createBriefingSkill({ delivery, extractions }).run(aContext(db, { options: { sections: ['deadlines'], dueWithinDays: 5 } }), AbortSignal.timeout(5000));

  assert.equal(asked, 5);
  assert.match(delivery.sent[0].text, /- Tomorrow: Renew insurance/);
  assert.doesNotMatch(delivery.sent[0].text, /spend|Jobs|Important mail/);
});
