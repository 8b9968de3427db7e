/**
 * A code-edit job with `followUps: true` never edits: each pending code follow-up (an action
 * item from mail naming an allowed repository) in a repository granted to the job becomes one
 * code-edit proposal, with no model call, no branch and no test run. Approving it runs the edit
 * once on its own branch (tests after approval only), marks the follow-up done, and never
 * pushes, whatever the settings say.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../agent/logger.ts';
import { createProposalExecutor } from '../../agent/proposal-actions.ts';
import { NO_GRANTS } from '../../config/grants.ts';
import { DEFAULT_CONFIG_PATH, parseConfigText } from '../../config/load.ts';
import type { Grants } from '../../config/schema.ts';
import type { ModelRouter } from '../../contracts/router.ts';
import { decideProposal, listProposals } from '../../memory/approvals.ts';
import type { Store } from '../../memory/store.ts';
import { createCodeEditSkill } from '../../skills/code-edit/index.ts';
import type { SkillContext } from '../../skills/types.ts';
import { aStore, aStoredMessage } from '../email/builders.ts';
import { aRepo, aScriptedRouter, anEditAnswer, FIXED_MATH, git } from './builders.ts';

/** A repository called `mathlib` with a bare `origin`, and a test command that leaves a marker when it runs. */
function aMathlibRepo() {
  const { allowed, root } = aRepo();
  const repo = join(allowed, 'mathlib');
  renameSync(root, repo);
  const bare = join(allowed, 'remote.git');
  git(allowed, 'init', '--quiet', '--bare', '-b', 'main', bare);
  git(repo, 'remote', 'add', 'origin', bare);
  git(repo, 'push', '--quiet', 'origin', 'main');
  const marker = join(mkdtempSync(join(tmpdir(), 'sb-test-ran-')), 'ran');
  const testCommand = [process.execPath, '-e', `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x'); require('./test.js')`];
  return { repo, bare, marker, testCommand };
}

function aContext(db: Store, router: ModelRouter, grants: Grants, runId = 1): SkillContext {
  return {
    job: 'follow-ups',
    skill: 'code-edit',
    runId,
    idempotencyKey: `follow-ups:slot-${runId}`,
    slot: new Date('2025-03-14T02:00:00Z'),
    options: { followUps: true },
    db,
    dataDir: '/nonexistent',
    logger: silentLogger(),
    timezone: 'UTC',
    router,
    grants,
    orchestrate: async () => {
      throw new Error('not used');
    },
    now: () => new Date(),
  };
}

const openItems = (db: Store) => (db.prepare('SELECT text FROM mail_action_items WHERE done = 0 ORDER BY id').all() as { text: string }[]).map((row) => row.text);
const branches = (repo: string) => git(repo, 'for-each-ref', '--format=%(refname)', 'refs/heads/');
const signal = new AbortController().signal;

test('each granted follow-up becomes one proposal: no model call, no branch, no test run, even over two runs', async (t) => {
  const { repo, marker, testCommand } = aMathlibRepo();
  const db = aStore();
  t.after(() => db.close());
  aStoredMessage(db, { subject: 'add is broken', fromAddress: 'mallory@evil.test', messageId: '<bug@evil.test>', actionItems: [{ text: 'Fix the add function in mathlib', due: null }] });
  aStoredMessage(db, { actionItems: [{ text: 'Rename add in mathlib', due: null }] });
  const router = aScriptedRouter([]);
  const skill = createCodeEditSkill({ settings: { allowedRepos: [repo], testCommand, push: true } });
  const grants = { ...NO_GRANTS, repositories: [repo] };

  const first = await skill.run(aContext(db, router, grants, 1), signal);
  const second = await skill.run(aContext(db, router, grants, 2), signal);

  assert.match(first.summary, /^2 code follow-up\(s\) waiting for approval/);
  assert.deepEqual(second.details?.proposals, first.details?.proposals, 'the second run files nothing new');
  const proposals = listProposals(db, { state: 'pending' });
  assert.equal(proposals.length, 2);
  const fix = proposals.find((proposal) => proposal.payload.task === 'Fix the add function in mathlib')!;
  assert.equal(fix.kind, 'code-edit');
  assert.equal(fix.payload.repo, repo);
  assert.deepEqual(fix.source, { kind: 'mail', messageId: '<bug@evil.test>', sender: 'mallory@evil.test', label: 'add is broken' });
  assert.match(fix.reason, /mail is untrusted/);
  assert.equal(router.calls.length, 0);
  assert.equal(branches(repo), 'refs/heads/main');
  assert.equal(existsSync(marker), false, 'the test command did not run');
  assert.deepEqual(openItems(db), ['Fix the add function in mathlib', 'Rename add in mathlib']);
});

test('a follow-up in a repository the job was not granted is not proposed', async (t) => {
  const { repo } = aMathlibRepo();
  const db = aStore();
  t.after(() => db.close());
  aStoredMessage(db, { actionItems: [{ text: 'Fix the add function in mathlib', due: null }] });
  const skill = createCodeEditSkill({ settings: { allowedRepos: [repo] } });
  const result = await skill.run(aContext(db, aScriptedRouter([]), NO_GRANTS), signal);
  assert.match(result.summary, /no follow-ups waiting for approval; 1 in repositories not granted to this job \(jobs\.follow-ups\.grants\.repositories\)/);
  assert.deepEqual(listProposals(db), []);
});

test('approving runs the edit once on its branch, tests after approval only, marks it done, never pushes', async (t) => {
  const { repo, bare, marker, testCommand } = aMathlibRepo();
  const db = aStore();
  t.after(() => db.close());
  aStoredMessage(db, { actionItems: [{ text: 'Fix the add function in mathlib', due: null }] });
  const skill = createCodeEditSkill({ settings: { allowedRepos: [repo] } });
  await skill.run(aContext(db, aScriptedRouter([]), { ...NO_GRANTS, repositories: [repo] }), signal);
  const [proposal] = listProposals(db, { state: 'pending' });
  const yaml = readFileSyncText(DEFAULT_CONFIG_PATH) + `\nskills:\n  code-edit:\n    allowedRepos: [${JSON.stringify(repo)}]\n    push: true\n    remote: origin\n    testCommand: ${JSON.stringify(testCommand)}\n`;
  const { config } = parseConfigText(yaml, { path: 'test.yaml', origin: '--config' }, {});
  const router = aScriptedRouter([anEditAnswer([{ path: 'src/math.js', content: FIXED_MATH }])]);
  const execute = createProposalExecutor({ db, dataDir: '/nonexistent', config, timeZone: 'UTC', openRouter: async () => ({ router, close: () => undefined }) });
  const remoteBefore = git(bare, 'for-each-ref');

  const approved = await decideProposal(db, proposal.id, { decision: 'approve', by: 'cli:owner', execute });
  const again = await decideProposal(db, proposal.id, { decision: 'approve', by: 'cli:owner', execute });

  assert.equal(approved.proposal.state, 'approved', approved.proposal.error ?? '');
  assert.equal(again.changed, false);
  assert.equal(router.calls.length, 1, 'one model call: the edit ran once');
  const result = approved.proposal.result as { branch: string; commit: string; pushed: boolean; tests: { passed: boolean } };
  assert.equal(git(repo, 'show', `${result.branch}:src/math.js`), FIXED_MATH.trimEnd());
  assert.equal(result.tests.passed, true);
  assert.equal(existsSync(marker), true, 'the test command ran, after approval');
  assert.equal(result.pushed, false);
  assert.equal(git(bare, 'for-each-ref'), remoteBefore, 'nothing reached the remote');
  assert.deepEqual(openItems(db), []);
  assert.equal(git(repo, 'symbolic-ref', '--short', 'HEAD'), 'main');
});

test('task is required unless followUps is true, and not both', () => {
  const skill = createCodeEditSkill({ settings: { allowedRepos: ['/tmp'] } });
  assert.throws(() => skill.checkOptions!({ repo: '/tmp' }, 'nightly'), /jobs\.nightly\.options.*task: required unless followUps: true/);
  assert.throws(() => skill.checkOptions!({ task: 'x' }, 'nightly'), /repo: required unless followUps: true/);
  assert.throws(() => skill.checkOptions!({ followUps: true, task: 'x' }, 'nightly'), /task: set either task or followUps: true, not both/);
  assert.throws(() => skill.checkOptions!({ followUps: 'yes' }, 'nightly'), /followUps/);
  assert.doesNotThrow(() => skill.checkOptions!({ followUps: true }, 'nightly'));
  assert.doesNotThrow(() => skill.checkOptions!({ repo: '/tmp', task: 'x' }, 'nightly'));
});

function readFileSyncText(path: string): string {
  return readFileSync(path, 'utf8');
}
