/**
 * The approvals queue in the store: a proposal records what would happen, why and what caused
 * it; approving runs its action exactly once however often and however concurrently it is
 * approved (two processes' connections included), records who and when, and keeps the result;
 * rejected, expired and failed proposals stay for the record and are never run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  countPendingProposals,
  createProposal,
  decideProposal,
  getProposal,
  listProposals,
  ProposalDecisionError,
  type NewProposal,
} from '../../memory/approvals.ts';
import { openStore, type Store } from '../../memory/store.ts';

const NOW = new Date('2026-12-02T07:00:00Z');

function aProposal(overrides: Partial<NewProposal> = {}): NewProposal {
  return {
    kind: 'remember',
    payload: { fact: 'The bank password is hunter2', pin: true },
    summary: 'pin to MEMORY.md: The bank password is hunter2',
    reason: 'asked for by the orchestrator of morning-briefing while its context held untrusted mail',
    job: 'morning-briefing',
    runId: 7,
    source: { kind: 'mail', messageId: '<x1@attacker.example>', sender: 'attacker@example.com', label: 'Urgent' },
    now: NOW,
    ...overrides,
  };
}

/** An executor that counts its runs and takes a while, so concurrent approvals overlap. */
function aCountingAction() {
  let runs = 0;
  return {
    get runs() {
      return runs;
    },
    execute: async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 30));
      return { factId: 41 };
    },
  };
}

function aStoreFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'sb-approvals-')), 'switchboard.db');
}

test('a proposal keeps what would happen, why, what caused it and when it expires', () => {
  const db = openStore(':memory:');
  const proposal = createProposal(db, aProposal());
  assert.equal(proposal.state, 'pending');
  assert.deepEqual(proposal.payload, { fact: 'The bank password is hunter2', pin: true });
  assert.equal(proposal.source.messageId, '<x1@attacker.example>');
  assert.equal(proposal.source.sender, 'attacker@example.com');
  assert.equal(proposal.createdAt, NOW.toISOString());
  assert.equal(proposal.expiresAt, '2026-12-09T07:00:00.000Z');
  assert.equal(proposal.decidedBy, null);
  assert.equal(countPendingProposals(db, NOW), 1);
  assert.deepEqual(listProposals(db, { now: NOW }).map((entry) => entry.id), [proposal.id]);
  db.close();
});

test('the same dedupe key asked twice (a retried run) is one proposal', () => {
  const db = openStore(':memory:');
  const first = createProposal(db, aProposal({ dedupeKey: 'run-7:call-1' }));
  const second = createProposal(db, aProposal({ dedupeKey: 'run-7:call-1', summary: 'something else' }));
  assert.equal(second.id, first.id);
  assert.equal(second.summary, first.summary);
  assert.equal(countPendingProposals(db, NOW), 1);
  db.close();
});

test('approving twice, or twice at once, runs the action once and records who and when', async () => {
  const db = openStore(':memory:');
  const { id } = createProposal(db, aProposal());
  const action = aCountingAction();
  const decision = { decision: 'approve' as const, by: 'cli:owner', execute: action.execute, now: () => NOW };

  const [a, b] = await Promise.all([decideProposal(db, id, decision), decideProposal(db, id, decision)]);
  const again = await decideProposal(db, id, { ...decision, by: 'mail-reply' });

  assert.equal(action.runs, 1);
  assert.deepEqual([a.changed, b.changed, again.changed].sort(), [false, false, true]);
  const stored = getProposal(db, id, NOW)!;
  assert.equal(stored.state, 'approved');
  assert.equal(stored.decidedBy, 'cli:owner');
  assert.equal(stored.decidedAt, NOW.toISOString());
  assert.equal(stored.executedAt, NOW.toISOString());
  assert.deepEqual(stored.result, { factId: 41 });
  assert.equal(countPendingProposals(db, NOW), 0);
  db.close();
});

test('two connections to one database file (two processes) approving at once: one runs', async () => {
  const path = aStoreFile();
  const first = openStore(path);
  const second = openStore(path);
  const { id } = createProposal(first, aProposal());
  const action = aCountingAction();
  const decide = (db: Store) => decideProposal(db, id, { decision: 'approve', by: 'cli:owner', execute: action.execute });
  const outcomes = await Promise.all([decide(first), decide(second), decide(first), decide(second)]);
  assert.equal(action.runs, 1);
  assert.equal(outcomes.filter((outcome) => outcome.changed).length, 1);
  first.close();
  second.close();
});

test('a rejected proposal is kept, never runs, and cannot be approved afterwards', async () => {
  const db = openStore(':memory:');
  const { id } = createProposal(db, aProposal());
  const action = aCountingAction();
  const rejected = await decideProposal(db, id, { decision: 'reject', by: 'cli:owner', now: () => NOW });
  assert.equal(rejected.proposal.state, 'rejected');
  assert.equal((await decideProposal(db, id, { decision: 'reject', by: 'cli:owner' })).changed, false);
  await assert.rejects(
    decideProposal(db, id, { decision: 'approve', by: 'cli:owner', execute: action.execute }),
    (error: unknown) => error instanceof ProposalDecisionError && error.reason === 'decided' && /already rejected/.test(error.message),
  );
  assert.equal(action.runs, 0);
  assert.deepEqual(listProposals(db, { state: 'rejected' }).map((entry) => entry.id), [id]);
  db.close();
});

test('a proposal past its expiry is expired, kept, and refuses approval', async () => {
  const db = openStore(':memory:');
  const { id } = createProposal(db, aProposal({ expiresAt: new Date('2026-12-03T07:00:00Z') }));
  const later = new Date('2026-12-04T00:00:00Z');
  const action = aCountingAction();
  assert.equal(countPendingProposals(db, later), 0);
  await assert.rejects(
    decideProposal(db, id, { decision: 'approve', by: 'cli:owner', execute: action.execute, now: () => later }),
    (error: unknown) => error instanceof ProposalDecisionError && error.reason === 'expired',
  );
  assert.equal(action.runs, 0);
  assert.equal(getProposal(db, id, later)?.state, 'expired');
  db.close();
});

test('an action that throws leaves the proposal failed with its error, and approving again does not retry it', async () => {
  const db = openStore(':memory:');
  const { id } = createProposal(db, aProposal({ kind: 'code-edit', payload: { repo: '/nowhere', task: 'x' } }));
  let runs = 0;
  const execute = async () => {
    runs++;
    throw new Error('repository /nowhere is not inside skills.code-edit.allowedRepos');
  };
  const outcome = await decideProposal(db, id, { decision: 'approve', by: 'cli:owner', execute });
  assert.equal(outcome.proposal.state, 'failed');
  assert.match(outcome.proposal.error ?? '', /not inside skills\.code-edit\.allowedRepos/);
  const again = await decideProposal(db, id, { decision: 'approve', by: 'cli:owner', execute });
  assert.equal(again.changed, false);
  assert.equal(runs, 1);
  await assert.rejects(decideProposal(db, 999, { decision: 'reject', by: 'cli:owner' }), /no proposal #999/);
  db.close();
});
