import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProviderError } from '../../contracts/provider-error.ts';
import { readWatermark } from '../../memory/extractions.ts';
import { createEmailExtractSkill } from '../../skills/email-extract/skill.ts';
import type { MailSession, OpenMailbox } from '../../skills/email-extract/types.ts';
import { aFakeRouter, anExtractionJson, aRawMessage, aSkillContext, aStore, subjectOf } from './builders.ts';

/** An in-memory mailbox: the skill's `openMailbox` dependency, without a server. */
function aMailbox(subjects: string[], date = 'Thu, 13 Mar 2025 17:30:00 +0000'): OpenMailbox {
  const sources = subjects.map((subject) => Buffer.from(aRawMessage({ subject, date, messageId: `<${subject.replace(/\W/g, '')}@x>` })));
  return async (): Promise<MailSession> => ({
    open: async (path) => ({ path, uidValidity: '4000000000' }),
    listAfter: async (afterUid) =>
      sources.map((source, index) => ({ uid: index + 1, size: source.length })).filter((entry) => entry.uid > afterUid),
    fetchMessages: async (entries) => entries.map((entry) => ({ uid: entry.uid, size: entry.size, source: sources[entry.uid - 1], oversized: false })),
    close: async () => {},
  });
}

const account = { host: 'unused', port: 993, secure: true, user: 'u', password: 'p', mailboxes: ['INBOX'], allowInsecure: false };

test('an invalid answer is retried once a tier up, and the second answer is stored', async () => {
  const db = aStore();
  const router = aFakeRouter((_, index) => (index === 0 ? anExtractionJson({ category: 'gossip' }) : anExtractionJson({ category: 'finance' })));
  const skill = createEmailExtractSkill({ accounts: { bank: account }, openMailbox: aMailbox(['Statement']) });
  await skill.run(aSkillContext(db, router), new AbortController().signal);
  assert.equal(router.requests.length, 2);
  assert.equal(router.requests[0].task.tier, undefined);
  assert.equal(router.requests[1].task.tier, 'execution');
  assert.match(router.requests[1].request.messages.at(-1)!.content, /rejected: schema mismatch: category/);
  const row = db.prepare('SELECT status, category, escalated, model FROM mail_extractions').get();
  assert.deepEqual(row, { status: 'extracted', category: 'finance', escalated: 1, model: 'fake-execution' });
  db.close();
});

test('two invalid answers store the message as failed, keep the error, and move the watermark on', async () => {
  const db = aStore();
  const router = aFakeRouter((routed) => (subjectOf(routed) === 'Poison' ? 'not json at all' : anExtractionJson()));
  const skill = createEmailExtractSkill({ accounts: { bank: account }, openMailbox: aMailbox(['Before', 'Poison', 'After']) });
  const result = await skill.run(aSkillContext(db, router), new AbortController().signal);
  assert.equal(result.summary, '3 new messages, 0 action items, 0 deadlines, 1 failed extraction');
  const rows = db.prepare('SELECT subject, status, error FROM mail_extractions ORDER BY uid').all() as { subject: string; status: string; error: string | null }[];
  assert.deepEqual(rows.map((row) => [row.subject, row.status]), [['Before', 'extracted'], ['Poison', 'failed'], ['After', 'extracted']]);
  assert.match(rows[1].error!, /not JSON.*then: the answer is not JSON/);
  assert.equal(readWatermark(db, 'bank', 'INBOX')?.lastUid, 3);
  assert.equal(router.requests.length, 4);
  db.close();
});

test('a content-filter refusal fails the message; an outage stops the run before it', async () => {
  const db = aStore();
  const refuse = (kind: 'content_filtered' | 'overloaded') =>
    new ProviderError({ kind, message: `${kind} by provider`, provider: 'p', model: 'm' });
  let outage = true;
  const router = aFakeRouter((routed) => {
    if (subjectOf(routed) === 'Filtered') throw refuse('content_filtered');
    if (subjectOf(routed) === 'Unlucky' && outage) throw refuse('overloaded');
    return anExtractionJson();
  });
  const skill = createEmailExtractSkill({ accounts: { bank: account }, openMailbox: aMailbox(['Filtered', 'Unlucky', 'Last']) });
  await assert.rejects(skill.run(aSkillContext(db, router), new AbortController().signal), /overloaded by provider/);
  assert.equal(readWatermark(db, 'bank', 'INBOX')?.lastUid, 1, 'the outage left the watermark before the message');
  outage = false;
  const result = await skill.run(aSkillContext(db, router), new AbortController().signal);
  assert.equal(result.summary, '2 new messages, 0 action items, 0 deadlines');
  const rows = db.prepare('SELECT subject, status FROM mail_extractions ORDER BY uid').all();
  assert.deepEqual(rows, [
    { subject: 'Filtered', status: 'failed' },
    { subject: 'Unlucky', status: 'extracted' },
    { subject: 'Last', status: 'extracted' },
  ]);
  db.close();
});

test('relative dates are anchored to the Date header in the user time zone; deadlines are counted', async () => {
  const db = aStore();
  const router = aFakeRouter(() =>
    anExtractionJson({
      dates: [
        { date: '2025-03-14T15:00:00+01:00', what: 'call', isDeadline: false },
        { date: '2025-03-21', what: 'report due', isDeadline: true },
      ],
      action_items: [{ text: 'Send the report', due: '2025-03-21' }],
      amounts: [{ value: 120, currency: 'EUR', what: 'invoice' }],
    }),
  );
  const skill = createEmailExtractSkill({ accounts: { bank: account }, openMailbox: aMailbox(['Report']) });
  const result = await skill.run(aSkillContext(db, router, { timezone: 'Asia/Tokyo' }), new AbortController().signal);
  assert.equal(result.summary, '1 new message, 1 action item, 1 deadline');
  const prompt = router.requests[0].request.messages[1].content;
  // 17:30 UTC on Thursday is 02:30 on Friday in Tokyo.
  assert.match(prompt, /The user's time zone: Asia\/Tokyo\. The email was sent: 2025-03-14T02:30:00\+09:00 \(Friday\)\./);
  const days = db.prepare('SELECT date, day, is_deadline FROM mail_dates ORDER BY id').all();
  assert.deepEqual(days, [
    { date: '2025-03-14T15:00:00+01:00', day: '2025-03-14', is_deadline: 0 },
    { date: '2025-03-21', day: '2025-03-21', is_deadline: 1 },
  ]);
  db.close();
});

test('options are validated with the key named', async () => {
  const skill = createEmailExtractSkill({ accounts: { bank: account }, openMailbox: aMailbox([]) });
  const context = aSkillContext(aStore(), aFakeRouter(), { options: { batchSize: 0 } });
  await assert.rejects(skill.run(context, new AbortController().signal), /options\.batchSize/);
  const unknown = aSkillContext(aStore(), aFakeRouter(), { options: { accounts: ['work'] } });
  await assert.rejects(skill.run(unknown, new AbortController().signal), /options\.accounts names work, not in mail\.accounts/);
});
