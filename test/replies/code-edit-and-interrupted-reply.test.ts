/**
 * Two more paths of replying to act, against Dovecot and the SMTP sink: an approved code-edit
 * proposal runs its edit once in a real git repository (its model call through the reply run's
 * router), never pushed; and a reply whose processing is cut short after its token was taken
 * (the run dies before the decision) is finished by the next run, not refused as "token used",
 * and acts once.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { decideAsOwner } from '../../agent/owner-decision.ts';
import { createProposal, getProposal } from '../../memory/approvals.ts';
import { listReplies } from '../../memory/mail-replies.ts';
import { createMailRepliesSkill } from '../../skills/mail-replies/skill.ts';
import { DOVECOT_SKIP, startDovecot, type DovecotServer } from '../helpers/dovecot.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { aRepo, anEditAnswer, aScriptedRouter, FIXED_MATH, git, TEST_COMMAND } from '../code-edit/builders.ts';
import { aRememberProposal, aReply, aReplyWorkspace, aRun, OWNER, quoted, tokenLine, type ReplyWorkspace } from './builders.ts';

const repo = DOVECOT_SKIP ? undefined : aRepo();
let dovecot: DovecotServer;
let sink: SmtpSink;
let workspace: ReplyWorkspace;
before(async () => {
  if (DOVECOT_SKIP) return;
  dovecot = await startDovecot();
  sink = await startSmtpSink();
  workspace = aReplyWorkspace(dovecot, sink, `skills:\n  code-edit:\n    allowedRepos: [${JSON.stringify(repo!.allowed)}]\n    testCommand: ${JSON.stringify(TEST_COMMAND)}\n`);
});
after(async () => {
  workspace?.db.close();
  await sink?.close();
  await dovecot?.stop();
  if (workspace) rmSync(workspace.dataDir, { recursive: true, force: true });
  if (repo) rmSync(repo.allowed, { recursive: true, force: true });
});

test('a code edit approved by reply runs once on its own branch, never pushed', { skip: DOVECOT_SKIP }, async () => {
  const now = new Date();
  const proposal = createProposal(workspace.db, {
    kind: 'code-edit',
    payload: { repo: repo!.root, task: 'Fix add so that it returns the sum' },
    summary: 'code edit in project: Fix add so that it returns the sum',
    reason: 'a follow-up found in untrusted mail',
    job: 'morning-briefing',
    source: { kind: 'mail', sender: 'colleague@example.com' },
    now: new Date(now.getTime() - 3_600_000),
  });
  await workspace.skill('briefing').run(aRun(workspace, 'morning-briefing', new Date(now.getTime() - 3_000_000)), AbortSignal.timeout(20_000));
  const briefing = sink.received.at(-1)!.parsed;
  const line = tokenLine(briefing.text ?? '', 'approve', proposal.id);
  const reply = aReply({ inReplyTo: briefing.messageId!, body: `${line}\n\n${quoted(briefing.text ?? '')}` });
  await dovecot.append(reply);
  await dovecot.append(reply);

  const router = aScriptedRouter([anEditAnswer([{ path: 'src/math.js', content: FIXED_MATH }])]);
  await workspace.skill('mail-replies').run(aRun(workspace, 'approval-replies', now, { router }), AbortSignal.timeout(60_000));

  const approved = getProposal(workspace.db, proposal.id)!;
  assert.equal(approved.state, 'approved', approved.error ?? '');
  assert.equal(approved.decidedBy, 'mail-reply');
  assert.equal(router.calls.length, 1, 'the edit ran once');
  const result = approved.result as { branch: string; commit: string; pushed: boolean; tests: { passed: boolean } };
  assert.equal(result.pushed, false);
  assert.equal(result.tests.passed, true);
  assert.equal(git(repo!.root, 'show', `${result.branch}:src/math.js`) + '\n', FIXED_MATH);
  assert.equal(git(repo!.root, 'rev-parse', '--abbrev-ref', 'HEAD'), 'main', 'the working tree is back on main');
  assert.equal(listReplies(workspace.db).filter((entry) => entry.status === 'duplicate').length, 1);
});

test('a reply cut short after taking its token is finished by the next run and acts once', { skip: DOVECOT_SKIP }, async () => {
  const now = new Date();
  const proposal = aRememberProposal(workspace.db, 'Flies only on Tuesdays', new Date(now.getTime() - 3_600_000));
  await workspace.skill('briefing').run(aRun(workspace, 'morning-briefing', new Date(now.getTime() - 2_000_000)), AbortSignal.timeout(20_000));
  const briefing = sink.received.at(-1)!.parsed;
  await dovecot.append(aReply({ inReplyTo: briefing.messageId!, body: tokenLine(briefing.text ?? '', 'reject', proposal.id) }));

  let decisions = 0;
  const skill = createMailRepliesSkill({
    accounts: workspace.config.mail.accounts,
    owner: OWNER,
    decide: async (request) => {
      decisions++;
      if (decisions === 1) throw new Error('the process died here');
      return decideAsOwner({ db: request.db, dataDir: workspace.dataDir, config: workspace.config, timeZone: request.timeZone, openRouter: async () => ({ router: request.router, close: () => {} }) }, request.proposalId, request.decision, request.by);
    },
  });
  await assert.rejects(skill.run(aRun(workspace, 'approval-replies', now), AbortSignal.timeout(30_000)), /the process died here/);
  assert.equal(getProposal(workspace.db, proposal.id)!.state, 'pending');

  const resumed = await skill.run(aRun(workspace, 'approval-replies', new Date(now.getTime() + 60_000)), AbortSignal.timeout(30_000));
  assert.equal(resumed.details?.rejected, 1, resumed.summary);
  assert.equal(getProposal(workspace.db, proposal.id)!.state, 'rejected');
  const again = await skill.run(aRun(workspace, 'approval-replies', new Date(now.getTime() + 120_000)), AbortSignal.timeout(30_000));
  assert.equal(again.summary, '0 replies');
  assert.equal(decisions, 2);

  await workspace.skill('briefing').run(aRun(workspace, 'morning-briefing', new Date(now.getTime() + 180_000)), AbortSignal.timeout(20_000));
  assert.match(sink.received.at(-1)!.parsed.text ?? '', new RegExp(`^- Rejected by your reply: #${proposal.id} pin to MEMORY\\.md: Flies only on Tuesdays$`, 'm'));
  assert.doesNotMatch(readFileSync(join(workspace.dataDir, 'MEMORY.md'), { encoding: 'utf8', flag: 'a+' }), /Flies only on Tuesdays/);
});
