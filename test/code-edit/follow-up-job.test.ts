/**
 * A code-edit job with `followUps: true` takes the oldest pending code follow-up per run, marks
 * it done once committed, and succeeds with "no follow-ups" when none is pending. A follow-up
 * it gave up on stays open and is not taken by the job again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../../agent/logger.ts';
import type { ModelRouter } from '../../contracts/router.ts';
import type { Store } from '../../memory/store.ts';
import { CodeEditGaveUpError, createCodeEditSkill } from '../../skills/code-edit/index.ts';
import type { SkillContext } from '../../skills/types.ts';
import { aStore, aStoredMessage } from '../email/builders.ts';
import { aRepo, aScriptedRouter, anEditAnswer, FIXED_MATH, git, TEST_COMMAND } from './builders.ts';

/** A repository whose folder is called `mathlib`, allowed by itself. */
function aMathlibRepo(): string {
  const { allowed, root } = aRepo();
  const renamed = join(allowed, 'mathlib');
  renameSync(root, renamed);
  return renamed;
}

function aContext(db: Store, router: ModelRouter, options: Record<string, unknown>, runId = 1): SkillContext {
  return {
    job: 'follow-ups',
    skill: 'code-edit',
    runId,
    idempotencyKey: `follow-ups:slot-${runId}`,
    slot: new Date('2025-03-14T02:00:00Z'),
    options,
    db,
    dataDir: '/nonexistent',
    logger: silentLogger(),
    timezone: 'UTC',
    router,
    orchestrate: async () => {
      throw new Error('not used');
    },
    now: () => new Date('2025-03-14T02:00:05Z'),
  };
}

function openItems(db: Store): string[] {
  return (db.prepare('SELECT text FROM mail_action_items WHERE done = 0 ORDER BY id').all() as { text: string }[]).map((row) => row.text);
}

const signal = new AbortController().signal;

test('the job takes the oldest pending follow-up, commits it in its repository and marks it done', async (t) => {
  const repo = aMathlibRepo();
  const db = aStore();
  t.after(() => db.close());
  aStoredMessage(db, { sentAt: '2025-03-13T09:00:00.000Z', actionItems: [{ text: 'Rename add in mathlib', due: null }] });
  aStoredMessage(db, { subject: 'add is broken', sentAt: '2025-03-12T09:00:00.000Z', actionItems: [{ text: 'Fix the add function in mathlib', due: null }] });
  const router = aScriptedRouter([anEditAnswer([{ path: 'src/math.js', content: FIXED_MATH }])]);
  const skill = createCodeEditSkill({ settings: { allowedRepos: [repo], testCommand: TEST_COMMAND } });

  const result = await skill.run(aContext(db, router, { followUps: true }), signal);

  assert.match(result.summary, /^follow-up #\d+: committed [0-9a-f]{7} on switchboard\/follow-ups-20250314-[0-9a-f]{7} \(tests passed/);
  assert.equal(router.calls.length, 1);
  const prompt = router.calls[0].request.messages.map((message) => message.content).join('\n');
  assert.match(prompt, /Task: Fix the add function in mathlib\n/);
  assert.deepEqual(openItems(db), ['Rename add in mathlib']);
  const branch = String(result.details?.branch);
  assert.equal(git(repo, 'show', `${branch}:src/math.js`), FIXED_MATH.trimEnd());
  assert.equal(git(repo, 'symbolic-ref', '--short', 'HEAD'), 'main');
  assert.equal((result.details?.followUp as { repo: string }).repo, repo);
});

test('with nothing pending the run succeeds with "no follow-ups" and calls no model', async (t) => {
  const repo = aMathlibRepo();
  const db = aStore();
  t.after(() => db.close());
  aStoredMessage(db, { actionItems: [{ text: 'Water the plants', due: null }, { text: 'Fix the othermathlib bug', due: null }] });
  const router = aScriptedRouter([]);
  const skill = createCodeEditSkill({ settings: { allowedRepos: [repo] } });

  const result = await skill.run(aContext(db, router, { followUps: true }), signal);

  assert.equal(result.summary, 'no follow-ups');
  assert.equal(router.calls.length, 0);
  assert.equal(git(repo, 'for-each-ref', '--format=%(refname)', 'refs/heads/'), 'refs/heads/main');
});

test('a follow-up the job gave up on stays open and the next run takes the next one', async (t) => {
  const repo = aMathlibRepo();
  const db = aStore();
  t.after(() => db.close());
  aStoredMessage(db, { actionItems: [{ text: 'Make mathlib faster', due: null }, { text: 'Fix add in mathlib', due: null }] });
  const wrong = anEditAnswer([{ path: 'src/math.js', content: 'export function add() { return 1; }\n' }]);
  const skill = createCodeEditSkill({ settings: { allowedRepos: [repo], testCommand: TEST_COMMAND } });

  await assert.rejects(skill.run(aContext(db, aScriptedRouter([wrong, wrong]), { followUps: true }, 1), signal), CodeEditGaveUpError);
  assert.deepEqual(openItems(db), ['Make mathlib faster', 'Fix add in mathlib']);

  const router = aScriptedRouter([anEditAnswer([{ path: 'src/math.js', content: FIXED_MATH }])]);
  const second = await skill.run(aContext(db, router, { followUps: true }, 2), signal);
  assert.match(second.summary, /committed/);
  assert.match(router.calls[0].request.messages.map((message) => message.content).join('\n'), /Task: Fix add in mathlib\n/);
  assert.deepEqual(openItems(db), ['Make mathlib faster']);
});

test('task is required unless followUps is true, and not both', () => {
  const skill = createCodeEditSkill({ settings: { allowedRepos: ['/tmp'] } });
  assert.throws(() => skill.checkOptions!({ repo: '/tmp' }, 'nightly'), /jobs\.nightly\.options.*task: required unless followUps: true/);
  assert.throws(() => skill.checkOptions!({ task: 'x' }, 'nightly'), /repo: required unless followUps: true/);
  assert.throws(() => skill.checkOptions!({ followUps: true, task: 'x' }, 'nightly'), /task: set either task or followUps: true, not both/);
  assert.throws(() => skill.checkOptions!({ followUps: 'yes' }, 'nightly'), /followUps/);
  assert.doesNotThrow(() => skill.checkOptions!({ followUps: true }, 'nightly'));
  assert.doesNotThrow(() => skill.checkOptions!({ followUps: true, repo: '/tmp' }, 'nightly'));
  assert.doesNotThrow(() => skill.checkOptions!({ repo: '/tmp', task: 'x' }, 'nightly'));
});
