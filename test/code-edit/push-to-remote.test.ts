import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeEditRefusedError, runCodeEdit } from '../../skills/code-edit/run-code-edit.ts';
import { aRepo, aScriptedRouter, anEditAnswer, FIXED_MATH, git, repoState, TEST_COMMAND } from './builders.ts';

const NOW = () => new Date('2025-03-14T09:00:00Z');

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

test('when push is configured the new branch is pushed to the remote, and main there is untouched', async () => {
  const { allowed, root, bare } = aRepoWithRemote();
  const remoteMain = git(bare, 'rev-parse', 'main');
  const router = aScriptedRouter([anEditAnswer([{ path: 'src/math.js', content: FIXED_MATH }])]);
  const outcome = await runCodeEdit(
    { router, now: NOW },
    { repo: root, task: 'Fix add', job: 'fix-math', allowedRepos: [allowed], testCommand: TEST_COMMAND, push: true, remote: 'origin' },
  );
  assert.equal(outcome.status, 'committed');
  assert.equal(outcome.pushed, true);
  assert.equal(git(bare, 'rev-parse', outcome.branch), outcome.commit);
  assert.equal(git(bare, 'rev-parse', 'main'), remoteMain);
  assert.equal(git(bare, 'for-each-ref', '--format=%(refname)', 'refs/heads/').split('\n').length, 2);
});

test('without push configured nothing reaches the remote', async () => {
  const { allowed, root, bare } = aRepoWithRemote();
  const before = git(bare, 'for-each-ref');
  const router = aScriptedRouter([anEditAnswer([{ path: 'src/math.js', content: FIXED_MATH }])]);
  const outcome = await runCodeEdit({ router, now: NOW }, { repo: root, task: 'Fix add', job: 'fix-math', allowedRepos: [allowed], remote: 'origin' });
  assert.equal(outcome.status, 'committed');
  assert.equal(outcome.pushed, false);
  assert.equal(git(bare, 'for-each-ref'), before);
});

test('a remote ahead of the local branch is fetched and the work starts from it, the local branch unmoved', async () => {
  const { allowed, root, bare } = aRepoWithRemote();
  const other = join(allowed, 'other-clone');
  git(allowed, 'clone', '--quiet', bare, other);
  git(other, 'config', 'user.name', 'Other');
  git(other, 'config', 'user.email', 'other@example.com');
  writeFileSync(join(other, 'CHANGELOG.md'), 'upstream change\n');
  git(other, 'add', 'CHANGELOG.md');
  git(other, 'commit', '--quiet', '-m', 'Upstream change');
  git(other, 'push', '--quiet', 'origin', 'main');
  const upstream = git(other, 'rev-parse', 'HEAD');
  const localMain = git(root, 'rev-parse', 'main');

  const router = aScriptedRouter([anEditAnswer([{ path: 'src/math.js', content: FIXED_MATH }])]);
  const outcome = await runCodeEdit({ router, now: NOW }, { repo: root, task: 'Fix add', job: 'fix-math', allowedRepos: [allowed], remote: 'origin' });
  assert.equal(outcome.status, 'committed');
  assert.equal(git(root, 'rev-parse', `${outcome.branch}^`), upstream);
  assert.equal(git(root, 'rev-parse', 'main'), localMain);
  assert.equal(git(root, 'status', '--porcelain'), '');
});

test('pushing to main is refused and neither the repository nor the remote changes', async () => {
  const { allowed, root, bare } = aRepoWithRemote();
  git(root, 'checkout', '--quiet', '-b', 'trunk');
  git(root, 'branch', '-D', '--quiet', 'main');
  const before = repoState(root);
  const remoteBefore = git(bare, 'for-each-ref');
  const router = aScriptedRouter([anEditAnswer([{ path: 'src/math.js', content: FIXED_MATH }])]);
  await assert.rejects(
    runCodeEdit({ router, now: NOW }, { repo: root, task: 'Fix add', job: 'fix-math', allowedRepos: [allowed], push: true, branch: 'main' }),
    (error: unknown) => error instanceof CodeEditRefusedError && /protected branch main/.test(error.message),
  );
  assert.equal(router.calls.length, 0);
  assert.deepEqual(repoState(root), before);
  assert.equal(git(bare, 'for-each-ref'), remoteBefore);
});

test('a rejected push keeps the tested commit and reports the error; it never forces', async () => {
  const { allowed, root, bare } = aRepoWithRemote();
  const branch = 'switchboard/taken';
  // The remote already has this branch with unrelated history: a non-forced push must fail.
  const other = join(allowed, 'other-clone');
  git(allowed, 'clone', '--quiet', bare, other);
  git(other, 'config', 'user.name', 'Other');
  git(other, 'config', 'user.email', 'other@example.com');
  git(other, 'checkout', '--quiet', '-b', branch);
  writeFileSync(join(other, 'theirs.txt'), 'theirs\n');
  git(other, 'add', 'theirs.txt');
  git(other, 'commit', '--quiet', '-m', 'Theirs');
  git(other, 'push', '--quiet', 'origin', branch);
  const theirs = git(bare, 'rev-parse', branch);

  const router = aScriptedRouter([anEditAnswer([{ path: 'src/math.js', content: FIXED_MATH }])]);
  const outcome = await runCodeEdit({ router, now: NOW }, { repo: root, task: 'Fix add', job: 'fix-math', allowedRepos: [allowed], push: true, branch });
  assert.equal(outcome.status, 'committed');
  assert.equal(outcome.pushed, false);
  assert.match(outcome.pushError ?? '', /rejected|non-fast-forward|fetch first/);
  assert.equal(git(bare, 'rev-parse', branch), theirs);
  assert.equal(git(root, 'rev-parse', branch), outcome.commit);
});
