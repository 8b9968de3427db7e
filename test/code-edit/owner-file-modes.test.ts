/**
 * The daemon runs with umask 077 (its data is private), but files a code edit writes in the
 * owner's repository, or git rewrites there on checkout, get the owner's modes (0666 less the
 * owner's umask): a committed edit does not leave 0600 files in the working tree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCodeEdit } from '../../skills/code-edit/run-code-edit.ts';
import { aRepo, aScriptedRouter, anEditAnswer, FIXED_MATH, git, TEST_COMMAND } from './builders.ts';

test('under umask 077, files the edit touched keep the owner-umask modes in the working tree', async () => {
  const { allowed, root } = aRepo();
  chmodSync(join(root, 'src/math.js'), 0o644);
  const kept = (globalThis as { switchboardOwnerUmask?: number }).switchboardOwnerUmask;
  (globalThis as { switchboardOwnerUmask?: number }).switchboardOwnerUmask = 0o022;
  const previous = process.umask(0o077);
  try {
    const router = aScriptedRouter([anEditAnswer([{ path: 'src/math.js', content: FIXED_MATH }, { path: 'src/new-helper.js', content: 'export const one = 1;\n' }])]);
    const outcome = await runCodeEdit(
      { router, now: () => new Date('2025-03-14T09:00:00Z') },
      { repo: root, task: 'Fix add and add a helper', job: 'fix-math', allowedRepos: [allowed], testCommand: TEST_COMMAND, idempotencyKey: 'modes:1' },
    );
    assert.equal(outcome.status, 'committed');
    // Back on main, git rewrote src/math.js (the branch had changed it).
    assert.equal(git(root, 'symbolic-ref', '--short', 'HEAD'), 'main');
    assert.equal(statSync(join(root, 'src/math.js')).mode & 0o777, 0o644);
  } finally {
    process.umask(previous);
    (globalThis as { switchboardOwnerUmask?: number }).switchboardOwnerUmask = kept;
  }
});
