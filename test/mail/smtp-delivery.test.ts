import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSmtpSink } from '../helpers/smtp-sink.ts';
import { sendMail } from '../../skills/mail/smtp.ts';
import type { MailMessage } from '../../skills/mail/types.ts';

function aMessage(overrides: Partial<MailMessage> = {}): MailMessage {
  return {
    subject: 'Briefing — Monday 5 May',
    html: '<!doctype html><html><body><table role="presentation"><tr><td><h1>Good morning</h1><p>Two meetings.</p></td></tr></table></body></html>',
    text: 'Good morning\n\nTwo meetings.\n',
    job: 'morning-briefing',
    date: new Date('2025-05-05T05:00:00Z'),
    ...overrides,
  };
}

test('a message sent over SMTP arrives with subject, sender, recipient, HTML and plain-text parts', async (t) => {
  const sink = await startSmtpSink();
  t.after(() => sink.close());

  const receipt = await sendMail(sink.config(), aMessage(), AbortSignal.timeout(5000));

  assert.equal(sink.received.length, 1);
  const { parsed, envelope } = sink.received[0];
  assert.equal(parsed.subject, 'Briefing — Monday 5 May');
  assert.equal(parsed.from?.value[0].address, 'switchboard@example.com');
  assert.equal(parsed.from?.value[0].name, 'Switchboard');
  assert.deepEqual(envelope, { from: 'switchboard@example.com', to: ['me@example.com'] });
  assert.match(String(parsed.html), /<h1>Good morning<\/h1>/);
  assert.equal(parsed.text?.trim(), 'Good morning\n\nTwo meetings.');
  assert.equal(parsed.messageId, receipt.messageId);
  assert.equal(receipt.channel, 'smtp');
  assert.equal(parsed.attachments.length, 0, 'no attachments, no external assets');
  assert.doesNotMatch(String(parsed.html), /(src|href)\s*=\s*["']?https?:/i);
});

test('the body is multipart/alternative with the plain text first', async (t) => {
  const sink = await startSmtpSink();
  t.after(() => sink.close());

  await sendMail(sink.config(), aMessage(), AbortSignal.timeout(5000));

  const raw = sink.received[0].raw.toString('utf8');
  assert.match(raw, /Content-Type: multipart\/alternative/i);
  assert.ok(raw.indexOf('text/plain') < raw.indexOf('text/html'), 'clients show the last part they understand');
});

test('credentials are used when configured and never appear in an error', async (t) => {
  const sink = await startSmtpSink();
  t.after(() => sink.close());

  await sendMail(sink.config({ user: 'mailer', password: 'hunter2-secret' }), aMessage(), AbortSignal.timeout(5000));
  assert.equal(sink.received[0].user, 'mailer');

  sink.failNext(1);
  await assert.rejects(sendMail(sink.config({ user: 'mailer', password: 'hunter2-secret' }), aMessage(), AbortSignal.timeout(5000)), (error: Error) => {
    assert.match(error.message, new RegExp(`^SMTP 127\\.0\\.0\\.1:${sink.port}: `));
    assert.doesNotMatch(error.message, /hunter2-secret/);
    return true;
  });
});

test('an aborted send rejects with the abort reason', async (t) => {
  const sink = await startSmtpSink();
  t.after(() => sink.close());
  const controller = new AbortController();
  controller.abort(new Error('job timed out'));

  await assert.rejects(sendMail(sink.config(), aMessage(), controller.signal), /job timed out/);
  assert.equal(sink.received.length, 0);
});
