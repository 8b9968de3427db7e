/**
 * Replying to the briefing, end to end: the briefing goes out through SMTP (a loopback sink)
 * with a one-time token under each pending proposal; replies are appended to a real Dovecot
 * INBOX and read by the `mail-replies` skill as the daemon wires it. The owner's reply with
 * the token approves and runs the proposal once; the same reply again, a reply from another
 * address (or a look-alike display name), without a token, with the token only in quoted
 * text, or with an unknown command does nothing and is recorded; the next briefing says so.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { getProposal } from '../../memory/approvals.ts';
import { listReplies } from '../../memory/mail-replies.ts';
import { DOVECOT_SKIP, startDovecot, type DovecotServer } from '../helpers/dovecot.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { aRememberProposal, aReply, aReplyWorkspace, aRun, OWNER, quoted, tokenLine, type ReplyWorkspace } from './builders.ts';

// Near the real time: the decision itself (as from the CLI) checks expiry against the clock.
const LATER = new Date();
const MORNING = new Date(LATER.getTime() - 2 * 3_600_000);
const NEXT_MORNING = new Date(LATER.getTime() + 20 * 60_000);

let dovecot: DovecotServer;
let sink: SmtpSink;
let workspace: ReplyWorkspace;
before(async () => {
  if (DOVECOT_SKIP) return;
  dovecot = await startDovecot();
  sink = await startSmtpSink();
  workspace = aReplyWorkspace(dovecot, sink);
});
after(async () => {
  workspace?.db.close();
  await sink?.close();
  await dovecot?.stop();
  if (workspace) rmSync(workspace.dataDir, { recursive: true, force: true });
});

const factCount = (fact: string) =>
  (workspace.db.prepare('SELECT COUNT(*) AS count FROM facts WHERE text = ?').get(fact) as { count: number }).count;

test('a reply from the owner with the token acts once; every other reply does nothing and is reported', { skip: DOVECOT_SKIP }, async () => {
  const { db } = workspace;
  const trains = aRememberProposal(db, 'Prefers trains to planes', MORNING);
  const bank = aRememberProposal(db, 'The bank account is DE00 1234', MORNING);

  // 1. The briefing goes out through SMTP with a token line under each proposal.
  await workspace.skill('briefing').run(aRun(workspace, 'morning-briefing', MORNING), AbortSignal.timeout(20_000));
  assert.equal(sink.received.length, 1);
  const briefing = sink.received[0].parsed;
  const briefingText = briefing.text ?? '';
  const approveTrains = tokenLine(briefingText, 'approve', trains.id);
  const approveBank = tokenLine(briefingText, 'approve', bank.id);
  assert.match(briefingText, new RegExp(`^\\s*reject ${trains.id} [0-9a-z]{10}$`, 'm'));
  assert.match(String(briefing.html), new RegExp(`<code[^>]*>${approveTrains}</code>`));
  const tokens = (db.prepare('SELECT token_hash FROM reply_tokens').all() as { token_hash: string }[]).map((row) => row.token_hash);
  assert.equal(tokens.length, 2);
  assert.ok(!tokens.some((hash) => briefingText.includes(hash)) && !tokens.includes(approveTrains.split(' ')[2]), 'only hashes are stored');

  // 2. Replies arrive in the INBOX: the good one first, then the same one again, then the rest.
  const inReplyTo = briefing.messageId!;
  const good = aReply({ inReplyTo, messageId: '<good-reply@mail.example.com>', body: `${approveTrains}\n\nThanks!\n\n${quoted(briefingText)}` });
  await dovecot.append(good);
  await dovecot.append(good);
  await dovecot.append(aReply({ inReplyTo, body: `${approveTrains}\n\nSecond reply, same token.` }));
  await dovecot.append(aReply({ inReplyTo, from: 'Eve <eve@evil.example>', body: approveBank }));
  await dovecot.append(aReply({ inReplyTo, from: `"${OWNER}" <eve@evil.example>`, body: approveBank }));
  await dovecot.append(aReply({ inReplyTo, body: `approve ${bank.id}` }));
  await dovecot.append(aReply({ inReplyTo, body: `Yes please.\n\n${quoted(`${approveBank}\n`)}` }));
  await dovecot.append(aReply({ inReplyTo, body: `delete ${bank.id} ${approveBank.split(' ')[2]}` }));
  await dovecot.append(aReply({ inReplyTo, body: `approve ${bank.id} zzzzzzzzzz` }));

  const run = await workspace.skill('mail-replies').run(aRun(workspace, 'approval-replies', LATER), AbortSignal.timeout(30_000));

  // The good reply approved and executed its proposal once, as the owner.
  const approved = getProposal(db, trains.id, LATER)!;
  assert.equal(approved.state, 'approved', approved.error ?? '');
  assert.equal(approved.decidedBy, 'mail-reply');
  assert.equal(factCount('Prefers trains to planes'), 1);
  assert.match(readFileSync(join(workspace.dataDir, 'MEMORY.md'), 'utf8'), new RegExp(`\\[approved #${trains.id}\\]: Prefers trains to planes`));
  // Nothing else acted.
  assert.equal(getProposal(db, bank.id, LATER)!.state, 'pending');
  assert.equal(factCount('The bank account is DE00 1234'), 0);
  assert.equal(run.details?.approved, 1);
  assert.equal(run.details?.duplicates, 1);

  const replies = listReplies(db).reverse();
  const outcomes = replies.map((reply) => `${reply.status} ${reply.fromAddress}: ${reply.actions.map((action) => `${action.result} ${action.text}`).join(' | ')}`);
  assert.equal(replies.length, 9, outcomes.join('\n'));
  assert.match(outcomes[0], /^done me@example\.com: approved pin to MEMORY\.md: Prefers trains/);
  assert.match(outcomes[1], /^duplicate /);
  assert.match(outcomes[2], /^done me@example\.com: refused .*already used/);
  assert.match(outcomes[3], /^done eve@evil\.example: refused not from your address/);
  assert.match(outcomes[4], /^done eve@evil\.example: refused not from your address/);
  assert.match(outcomes[5], /^done me@example\.com: refused approve #\d+ without its token/);
  assert.match(outcomes[6], /^done me@example\.com: refused no "approve N TOKEN" or "reject N TOKEN" line outside the quoted text/);
  assert.match(outcomes[7], /^done me@example\.com: refused unknown command "delete"/);
  assert.match(outcomes[8], /^done me@example\.com: refused approve #\d+: the token is wrong/);

  // 3. Read again (a restart): nothing is processed twice.
  const again = await workspace.skill('mail-replies').run(aRun(workspace, 'approval-replies', new Date(LATER.getTime() + 300_000)), AbortSignal.timeout(30_000));
  assert.equal(again.summary, '0 replies');
  assert.equal(listReplies(db).length, 9);
  assert.equal(factCount('Prefers trains to planes'), 1);

  // 4. The next briefing confirms the approval and reports what was refused.
  await workspace.skill('briefing').run(aRun(workspace, 'morning-briefing', NEXT_MORNING), AbortSignal.timeout(20_000));
  assert.equal(sink.received.length, 2);
  const next = sink.received[1].parsed;
  const nextText = next.text ?? '';
  assert.match(nextText, new RegExp(`^- Approved by your reply: #${trains.id} pin to MEMORY\\.md: Prefers trains to planes$`, 'm'));
  assert.match(nextText, /^- Not acted on: reply from eve@evil\.example \([^)]*\): not from your address/m);
  assert.match(nextText, /^- Not acted on: reply from me@example\.com \([^)]*\): no "approve N TOKEN"/m);
  assert.match(String(next.html), /Approved by your reply: #\d+ pin to MEMORY\.md: Prefers trains to planes/);
  // Still pending, with a fresh token; the approved one is no longer listed.
  assert.doesNotMatch(nextText, new RegExp(`approve ${trains.id} [0-9a-z]{10}`));
  assert.notEqual(tokenLine(nextText, 'approve', bank.id), approveBank);
  // The refusals' log lines name no token.
  for (const reply of listReplies(db)) assert.doesNotMatch(JSON.stringify(reply.actions), new RegExp(approveBank.split(' ')[2]));
});
