/**
 * The briefing's side of replying to act, without a mail server: with replies read, each
 * pending proposal gets approve and reject lines with a fresh one-time token (only its hash is
 * stored), and what replies did since the previous briefing is listed under "Your replies",
 * escaped like every other text from mail. Without a reply reader nothing of it appears.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createProposal } from '../../memory/approvals.ts';
import { claimReply, finishReply } from '../../memory/mail-replies.ts';
import { checkReplyToken } from '../../memory/reply-tokens.ts';
import { createBriefingSkill } from '../../skills/briefing/skill.ts';
import { aContext, aRecordingDelivery, aStore, NOW } from './builders.ts';

const aProposal = (fact: string) => ({ kind: 'remember', payload: { fact }, summary: `remember: ${fact}`, reason: 'untrusted mail', now: NOW });

test('each pending proposal gets reply lines with a one-time token; only its hash is stored', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  const proposal = createProposal(db, aProposal('Prefers trains'));
  const delivery = aRecordingDelivery();
  await createBriefingSkill({ delivery, replies: true }).run(aContext(db), AbortSignal.timeout(5000));

  const { text, html } = delivery.sent[0];
  const token = new RegExp(`^    approve ${proposal.id} ([0-9a-z]{10})$`, 'm').exec(text)?.[1];
  assert.ok(token, text);
  assert.match(text, new RegExp(`^    reject ${proposal.id} ${token}$`, 'm'));
  assert.match(html, new RegExp(`<code[^>]*>approve ${proposal.id} ${token}</code>`));
  const stored = db.prepare('SELECT token_hash FROM reply_tokens').all() as { token_hash: string }[];
  assert.deepEqual(stored, [{ token_hash: createHash('sha256').update(token).digest('hex') }]);
  assert.deepEqual(checkReplyToken(db, proposal.id, token.toUpperCase(), 1, NOW), { ok: true, tokenId: 1 });
  assert.deepEqual(checkReplyToken(db, proposal.id + 1, token, 1, NOW), { ok: false, reason: 'other-proposal' });
  assert.deepEqual(checkReplyToken(db, proposal.id, token, 1, new Date(NOW.getTime() + 8 * 86_400_000)), { ok: false, reason: 'expired' });
});

test('the next briefing lists what replies did since the previous one, escaped', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  const proposal = createProposal(db, aProposal('Meets <b>Ada</b>'));
  const delivery = aRecordingDelivery();
  const skill = createBriefingSkill({ delivery, replies: true });
  await skill.run(aContext(db), AbortSignal.timeout(5000));
  const later = new Date(NOW.getTime() + 3_600_000);
  const location = { account: 'home', mailbox: 'INBOX', uidValidity: '1' };
  const good = claimReply(db, { ...location, uid: 1 }, { messageId: '<a@x>', fromAddress: 'me@example.com', subject: 'Re: Morning briefing', sentAt: null }, later);
  finishReply(db, good.id, [{ result: 'approved', proposalId: proposal.id, text: `remember: Meets <b>Ada</b>` }], later);
  const bad = claimReply(db, { ...location, uid: 2 }, { messageId: '<b@x>', fromAddress: 'eve@<evil>.example', subject: 'Re: Morning briefing', sentAt: null }, later);
  finishReply(db, bad.id, [{ result: 'refused', text: 'not from your address: nothing done' }], later);

  const tomorrow = new Date(NOW.getTime() + 86_400_000);
  await skill.run(aContext(db, { idempotencyKey: 'morning-briefing:tomorrow', runId: 8, now: () => tomorrow }), AbortSignal.timeout(5000));
  const { text, html } = delivery.sent[1];
  assert.match(text, new RegExp(`Your replies\\n-+\\n- Approved by your reply: #${proposal.id} remember: Meets <b>Ada</b>\\n- Not acted on: reply from eve@<evil>\\.example \\([^)]+\\): not from your address: nothing done\\n`));
  assert.match(html, /Approved by your reply: #\d+ remember: Meets &lt;b&gt;Ada&lt;\/b&gt;/);
  assert.match(html, /reply from eve@&lt;evil&gt;\.example/);

  // The day after, those replies were reported already.
  const dayAfter = new Date(NOW.getTime() + 2 * 86_400_000);
  await skill.run(aContext(db, { idempotencyKey: 'morning-briefing:day-after', runId: 9, now: () => dayAfter }), AbortSignal.timeout(5000));
  assert.doesNotMatch(delivery.sent[2].text, /Your replies/);
});

test('without a reply reader the briefing prints no token and stores none', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  createProposal(db, aProposal('x'));
  const delivery = aRecordingDelivery();
  await createBriefingSkill({ delivery }).run(aContext(db), AbortSignal.timeout(5000));
  assert.doesNotMatch(delivery.sent[0].text, /or reply with one of|Your replies/);
  assert.equal((db.prepare('SELECT COUNT(*) AS count FROM reply_tokens').get() as { count: number }).count, 0);
});
