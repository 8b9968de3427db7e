import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { createMailDelivery } from '../../skills/mail/delivery.ts';
import { outboxFileName } from '../../skills/mail/outbox.ts';
import type { MailMessage } from '../../skills/mail/types.ts';

function aMessage(overrides: Partial<MailMessage> = {}): MailMessage {
  return {
    subject: 'Briefing — Tuesday 6 May',
    html: '<html><body><p>Quiet day &amp; no meetings.</p></body></html>',
    text: 'Quiet day & no meetings.\n',
    job: 'morning-briefing',
    date: new Date('2025-05-06T05:00:00Z'),
    ...overrides,
  };
}

test('without SMTP config the message is written to <dataDir>/outbox/YYYY-MM-DD-<job>.eml', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-outbox-'));
  const delivery = createMailDelivery({ dataDir });

  const receipt = await delivery.deliver(aMessage(), AbortSignal.timeout(5000));

  assert.equal(delivery.channel, 'outbox');
  assert.equal(receipt.location, join(dataDir, 'outbox', '2025-05-06-morning-briefing.eml'));
  assert.deepEqual(readdirSync(join(dataDir, 'outbox')), ['2025-05-06-morning-briefing.eml'], 'no temp file left');
  assert.equal(statSync(receipt.location).mode & 0o777, 0o600);
});

test('the .eml is an RFC 5322 message with CRLF line ends that mailparser reads back', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-outbox-'));
  const receipt = await createMailDelivery({ dataDir }).deliver(aMessage({ to: 'me@example.com' }), AbortSignal.timeout(5000));

  const raw = readFileSync(receipt.location);
  assert.match(raw.toString('utf8'), /^[\s\S]*?\r\nSubject: /);
  assert.doesNotMatch(raw.toString('utf8'), /[^\r]\n/, 'every line ends in CRLF');
  const parsed = await simpleParser(raw);
  assert.equal(parsed.subject, 'Briefing — Tuesday 6 May');
  assert.equal(parsed.messageId, receipt.messageId);
  assert.equal(parsed.text?.trim(), 'Quiet day & no meetings.');
  assert.match(String(parsed.html), /Quiet day &amp; no meetings\./);
  assert.equal(parsed.date?.toISOString(), '2025-05-06T05:00:00.000Z');
  assert.equal((Array.isArray(parsed.to) ? parsed.to[0] : parsed.to)?.value[0].address, 'me@example.com');
});

test('the file date follows the user time zone, and the job name is made safe for a file name', () => {
  // 23:30 UTC on 5 May is already 6 May in Berlin.
  assert.equal(outboxFileName('morning-briefing', new Date('2025-05-05T23:30:00Z'), 'Europe/Berlin'), '2025-05-06-morning-briefing.eml');
  assert.equal(outboxFileName('../evil job', new Date('2025-05-05T12:00:00Z')), '2025-05-05-.._evil_job.eml');
});
