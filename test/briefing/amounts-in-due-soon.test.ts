import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStoreExtractionSource, formatAmount } from '../../skills/briefing/extraction-source.ts';
import { renderBriefing } from '../../skills/briefing/render.ts';
import { sampleBriefing } from '../../skills/briefing/sample.ts';
import { aStoredMessage } from '../email/builders.ts';
import { aStore, NOW } from './builders.ts';

const TZ = 'Europe/Berlin';

test('a deadline carries the amounts its mail names, formatted with their own currency', async () => {
  const db = aStore();
  aStoredMessage(db, {
    subject: 'Invoice INV-1042',
    category: 'finance',
    sentAt: '2025-05-04T08:00:00.000Z',
    dates: [{ date: '2025-05-06', what: 'Pay invoice INV-1042', isDeadline: true }],
    amounts: [{ value: 420, currency: 'EUR', what: 'invoice total' }],
  }, TZ, NOW);
  const due = await createStoreExtractionSource(db, NOW, TZ).dueSoon(3);
  assert.equal(due.length, 1);
  assert.deepEqual(due[0].amounts, ['€420.00']);
  db.close();
});

test('amounts are shown in both parts of the briefing, escaped in HTML', () => {
  const briefing = sampleBriefing({
    deadlines: { status: 'ok', data: [{ kind: 'deadline', day: '2025-05-06', text: 'Pay invoice', subject: 'Invoice', amounts: ['€420.00', '<b>x</b>'] }] },
  });
  const rendered = renderBriefing(briefing);
  assert.match(rendered.text, /Pay invoice \[€420\.00, <b>x<\/b>\] \(Invoice\)/);
  assert.match(rendered.html, /Pay invoice <strong>€420\.00, &lt;b&gt;x&lt;\/b&gt;<\/strong>/);
});

test('formatAmount never converts: an unknown code is shown as it is', () => {
  assert.equal(formatAmount({ value: 1234.5, currency: 'USD' }), '$1,234.50');
  assert.equal(formatAmount({ value: 3, currency: 'JPY' }), '¥3');
  assert.equal(formatAmount({ value: 12, currency: 'ZZ?' }), 'ZZ? 12');
});
