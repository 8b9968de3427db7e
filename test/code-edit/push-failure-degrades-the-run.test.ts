/**
 * Code-edit reports its failed part the shared way: when the tested commit is made but the
 * push to the remote is rejected, the run is `degraded` with the push named (the commit stays);
 * a push that works leaves the run `succeeded`. Real git repositories in a temp folder, the
 * skill run through the real job executor.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCodeEditSkill } from '../../skills/code-edit/index.ts';
import { openStore } from '../../memory/store.ts';
import { problemParts, runSkillOnce } from '../helpers/partial-runs.ts';
import { aRepo, aScriptedRouter, anEditAnswer, FIXED_MATH, git, TEST_COMMAND } from './builders.ts';

/** A repository whose `origin` is a local bare repository holding its `main`. */
function aRepoWithRemote(): { allowed: string; root: string; bare: string } {
  const { allowed, root } = aRepo();
  const bare = join(allowed, 'remote.git');
  git(allowed, 'init', '--quiet', '--bare', '-b', 'main', bare);
  git(root, 'remote', 'add', 'origin', bare);
  git(root, 'push', '--quiet', 'origin', 'main');
  git(root, 'branch', '--quiet', '--set-upstream-to=origin/main', 'main');
  return { allowed, root, bare };
}

/** Someone else already pushed `branch` with unrelated history: a non-forced push of it must fail. */
function takeBranchOnRemote(allowed: string, bare: string, branch: string): void {
  const other = join(allowed, 'other-clone');
  git(allowed, 'clone', '--quiet', bare, other);
  git(other, 'config', 'user.name', 'Other');
  git(other, 'config', 'user.email', 'other@example.com');
  git(other, 'checkout', '--quiet', '-b', branch);
  writeFileSync(join(other, 'theirs.txt'), 'theirs\n');
  git(other, 'add', 'theirs.txt');
  git(other, 'commit', '--quiet', '-m', 'Theirs');
  git(other, 'push', '--quiet', 'origin', branch);
}

function optionsFor(root: string, branch: string): Record<string, unknown> {
  return { repo: root, task: 'Fix add', testCommand: TEST_COMMAND, push: true, remote: 'origin', branch };
}

test('the commit is made but the push is rejected: degraded, the push named, the commit kept', async (t) => {
  const db = openStore(':memory:');
  t.after(() => db.close());
  const { allowed, root, bare } = aRepoWithRemote();
  const branch = 'switchboard/taken';
  takeBranchOnRemote(allowed, bare, branch);
  const skill = createCodeEditSkill({ settings: { allowedRepos: [allowed] } });

  const run = await runSkillOnce(db, skill, optionsFor(root, branch), aScriptedRouter([anEditAnswer([{ path: 'src/math.js', content: FIXED_MATH }])]), { job: 'fix-math' });

  assert.equal(run.status, 'degraded', run.error ?? '');
  assert.deepEqual(problemParts(run), [['push:origin', 'push_failed']]);
  const details = (run.result as { details: { commit: string } }).details;
  assert.equal(git(root, 'rev-parse', branch), details.commit, 'the tested commit stays on the branch');
});

test('the push works: succeeded, no problems', async (t) => {
  const db = openStore(':memory:');
  t.after(() => db.close());
  const { allowed, root, bare } = aRepoWithRemote();
  const skill = createCodeEditSkill({ settings: { allowedRepos: [allowed] } });

  const run = await runSkillOnce(db, skill, optionsFor(root, 'switchboard/fresh'), aScriptedRouter([anEditAnswer([{ path: 'src/math.js', content: FIXED_MATH }])]), { job: 'fix-math' });

  assert.equal(run.status, 'succeeded', run.error ?? '');
  assert.deepEqual(problemParts(run), []);
  assert.equal(git(bare, 'rev-parse', 'switchboard/fresh'), (run.result as { details: { commit: string } }).details.commit);
});
