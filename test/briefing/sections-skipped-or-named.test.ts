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
  assert.match(text, /^Mail: unavailable \(network error\)$/m);
  assert.match(html, /<strong>Calendar:<\/strong> unavailable \(auth error\)/);
  assert.doesNotMatch(text + html, /invalid_grant|ECONNREFUSED/, 'the raw error stays in the log');
  assert.match(text, /Spend/);
  assert.match(result.summary, /unavailable: calendar, mail/);
  // Partial failure in the shared shape: the run is recorded `degraded`, not `succeeded`.
  assert.deepEqual(result.problems, [
    { part: 'section:calendar', kind: 'unavailable', message: 'auth error' },
    { part: 'section:mail', kind: 'unavailable', message: 'network error' },
  ]);
});

test('a section whose source is not configured is one line saying how to configure it', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  const delivery = aRecordingDelivery();

  const result = await createBriefingSkill({ delivery }).run(aContext(db), AbortSignal.timeout(5000));

  const { text } = delivery.sent[0];
  assert.match(text, /^Calendar: not configured\. Add a google: section .* run `switchboard auth google`/m);
  assert.match(text, /^Needs you today: no mailbox connected\. Run `switchboard init`/m);
  assert.match(text, /^Mail: no mailbox connected\. Run `switchboard init` to add one\.$/m);
  assert.match(text, /^Markets: no market run in the last 48 h\.$/m);
  assert.match(text, /^Research digest: no digest in the last 48 h\.$/m);
  assert.doesNotMatch(text, /unavailable/);
  const order = ['Needs you today', 'Mail', 'Calendar', 'Research digest', 'Markets', 'Repositories', 'Overnight jobs', 'Spend'].map((title) => text.indexOf(`\n${title}`));
  assert.ok(order.every((position, index) => position > 0 && (index === 0 || position > order[index - 1])), `every section, in the fixed order: ${order}`);
  assert.deepEqual(result.details?.sections, {
    intro: 'ok', deadlines: 'skipped', mail: 'skipped', calendar: 'skipped', research: 'skipped', market: 'skipped', code: 'skipped', jobs: 'ok', spend: 'ok',
  });
});

test('a failing orchestrator, figures-only allowed: the figures go out and the intro is left out', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  const delivery = aRecordingDelivery();
  const failing = aScriptedOrchestrator(Object.assign(new Error('chain failed'), { kind: 'budget_exceeded' }));

  await createBriefingSkill({ delivery }).run(
    aContext(db, { orchestrate: failing.orchestrate, options: { onModelFailure: 'figures-only' } }),
    AbortSignal.timeout(5000),
  );

  // The figures-only banner says so at the top; no intro and no placeholder for one follow it.
  assert.match(delivery.sent[0].text, /^MORNING BRIEFING: Monday, 5 May 2025\n\nFIGURES ONLY: every model call failed \(budget exceeded\)[^\n]*\n\nNeeds you today/);
  assert.doesNotMatch(delivery.sent[0].text, /^Summary/m);
  assert.match(delivery.sent[0].text, /\$0\.00 +yesterday \(Sun 4 May\), real spend on 0 calls/);
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
  assert.doesNotMatch(delivery.sent[0].text, /spend|Jobs|Mail/);
});
