import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEmail } from '../../skills/email-extract/parse.ts';
import type { FetchedMessage } from '../../skills/email-extract/types.ts';
import { aRawMessage } from './builders.ts';

function fetched(source: string | Buffer, overrides: Partial<FetchedMessage> = {}): FetchedMessage {
  const buffer = typeof source === 'string' ? Buffer.from(source, 'binary') : source;
  return { uid: 1, size: buffer.length, source: buffer, oversized: false, ...overrides };
}

function withBody(contentType: string, body: Buffer | string, extraHeaders: string[] = []): Buffer {
  const head = [
    'From: Bob <bob@example.com>',
    'To: user@example.org',
    'Subject: test',
    'Date: Mon, 10 Mar 2025 08:00:00 +0000',
    'MIME-Version: 1.0',
    `Content-Type: ${contentType}`,
    ...extraHeaders,
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), typeof body === 'string' ? Buffer.from(body, 'latin1') : body]);
}

test('a plain message gives its headers, text and a content hash', async () => {
  const email = await parseEmail(fetched(aRawMessage({ subject: 'Lunch', body: 'Lunch on Friday?', messageId: '<a@x>' })));
  assert.equal(email.subject, 'Lunch');
  assert.equal(email.text, 'Lunch on Friday?');
  assert.equal(email.messageId, '<a@x>');
  assert.deepEqual(email.from, { name: 'Alice Example', address: 'alice@example.com' });
  assert.equal(email.date?.toISOString(), '2025-03-14T08:00:00.000Z');
  assert.match(email.contentHash, /^[0-9a-f]{64}$/);
});

test('ISO-8859-1 and windows-1252 bodies are decoded', async () => {
  const latin1 = await parseEmail(fetched(withBody('text/plain; charset=ISO-8859-1', Buffer.from([0x43, 0x61, 0x66, 0xe9]))));
  assert.equal(latin1.text, 'Café');
  // 0x80 is the euro sign in windows-1252 and a control character in ISO-8859-1.
  const cp1252 = await parseEmail(fetched(withBody('text/plain; charset=windows-1252', Buffer.from([0x80, 0x35]))));
  assert.equal(cp1252.text, '€5');
});

test('ISO-2022-JP is decoded', async () => {
  // "日本" in ISO-2022-JP: ESC $ B, 0x46 0x7C 0x4B 0x5C, ESC ( B
  const body = Buffer.from([0x1b, 0x24, 0x42, 0x46, 0x7c, 0x4b, 0x5c, 0x1b, 0x28, 0x42]);
  const email = await parseEmail(fetched(withBody('text/plain; charset=ISO-2022-JP', body, ['Content-Transfer-Encoding: 7bit'])));
  assert.equal(email.text, '日本');
});

test('a broken declared charset still yields text', async () => {
  const email = await parseEmail(fetched(withBody('text/plain; charset=x-no-such-charset', 'Invoice attached, total 42 EUR')));
  assert.match(email.text, /Invoice attached, total 42 EUR/);
});

test('an HTML-only message becomes plain text without scripts or remote images', async () => {
  const html =
    '<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>' +
    '<p>Your order <b>#1234</b> ships tomorrow.</p><img src="https://tracker.example/pixel.gif"></body></html>';
  const email = await parseEmail(fetched(withBody('text/html; charset=utf-8', html)));
  assert.match(email.text, /Your order #1234 ships tomorrow\./i);
  assert.doesNotMatch(email.text, /alert\(1\)|color:red/);
});

test('attachments are listed by name, type and size, never read into the text', async () => {
  const secret = Buffer.from('TOP-SECRET-ATTACHMENT-CONTENT').toString('base64');
  const raw = [
    'From: bob@example.com',
    'To: user@example.org',
    'Subject: report',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Report attached.',
    '--b1',
    'Content-Type: application/pdf; name="q1.pdf"',
    'Content-Disposition: attachment; filename="q1.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    secret,
    '--b1--',
    '',
  ].join('\r\n');
  const email = await parseEmail(fetched(raw));
  assert.equal(email.text, 'Report attached.');
  assert.deepEqual(email.attachments, [{ filename: 'q1.pdf', contentType: 'application/pdf', size: 29 }]);
  assert.doesNotMatch(email.text, /TOP-SECRET/);
});

test('a long body is cut at the cap with a marker', async () => {
  const email = await parseEmail(fetched(aRawMessage({ body: 'x'.repeat(5_000) })), { maxBodyChars: 1_000 });
  assert.equal(email.bodyTruncated, true);
  assert.ok(email.text.startsWith('x'.repeat(1_000)));
  assert.match(email.text, /\[… truncated: 4000 more characters\]$/);
});

test('an oversized message (headers only) is parsed with a note', async () => {
  const headers = aRawMessage({ subject: 'Huge scan' }).split('\r\n\r\n')[0] + '\r\n\r\n';
  const email = await parseEmail(fetched(headers, { size: 9_000_000, oversized: true }));
  assert.equal(email.subject, 'Huge scan');
  assert.equal(email.text, '');
  assert.match(email.notes.join(' '), /9000000 bytes, over the size cap; headers only/);
});

test('malformed mail does not throw', async () => {
  const garbage = Buffer.from('\u0000\u0001not a mail at all\r\n\r\n\r\n--\r\nContent-Type: multipart/mixed; boundary=\r\n', 'latin1');
  const email = await parseEmail(fetched(garbage));
  assert.equal(typeof email.text, 'string');
  assert.equal(email.messageId, undefined);
  const noHeaders = await parseEmail(fetched('Subject: =?utf-8?B?broken\r\nDate: not a date\r\n\r\nbody'));
  assert.equal(noHeaders.date, undefined);
  assert.equal(noHeaders.text, 'body');
});
