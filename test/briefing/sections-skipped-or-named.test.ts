import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBriefingSkill } from '../../skills/briefing/skill.ts';
import { GoogleSourceError } from '../../skills/google/types.ts';
import type { ExtractionSource } from '../../skills/briefing/types.ts';
import { createTableExtractionSource } from '../../skills/briefing/extraction-source.ts';
import { aContext, aRecordingDelivery, aScriptedOrchestrator, aStore, NOW } from './builders.ts';

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

test('a failing orchestrator leaves the figures and names the summary as unavailable', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  const delivery = aRecordingDelivery();
  const failing = aScriptedOrchestrator(Object.assign(new Error('chain failed'), { kind: 'budget_exceeded' }));

  await createBriefingSkill({ delivery }).run(aContext(db, { orchestrate: failing.orchestrate }), AbortSignal.timeout(5000));

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

test('the default extraction source is absent before the mail tables exist and reads them after', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  assert.equal(createTableExtractionSource(db, NOW, 'Europe/Berlin'), undefined);

  // The tables as migration 003 on the email branch creates them (the columns this source reads).
  db.exec(`
    CREATE TABLE mail_extractions (id INTEGER PRIMARY KEY, from_name TEXT, from_address TEXT, subject TEXT, sent_at TEXT,
      status TEXT NOT NULL, category TEXT, summary TEXT, created_at TEXT NOT NULL);
    CREATE TABLE mail_dates (id INTEGER PRIMARY KEY, extraction_id INTEGER NOT NULL, date TEXT NOT NULL, day TEXT NOT NULL, what TEXT NOT NULL, is_deadline INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE mail_action_items (id INTEGER PRIMARY KEY, extraction_id INTEGER NOT NULL, text TEXT NOT NULL, due TEXT, due_day TEXT, done INTEGER NOT NULL DEFAULT 0);
    INSERT INTO mail_extractions VALUES (1, 'Allianz', 'no-reply@allianz.example', 'Policy renewal', '2025-05-04T18:00:00Z', 'extracted', 'finance', 'Renewal due 6 May', '2025-05-04T18:01:00Z');
    INSERT INTO mail_extractions VALUES (2, NULL, 'news@shop.example', 'Sale!', '2025-05-04T19:00:00Z', 'extracted', 'newsletter', 'Discounts', '2025-05-04T19:01:00Z');
    INSERT INTO mail_dates VALUES (1, 1, '2025-05-06', '2025-05-06', 'Renew the policy', 1);
    INSERT INTO mail_dates VALUES (2, 1, '2025-05-30', '2025-05-30', 'Too far ahead', 1);
    INSERT INTO mail_action_items VALUES (1, 1, 'Upload the form', NULL, '2025-05-05', 0);
    INSERT INTO mail_action_items VALUES (2, 1, 'Already done', NULL, '2025-05-05', 1);
  `);
  const source = createTableExtractionSource(db, NOW, 'Europe/Berlin');
  assert.ok(source);

  assert.deepEqual(await source.dueSoon(3), [
    { kind: 'action', day: '2025-05-05', text: 'Upload the form', subject: 'Policy renewal', from: 'Allianz' },
    { kind: 'deadline', day: '2025-05-06', text: 'Renew the policy', subject: 'Policy renewal', from: 'Allianz' },
  ]);
  const mail = await source.importantUnread();
  assert.deepEqual(mail.map((item) => [item.from, item.subject, item.snippet]), [['Allianz <no-reply@allianz.example>', 'Policy renewal', 'Renewal due 6 May']]);
});
