import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readWatermark } from '../../memory/extractions.ts';
import { createEmailExtractSkill } from '../../skills/email-extract/skill.ts';
import type { Store } from '../../memory/store.ts';
import { DOVECOT_SKIP, startDovecot, type DovecotServer } from '../helpers/dovecot.ts';
import { aFakeRouter, anAccount, aRawMessage, aSkillContext, aStore, subjectOf } from './builders.ts';

let server: DovecotServer;
let db: Store;
beforeEach(async () => {
  if (DOVECOT_SKIP) return;
  server = await startDovecot();
  db = aStore();
});
afterEach(async () => {
  db?.close();
  await server?.stop();
});

const run = (router: ReturnType<typeof aFakeRouter>, mailboxes = ['INBOX'], options: Record<string, unknown> = { batchSize: 2 }) =>
  createEmailExtractSkill({ accounts: { home: anAccount(server, mailboxes) } }).run(
    aSkillContext(db, router, { options }),
    new AbortController().signal,
  );

test('a second run fetches only messages above the watermark', { skip: DOVECOT_SKIP }, async () => {
  for (const subject of ['one', 'two', 'three']) await server.append(aRawMessage({ subject }));
  const router = aFakeRouter();
  assert.equal((await run(router)).summary, '3 new messages, 0 action items, 0 deadlines');
  const watermark = readWatermark(db, 'home', 'INBOX')!;
  assert.equal(watermark.lastUid, 3);
  assert.match(watermark.uidValidity, /^\d+$/, 'UIDVALIDITY is stored as decimal TEXT');
  const storedType = db.prepare('SELECT typeof(uidvalidity) AS t FROM mail_watermarks').get() as { t: string };
  assert.equal(storedType.t, 'text');

  await server.append(aRawMessage({ subject: 'four' }));
  assert.equal((await run(router)).summary, '1 new message, 0 action items, 0 deadlines');
  assert.deepEqual(router.requests.map(subjectOf), ['one', 'two', 'three', 'four']);
  assert.equal((await run(router)).summary, '0 new messages, 0 action items, 0 deadlines');
  assert.equal(router.requests.length, 4);
});

test('a recreated mailbox (new UIDVALIDITY) is rescanned without reprocessing what is stored', { skip: DOVECOT_SKIP }, async () => {
  const kept = [aRawMessage({ subject: 'kept A', messageId: '<a@x>' }), aRawMessage({ subject: 'kept B', messageId: '<b@x>' })];
  for (const raw of kept) await server.append(raw, 'Archive');
  const router = aFakeRouter();
  await run(router, ['Archive']);
  const before = readWatermark(db, 'home', 'Archive')!;

  // The mailbox is recreated with the same two messages and a new one: UIDs restart at 1.
  await server.recreateMailbox('Archive');
  for (const raw of kept) await server.append(raw, 'Archive');
  await server.append(aRawMessage({ subject: 'new C', messageId: '<c@x>' }), 'Archive');

  const result = await run(router, ['Archive']);
  const after = readWatermark(db, 'home', 'Archive')!;
  assert.notEqual(after.uidValidity, before.uidValidity);
  assert.equal(after.lastUid, 3);
  assert.equal(result.summary, '1 new message, 0 action items, 0 deadlines, 2 duplicates skipped');
  assert.deepEqual(result.details?.validityChanges, ['home/Archive']);
  assert.deepEqual(router.requests.map(subjectOf), ['kept A', 'kept B', 'new C']);
  const rows = db.prepare('SELECT subject, uidvalidity FROM mail_extractions ORDER BY id').all() as { subject: string; uidvalidity: string }[];
  assert.deepEqual(rows.map((row) => row.subject), ['kept A', 'kept B', 'new C']);
  assert.equal(rows[2].uidvalidity, after.uidValidity);
});

test('a stored validity that no longer matches (simulated) rescans from UID 1 and loses nothing', { skip: DOVECOT_SKIP }, async () => {
  for (const subject of ['one', 'two']) await server.append(aRawMessage({ subject }));
  const router = aFakeRouter();
  await run(router);
  db.prepare("UPDATE mail_watermarks SET uidvalidity = '1', last_uid = 99").run();
  await server.append(aRawMessage({ subject: 'three' }));

  const result = await run(router);
  assert.equal(result.summary, '1 new message, 0 action items, 0 deadlines, 2 duplicates skipped');
  assert.deepEqual(router.requests.map(subjectOf), ['one', 'two', 'three']);
  assert.equal(readWatermark(db, 'home', 'INBOX')?.lastUid, 3);
});

test('an oversized message is stored from its headers only', { skip: DOVECOT_SKIP }, async () => {
  await server.append(aRawMessage({ subject: 'Scan', body: 'z'.repeat(300_000) }));
  await server.append(aRawMessage({ subject: 'Small' }));
  const router = aFakeRouter();
  await run(router, ['INBOX'], { maxMessageBytes: 100_000 });
  const rows = db.prepare('SELECT subject, oversized, size FROM mail_extractions ORDER BY uid').all() as { subject: string; oversized: number; size: number }[];
  assert.deepEqual(rows.map((row) => [row.subject, row.oversized]), [['Scan', 1], ['Small', 0]]);
  assert.ok(rows[0].size > 300_000);
  const prompt = router.requests[0].request.messages[1].content;
  assert.match(prompt, /Note: body not downloaded: the message is \d+ bytes, over the size cap; headers only/);
  assert.doesNotMatch(prompt, /zzzz/);
});
