/**
 * A second briefing on the same day (a manual run after the 07:00 one) is a new .eml file and
 * a new mail with its own Message-ID; the first file is never overwritten.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeOutbox } from '../../skills/mail/outbox.ts';

const message = (subject: string) => ({
  subject,
  html: `<p>${subject}</p>`,
  text: subject,
  from: 'switchboard@localhost',
  to: 'alex@example.org',
  job: 'morning-briefing',
  date: new Date('2026-12-02T06:00:00Z'),
});

test('two briefings on one day are two files with two message ids', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-outbox-'));
  const first = await writeOutbox(dataDir, message('first'), { timeZone: 'Europe/Paris' });
  const second = await writeOutbox(dataDir, message('second'), { timeZone: 'Europe/Paris' });
  const third = await writeOutbox(dataDir, message('third'), { timeZone: 'Europe/Paris' });
  assert.equal(first.location, join(dataDir, 'outbox', '2026-12-02-morning-briefing.eml'));
  assert.equal(second.location, join(dataDir, 'outbox', '2026-12-02-morning-briefing-2.eml'));
  assert.equal(third.location, join(dataDir, 'outbox', '2026-12-02-morning-briefing-3.eml'));
  assert.match(readFileSync(first.location!, 'utf8'), /Subject: first/);
  assert.match(readFileSync(second.location!, 'utf8'), /Subject: second/);
  assert.equal(new Set([first.messageId, second.messageId, third.messageId]).size, 3);
  assert.deepEqual(readdirSync(join(dataDir, 'outbox')).sort(), ['2026-12-02-morning-briefing-2.eml', '2026-12-02-morning-briefing-3.eml', '2026-12-02-morning-briefing.eml'], 'no temporary file left');
});

test('writers racing for the same day each get their own file', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-outbox-race-'));
  const receipts = await Promise.all(Array.from({ length: 5 }, (_, index) => writeOutbox(dataDir, message(`copy ${index}`))));
  assert.equal(new Set(receipts.map((receipt) => receipt.location)).size, 5);
  assert.equal(readdirSync(join(dataDir, 'outbox')).length, 5);
});
