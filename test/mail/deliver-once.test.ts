import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../memory/store.ts';
import { deliverOnce, findDelivery } from '../../memory/deliveries.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';
import { createMailDelivery } from '../../skills/mail/delivery.ts';
import type { MailMessage } from '../../skills/mail/types.ts';

const KEY = 'morning-briefing:2025-05-05T05:00:00.000Z';

function aMessage(): MailMessage {
  return { subject: 'Briefing', html: '<p>hi</p>', text: 'hi', job: 'morning-briefing', date: new Date('2025-05-05T05:00:00Z') };
}

test('a retry of a slot whose mail was sent sends nothing and returns the first message id', async (t) => {
  const sink = await startSmtpSink();
  t.after(() => sink.close());
  const db = openStore(':memory:');
  t.after(() => db.close());
  const delivery = createMailDelivery({ smtp: sink.config(), dataDir: '/nonexistent' });
  const send = () => delivery.deliver(aMessage(), AbortSignal.timeout(5000));

  const first = await deliverOnce(db, KEY, send, { job: 'morning-briefing' });
  const retry = await deliverOnce(db, KEY, send, { job: 'morning-briefing' });

  assert.equal(sink.received.length, 1);
  assert.equal(first.delivered, true);
  assert.equal(retry.delivered, false);
  assert.equal(retry.record.messageId, first.record.messageId);
  assert.equal(retry.record.status, 'sent');
  assert.equal(retry.record.attempts, 1);
});

test('a failed send is recorded and the next attempt sends exactly one message', async (t) => {
  const sink = await startSmtpSink();
  t.after(() => sink.close());
  const db = openStore(':memory:');
  t.after(() => db.close());
  const delivery = createMailDelivery({ smtp: sink.config(), dataDir: '/nonexistent' });
  const send = () => delivery.deliver(aMessage(), AbortSignal.timeout(5000));
  sink.failNext(1);

  await assert.rejects(deliverOnce(db, KEY, send), /try again later/);
  const failed = findDelivery(db, KEY);
  assert.equal(failed?.status, 'failed');
  assert.match(failed?.error ?? '', /451|try again later/);

  const second = await deliverOnce(db, KEY, send);
  const third = await deliverOnce(db, KEY, send);

  assert.equal(sink.received.length, 1);
  assert.equal(second.delivered, true);
  assert.equal(third.delivered, false);
  assert.equal(second.record.attempts, 2);
  assert.equal(second.record.error, null);
  assert.equal(second.record.channel, 'smtp');
});

test('different slots are delivered independently', async (t) => {
  const db = openStore(':memory:');
  t.after(() => db.close());
  let sends = 0;
  const deliver = async () => ({ channel: 'outbox', messageId: `<m${++sends}@local>`, location: `/tmp/${sends}.eml` });

  await deliverOnce(db, 'morning-briefing:2025-05-05', deliver);
  await deliverOnce(db, 'morning-briefing:2025-05-06', deliver);
  await deliverOnce(db, 'morning-briefing:2025-05-06', deliver);

  assert.equal(sends, 2);
  assert.equal((db.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'sent'").get() as { n: number }).n, 2);
});
