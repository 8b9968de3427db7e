/**
 * The Repositories section lists pending code follow-ups (at most 5, oldest first) with the
 * command that runs each, escaped like the rest of the briefing; the source is wired from
 * config exactly when code-edit has allowed repositories.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../../config/schema.ts';
import { createCodeFollowUpSource } from '../../skills/briefing/code-follow-up-source.ts';
import { briefingDepsFromConfig } from '../../skills/briefing/from-config.ts';
import { renderBriefing } from '../../skills/briefing/render.ts';
import { sampleBriefing } from '../../skills/briefing/sample.ts';
import { createBriefingSkill } from '../../skills/briefing/skill.ts';
import { aStoredMessage } from '../email/builders.ts';
import { aContext, aJobRun, aRecordingDelivery, aStore, NOW } from './builders.ts';

const TZ = 'Europe/Berlin';
const MATHLIB = '/home/user/code/mathlib';

function idOf(db: ReturnType<typeof aStore>, text: string): number {
  return (db.prepare('SELECT id FROM mail_action_items WHERE text = ?').get(text) as { id: number }).id;
}

test('pending follow-ups are listed under Repositories with the command to run each', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  aStoredMessage(db, { subject: 'Bug in add', fromName: 'Bob', sentAt: '2025-05-04T08:00:00.000Z', actionItems: [{ text: 'Fix add in mathlib', due: null }, { text: 'Call Bob', due: null }] }, TZ, NOW);
  aStoredMessage(db, { subject: 'Done already', sentAt: '2025-05-03T08:00:00.000Z', actionItems: [{ text: 'Bump mathlib version', due: null }] }, TZ, NOW);
  db.prepare("UPDATE mail_action_items SET done = 1 WHERE text = 'Bump mathlib version'").run();
  const id = idOf(db, 'Fix add in mathlib');
  const delivery = aRecordingDelivery();

  const result = await createBriefingSkill({ delivery, codeFollowUps: createCodeFollowUpSource([MATHLIB]) }).run(aContext(db), AbortSignal.timeout(5000));

  assert.equal((result.details?.sections as Record<string, string>).code, 'ok');
  const { text, html } = delivery.sent[0];
  assert.match(text, new RegExp(`Repositories\\n-+\\nFollow-ups from mail:\\n- mathlib: Fix add in mathlib \\(Bug in add\\)\\n  run: switchboard code --follow-up ${id}\\n`));
  assert.doesNotMatch(text, /Bump mathlib version|Call Bob/);
  assert.match(html, new RegExp(`<code[^>]*>switchboard code --follow-up ${id}</code>`));
  assert.match(html, />Fix add in mathlib</);
});

test('the latest code-edit run and the follow-ups share the section; at most 5 follow-ups are shown', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  aStoredMessage(db, { actionItems: Array.from({ length: 7 }, (_, index) => ({ text: `Task ${index + 1} for mathlib`, due: null })) }, TZ, NOW);
  aJobRun(db, { job: 'nightly-code', skill: 'code-edit', status: 'succeeded', endedAt: '2025-05-05T02:00:00.000Z', result: { summary: 'committed abc1234 on switchboard/x', details: { highlights: ['tests passed (npm test)'] } } });
  const delivery = aRecordingDelivery();

  await createBriefingSkill({ delivery, codeFollowUps: createCodeFollowUpSource([MATHLIB]) }).run(aContext(db), AbortSignal.timeout(5000));

  const { text } = delivery.sent[0];
  assert.match(text, /Repositories\n-+\ncommitted abc1234 on switchboard\/x\n- tests passed \(npm test\)\n\(nightly-code, [^)]+\)\nFollow-ups from mail:\n/);
  assert.equal(text.match(/run: switchboard code --follow-up \d+/g)?.length, 5);
  assert.match(text, /Task 5 for mathlib/);
  assert.doesNotMatch(text, /Task 6 for mathlib/);
});

test('with no run and no follow-up the section is one line saying so', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  aStoredMessage(db, { actionItems: [{ text: 'Water the plants', due: null }] }, TZ, NOW);
  const delivery = aRecordingDelivery();
  const result = await createBriefingSkill({ delivery, codeFollowUps: createCodeFollowUpSource([MATHLIB]) }).run(aContext(db), AbortSignal.timeout(5000));
  assert.equal((result.details?.sections as Record<string, string>).code, 'skipped');
  assert.match(delivery.sent[0].text, /^Repositories: no code edit and no follow-up in the last 48 h\.$/m);
  assert.doesNotMatch(delivery.sent[0].text, /^Repositories\n-+/m);
});

test('hostile follow-up text is escaped in HTML and flattened in text', () => {
  const { html, text } = renderBriefing(
    sampleBriefing({
      code: {
        status: 'ok',
        data: { followUps: [{ id: 12, repo: 'mathlib', task: 'Fix <script>alert(1)</script>\nin mathlib', from: 'Eve <eve@example.com>', subject: '"urgent" & <b>', command: 'switchboard code --follow-up 12' }] },
      },
    }),
  );
  assert.doesNotMatch(html, /<script>|<b>/);
  assert.match(html, /Fix &lt;script&gt;alert\(1\)&lt;\/script&gt; in mathlib/);
  assert.match(html, /&quot;urgent&quot; &amp; &lt;b&gt;/);
  assert.match(text, /- mathlib: Fix <script>alert\(1\)<\/script> in mathlib \("urgent" & <b>\)\n  run: switchboard code --follow-up 12\n/);
});

test('from config, follow-ups are read exactly when code-edit has allowed repositories', () => {
  const base = {
    providers: { p: { api: 'openai', keyless: true } },
    models: { m: { provider: 'p', contextWindow: 1000, maxOutputTokens: 100, prices: [{ input: 1, output: 1 }] } },
    tiers: { orchestration: ['m'], execution: ['m'], reasoning: ['m'], 'large-context': ['m'] },
    flagship: 'm',
  };
  assert.ok(briefingDepsFromConfig(configSchema.parse({ ...base, skills: { 'code-edit': { allowedRepos: [MATHLIB] } } }), '/nonexistent').codeFollowUps);
  assert.equal(briefingDepsFromConfig(configSchema.parse({ ...base, skills: { 'code-edit': { allowedRepos: [] } } }), '/nonexistent').codeFollowUps, undefined);
  assert.equal(briefingDepsFromConfig(configSchema.parse(base), '/nonexistent').codeFollowUps, undefined);
});
