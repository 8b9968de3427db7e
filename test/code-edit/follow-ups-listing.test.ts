/**
 * Code follow-ups: open action items from mail whose text names an allowed repository's folder
 * as a whole word. Done items, repositories outside the allowlist and near-miss words are not
 * follow-ups; the task text is capped and cleaned.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  getCodeFollowUp,
  listCodeFollowUps,
  markFollowUpDone,
  MAX_FOLLOW_UP_TASK_CHARS,
  repoNamedIn,
} from '../../skills/code-edit/follow-ups.ts';
import { aStore, aStoredMessage } from '../email/builders.ts';

const MATHLIB = '/home/user/code/mathlib';
const WEBSITE = '/home/user/code/Website';

function actionIds(db: ReturnType<typeof aStore>): Map<string, number> {
  const rows = db.prepare('SELECT id, text FROM mail_action_items ORDER BY id').all() as { id: number; text: string }[];
  return new Map(rows.map((row) => [row.text, row.id]));
}

test('open action items naming an allowed repository are listed oldest mail first, with subject and sender', (t) => {
  const db = aStore();
  t.after(() => db.close());
  aStoredMessage(db, {
    subject: 'Bug report',
    fromName: 'Bob',
    sentAt: '2025-03-13T09:00:00.000Z',
    actionItems: [
      { text: 'Fix the rounding bug in MathLib.', due: null },
      { text: 'Reply to Bob', due: null },
    ],
  });
  aStoredMessage(db, {
    subject: 'Site',
    fromName: null,
    fromAddress: 'carol@example.com',
    sentAt: '2025-03-12T09:00:00.000Z',
    actionItems: [{ text: 'Update the footer on the website', due: '2025-03-20' }],
  });
  const ids = actionIds(db);

  assert.deepEqual(listCodeFollowUps(db, [MATHLIB, WEBSITE]), [
    {
      id: ids.get('Update the footer on the website'),
      repo: WEBSITE,
      task: 'Update the footer on the website',
      subject: 'Site',
      from: 'carol@example.com',
      messageId: '<home-2@example.com>',
      fromAddress: 'carol@example.com',
    },
    {
      id: ids.get('Fix the rounding bug in MathLib.'),
      repo: MATHLIB,
      task: 'Fix the rounding bug in MathLib.',
      subject: 'Bug report',
      from: 'Bob',
      messageId: '<home-1@example.com>',
      fromAddress: 'alice@example.com',
    },
  ]);
});

test('done items, repositories outside the allowlist and no allowlist at all give nothing', (t) => {
  const db = aStore();
  t.after(() => db.close());
  aStoredMessage(db, { actionItems: [{ text: 'Fix mathlib tests', due: null }, { text: 'Deploy the website', due: null }] });
  const ids = actionIds(db);
  markFollowUpDone(db, ids.get('Fix mathlib tests')!);

  assert.deepEqual(listCodeFollowUps(db, [MATHLIB]), []);
  assert.deepEqual(
    listCodeFollowUps(db, [MATHLIB, WEBSITE]).map((followUp) => followUp.task),
    ['Deploy the website'],
  );
  assert.deepEqual(listCodeFollowUps(db, []), []);
  assert.equal(getCodeFollowUp(db, ids.get('Fix mathlib tests')!, [MATHLIB]), undefined, 'a done item is not pending');
  assert.equal(getCodeFollowUp(db, ids.get('Deploy the website')!, [MATHLIB]), undefined, 'a repository outside the allowlist');
  assert.equal(getCodeFollowUp(db, 9999, [MATHLIB, WEBSITE]), undefined, 'an unknown id');
  assert.equal(getCodeFollowUp(db, ids.get('Deploy the website')!, [WEBSITE])?.repo, WEBSITE);
});

test('the folder name must stand as a whole word, case-insensitive', () => {
  assert.equal(repoNamedIn('please fix MATHLIB', [MATHLIB]), MATHLIB);
  assert.equal(repoNamedIn('see ~/code/mathlib/README.md', [MATHLIB]), MATHLIB);
  assert.equal(repoNamedIn('"mathlib": bump the version', [MATHLIB]), MATHLIB);
  assert.equal(repoNamedIn('fix mathlibs', [MATHLIB]), undefined);
  assert.equal(repoNamedIn('fix the supermathlib', [MATHLIB]), undefined);
  assert.equal(repoNamedIn('fix mathlib-extra', [MATHLIB]), undefined);
  assert.equal(repoNamedIn('fix old_mathlib', [MATHLIB]), undefined);
  // Regular-expression characters in a folder name are literal.
  assert.equal(repoNamedIn('bump c++ code', ['/src/c++']), '/src/c++');
  assert.equal(repoNamedIn('bump cxx code', ['/src/c.x']), undefined);
});

test('a near-miss word does not make an item a follow-up, even when the substring matches', (t) => {
  const db = aStore();
  t.after(() => db.close());
  aStoredMessage(db, { actionItems: [{ text: 'Check the websites list', due: null }, { text: 'Ship mathlib 2.0', due: null }] });
  assert.deepEqual(
    listCodeFollowUps(db, [MATHLIB, WEBSITE]).map((followUp) => followUp.task),
    ['Ship mathlib 2.0'],
  );
});

test('the task is cleaned of control characters and capped in length', (t) => {
  const db = aStore();
  t.after(() => db.close());
  const long = `Fix mathlib:\u0007\u202e ${'x'.repeat(2_000)}`;
  aStoredMessage(db, { actionItems: [{ text: long, due: null }] });
  const [followUp] = listCodeFollowUps(db, [MATHLIB]);
  assert.equal(followUp.task.length, MAX_FOLLOW_UP_TASK_CHARS);
  assert.match(followUp.task, /^Fix mathlib: x+$/);
});

test('markFollowUpDone marks one item and says whether it existed', (t) => {
  const db = aStore();
  t.after(() => db.close());
  aStoredMessage(db, { actionItems: [{ text: 'Fix mathlib', due: null }, { text: 'Lint mathlib', due: null }] });
  const ids = actionIds(db);
  assert.equal(markFollowUpDone(db, ids.get('Fix mathlib')!), true);
  assert.equal(markFollowUpDone(db, 9999), false);
  assert.deepEqual(listCodeFollowUps(db, [MATHLIB]).map((followUp) => followUp.task), ['Lint mathlib']);
});
