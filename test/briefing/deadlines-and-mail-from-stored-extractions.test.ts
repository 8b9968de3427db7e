import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../../config/schema.ts';
import type { Store } from '../../memory/store.ts';
import { createStoreExtractionSource } from '../../skills/briefing/extraction-source.ts';
import { briefingDepsFromConfig } from '../../skills/briefing/from-config.ts';
import { createBriefingSkill } from '../../skills/briefing/skill.ts';
import { aStoredMessage } from '../email/builders.ts';
import { aContext, aRecordingDelivery, aStore, NOW } from './builders.ts';

const TZ = 'Europe/Berlin'; // NOW is Monday 5 May 2025, 07:00 there

/** An inbox as the email-extract skill would have stored it, seen on Monday morning. */
function anExtractedInbox(): Store {
  const db = aStore();
  const store = (record: Parameters<typeof aStoredMessage>[1]) => aStoredMessage(db, record, TZ, NOW);
  store({
    fromName: 'Tax Office',
    fromAddress: 'post@tax.example',
    subject: 'Annual return',
    category: 'finance',
    sentAt: '2025-04-20T08:00:00.000Z',
    dates: [
      { date: '2025-05-01', what: 'File the return', isDeadline: true },
      { date: '2025-04-20', what: 'Long overdue', isDeadline: true },
    ],
  });
  const allianz = store({
    fromName: 'Allianz',
    fromAddress: 'no-reply@allianz.example',
    subject: 'Policy renewal',
    summary: 'Renewal due 6 May',
    category: 'finance',
    sentAt: '2025-05-04T18:00:00.000Z',
    dates: [
      { date: '2025-05-06', what: 'Renew the policy', isDeadline: true },
      { date: '2025-05-07', what: 'Office closed', isDeadline: false },
      { date: '2025-05-30', what: 'Too far ahead', isDeadline: true },
    ],
    actionItems: [
      { text: 'Upload the form', due: '2025-05-05T16:00:00+02:00' },
      { text: 'Already done', due: '2025-05-05' },
      { text: 'Whenever', due: null },
    ],
  });
  db.prepare("UPDATE mail_action_items SET done = 1 WHERE extraction_id = ? AND text = 'Already done'").run(allianz);
  store({ fromName: null, fromAddress: 'news@shop.example', subject: 'Sale!', summary: 'Discounts', category: 'newsletter', sentAt: '2025-05-04T19:00:00.000Z' });
  store({ fromName: 'Bob', subject: 'Weird attachment', status: 'failed', category: null, summary: null, error: 'content_filtered', sentAt: '2025-05-04T20:00:00.000Z' });
  store({ fromName: 'Maria Rossi', fromAddress: 'maria@example.com', subject: 'Offsite dates', summary: 'Proposes 12 or 19 June', category: 'work', sentAt: '2025-05-04T21:00:00.000Z' });
  return db;
}

test('due soon: open deadlines and action items from a week back to N days ahead, soonest first', async (t) => {
  const db = anExtractedInbox();
  t.after(() => db.close());

  const due = await createStoreExtractionSource(db, NOW, TZ).dueSoon(3);

  assert.deepEqual(due, [
    { kind: 'deadline', day: '2025-05-01', text: 'File the return', subject: 'Annual return', from: 'Tax Office' },
    { kind: 'action', day: '2025-05-05', text: 'Upload the form', subject: 'Policy renewal', from: 'Allianz' },
    { kind: 'deadline', day: '2025-05-06', text: 'Renew the policy', subject: 'Policy renewal', from: 'Allianz' },
  ]);
  assert.equal((await createStoreExtractionSource(db, NOW, TZ).dueSoon(30)).at(-1)?.text, 'Too far ahead', 'a wider window reaches it');
});

test('important mail: extracted messages of the last 24 hours in personal, work, finance or travel, newest first', async (t) => {
  const db = anExtractedInbox();
  t.after(() => db.close());

  const mail = await createStoreExtractionSource(db, NOW, TZ).importantUnread();

  assert.deepEqual(mail, [
    { from: 'Maria Rossi <maria@example.com>', subject: 'Offsite dates', snippet: 'Proposes 12 or 19 June', receivedAt: '2025-05-04T21:00:00.000Z', source: 'mail' },
    { from: 'Allianz <no-reply@allianz.example>', subject: 'Policy renewal', snippet: 'Renewal due 6 May', receivedAt: '2025-05-04T18:00:00.000Z', source: 'mail' },
  ]);
  assert.equal((await createStoreExtractionSource(db, NOW, TZ, 1).importantUnread()).length, 1, 'capped at maxUnread');
});

test('the briefing renders the stored deadlines and mail when it reads stored extractions', async (t) => {
  const db = anExtractedInbox();
  t.after(() => db.close());
  const delivery = aRecordingDelivery();

  const result = await createBriefingSkill({ delivery, readStoredExtractions: true }).run(aContext(db), AbortSignal.timeout(5000));

  const { text, html } = delivery.sent[0];
  assert.match(
    text,
    /Needs you today\n-+\n- Overdue Thu 1 May: File the return \(Annual return\)\n- Today: To do: Upload the form \(Policy renewal\)\n- Tomorrow: Renew the policy \(Policy renewal\)\n/,
  );
  assert.match(text, /Mail\n-+\n- Maria Rossi: Offsite dates\n {2}Proposes 12 or 19 June\n\n/);
  assert.doesNotMatch(text, /Already done|Office closed|Long overdue|Sale!|Weird attachment/);
  assert.match(html, /To do: Upload the form/);
  assert.match(result.summary, /: 3 due soon, 2 important mail, yesterday \$0\.00$/);
});

test('with an empty store the sections say nothing is due; without a mailbox one line says how to connect one', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  const reading = aRecordingDelivery();
  await createBriefingSkill({ delivery: reading, readStoredExtractions: true }).run(aContext(db), AbortSignal.timeout(5000));
  assert.match(reading.sent[0].text, /Needs you today\n-+\nNothing due in the next few days\.\n/);
  assert.match(reading.sent[0].text, /Mail\n-+\nNo important unread mail\.\n/);

  const other = aStore();
  t.after(() => other.close());
  const notReading = aRecordingDelivery();
  const result = await createBriefingSkill({ delivery: notReading }).run(aContext(other), AbortSignal.timeout(5000));
  assert.match(notReading.sent[0].text, /^Needs you today: no mailbox connected\. Run `switchboard init`/m, 'one line saying how to connect mail');
  assert.doesNotMatch(notReading.sent[0].text, /^Mail\n/m);
  assert.equal((result.details?.sections as Record<string, string>).deadlines, 'skipped');
});

test('from config, the store is read exactly when a mail account is configured', () => {
  const base = {
    providers: { p: { api: 'openai', keyless: true } },
    models: { m: { provider: 'p', contextWindow: 1000, maxOutputTokens: 100, prices: [{ input: 1, output: 1 }] } },
    tiers: { orchestration: ['m'], execution: ['m'], reasoning: ['m'], 'large-context': ['m'] },
    flagship: 'm',
  };
  const withAccount = configSchema.parse({ ...base, mail: { accounts: { home: { host: 'imap.example', user: 'me', password: 'x' } } } });
  assert.equal(briefingDepsFromConfig(withAccount, '/nonexistent').readStoredExtractions, true);
  assert.equal(briefingDepsFromConfig(configSchema.parse(base), '/nonexistent').readStoredExtractions, false);
});
