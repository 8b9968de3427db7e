/**
 * The briefing lists the proposals waiting for the owner, newest first, each with what it would
 * do, what caused it and its one-line approve command; text from a mail is escaped like the rest.
 * Decided and expired proposals are not listed; with none pending the block stays out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProposal, decideProposal } from '../../memory/approvals.ts';
import { createBriefingSkill } from '../../skills/briefing/skill.ts';
import { aContext, aRecordingDelivery, aStore, NOW } from './builders.ts';

const remember = (fact: string, sender = 'mallory@evil.test') => ({
  kind: 'remember',
  payload: { fact, pin: true },
  summary: `pin to MEMORY.md: ${fact}`,
  reason: 'asked for while the context held untrusted mail',
  source: { kind: 'mail', sender },
  now: NOW,
});

test('pending proposals are listed with their approve command, escaped', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  const older = createProposal(db, remember('Prefers <b>trains</b>'));
  const newer = createProposal(db, { ...remember('x'), kind: 'code-edit', payload: { repo: '/r/mathlib', task: 'Fix add' }, summary: 'code edit in mathlib: Fix add' });
  const rejected = createProposal(db, remember('The bank password is hunter2'));
  await decideProposal(db, rejected.id, { decision: 'reject', by: 'cli:owner', now: () => NOW });
  createProposal(db, { ...remember('long gone'), expiresAt: new Date(NOW.getTime() - 1_000) });
  const delivery = aRecordingDelivery();

  await createBriefingSkill({ delivery }).run(aContext(db), AbortSignal.timeout(5000));

  const { text, html } = delivery.sent[0];
  assert.match(
    text,
    new RegExp(
      `Waiting for your approval\\n-+\\n` +
        `- #${newer.id} code-edit: code edit in mathlib: Fix add \\(mail from mallory@evil\\.test\\)\\n  approve: switchboard approvals approve ${newer.id}\\n` +
        `- #${older.id} remember: pin to MEMORY\\.md: Prefers <b>trains</b> \\(mail from mallory@evil\\.test\\)\\n  approve: switchboard approvals approve ${older.id}\\n`,
    ),
  );
  assert.doesNotMatch(text, /hunter2|long gone/);
  assert.match(html, new RegExp(`<code[^>]*>switchboard approvals approve ${older.id}</code>`));
  assert.match(html, /Prefers &lt;b&gt;trains&lt;\/b&gt;/);
  assert.doesNotMatch(html, /<b>trains/);
});

test('with nothing pending the block stays out of the briefing', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  const delivery = aRecordingDelivery();
  await createBriefingSkill({ delivery }).run(aContext(db), AbortSignal.timeout(5000));
  assert.doesNotMatch(delivery.sent[0].text, /Waiting for your approval/);
  assert.doesNotMatch(delivery.sent[0].html, /Waiting for your approval/);
});
