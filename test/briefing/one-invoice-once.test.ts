/**
 * "Needs you today" lists each thing once: the invoice mail's deadline and its "pay the
 * invoice" action item are one line with the amount; a reminder about the same invoice (Re:,
 * same amount, same day) and a redelivered copy add nothing; a different task stays. Mail
 * already listed there is not listed again under Mail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBriefingSkill } from '../../skills/briefing/skill.ts';
import { aStoredMessage } from '../email/builders.ts';
import { aContext, aRecordingDelivery, aStore, NOW } from './builders.ts';

const TZ = 'Europe/Berlin';

test('one invoice once, across its action item, a reminder and a redelivery', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  const invoice = {
    fromName: 'Stadtwerke',
    subject: 'Invoice 8812',
    category: 'finance',
    sentAt: '2025-05-04T08:00:00.000Z',
    dates: [{ date: '2025-05-06', what: 'Invoice 8812 due', isDeadline: true }],
    actionItems: [{ text: 'Pay invoice 8812', due: '2025-05-06' }],
    amounts: [{ value: 420, currency: 'EUR', what: 'total due' }],
  };
  aStoredMessage(db, invoice, TZ, NOW);
  aStoredMessage(db, { ...invoice, contentHash: 'redelivered-copy', sentAt: '2025-05-04T08:05:00.000Z' }, TZ, NOW);
  aStoredMessage(db, { ...invoice, subject: 'Re: Invoice 8812', dates: [{ date: '2025-05-06', what: 'Reminder: payment due', isDeadline: true }], actionItems: [] }, TZ, NOW);
  aStoredMessage(db, { fromName: 'Jonas', subject: 'Contract', category: 'work', dates: [], actionItems: [{ text: 'Send the signed contract', due: '2025-05-06' }] }, TZ, NOW);

  const delivery = aRecordingDelivery();
  await createBriefingSkill({ delivery, readStoredExtractions: true }).run(aContext(db), AbortSignal.timeout(5000));
  const text = delivery.sent[0].text;

  const needsYou = /Needs you today\n-+\n((?:- .*\n)+)/.exec(text)?.[1] ?? '';
  const lines = needsYou.trimEnd().split('\n');
  assert.equal(lines.filter((line) => /8812|payment due/i.test(line)).length, 1, `the invoice once:\n${needsYou}`);
  assert.match(needsYou, /- Tomorrow: Invoice 8812 due \[€420\.00\] \(Invoice 8812\)/, 'the deadline, with its amount, is the line kept');
  assert.match(needsYou, /- Tomorrow: To do: Send the signed contract \(Contract\)/, 'another task stays');
  assert.equal(lines.length, 2);
  assert.equal((text.match(/€420\.00/g) ?? []).length, 1, 'the amount appears once in the whole mail');
  assert.doesNotMatch(text.slice(text.indexOf('\nMail\n')), /Invoice 8812/, 'not repeated under Mail');
});
