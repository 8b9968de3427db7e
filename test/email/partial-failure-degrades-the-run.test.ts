/**
 * Mail extraction reports its failed parts the shared way (skills/problems.ts): a message whose
 * extraction failed while others were extracted, an outage that stopped the run before a
 * message, or an account that could not be reached while another was read, makes the run
 * `degraded` with the part named; when nothing at all worked the run is `failed`. Real model
 * calls through the router to the loopback simulator; a real refused TCP connection for the
 * unreachable account.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { readWatermark } from '../../memory/extractions.ts';
import { openImapMailbox } from '../../skills/email-extract/imap-source.ts';
import { createEmailExtractSkill } from '../../skills/email-extract/skill.ts';
import type { MailSession, OpenMailbox } from '../../skills/email-extract/types.ts';
import type { ResponderRequest, ScriptStep } from '../../agent/simulator/types.ts';
import { useSimulator } from '../helpers/simulator.ts';
import { aSimulatedRouter, problemParts, runSkillOnce, SIMULATED_MODEL } from '../helpers/partial-runs.ts';
import { anExtractionJson, aRawMessage, aStore } from './builders.ts';

const simulator = useSimulator();

/** A mailbox of `subjects` (UIDs 1..n, UIDVALIDITY 7) served from memory. */
function aMailbox(subjects: string[]): OpenMailbox {
  const sources = subjects.map((subject) => Buffer.from(aRawMessage({ subject, messageId: `<${subject.replace(/\W/g, '')}@x>` })));
  return async (): Promise<MailSession> => ({
    open: async (path) => ({ path, uidValidity: '7' }),
    listAfter: async (afterUid) => sources.map((source, index) => ({ uid: index + 1, size: source.length })).filter((entry) => entry.uid > afterUid),
    fetchMessages: async (entries) => entries.map((entry) => ({ uid: entry.uid, size: entry.size, source: sources[entry.uid - 1], oversized: false })),
    close: async () => {},
  });
}

/** Answers every extraction, except `fault` for a message whose subject is in `failing`. */
function answerExcept(failing: string[], fault: ScriptStep) {
  return (request: ResponderRequest): ScriptStep => {
    const subject = /^Subject: (.*)$/m.exec(request.promptText)?.[1] ?? '';
    return failing.includes(subject) ? fault : { json: JSON.parse(anExtractionJson({ summary: `About ${subject}` })) };
  };
}

const account = { host: 'unused', port: 993, secure: true, user: 'u', password: 'p', mailboxes: ['INBOX'], allowInsecure: false };

test('a message the model refuses while the others are extracted: degraded, the message named, the mailbox moved on', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  simulator.current.setResponder(SIMULATED_MODEL, answerExcept(['Too long'], { fault: 'context_too_long' }));
  const skill = createEmailExtractSkill({ accounts: { work: account }, openMailbox: aMailbox(['First', 'Too long', 'Third']) });

  const run = await runSkillOnce(db, skill, {}, aSimulatedRouter(simulator.current, db));

  assert.equal(run.status, 'degraded', run.error ?? '');
  assert.deepEqual(problemParts(run), [['message:work/INBOX/7/2', 'context_too_long']]);
  assert.match(run.error ?? '', /1 part\(s\) failed: message:work\/INBOX\/7\/2 \(context_too_long\)/);
  const rows = db.prepare('SELECT uid, status FROM mail_extractions ORDER BY uid').all() as Array<{ uid: number; status: string }>;
  assert.deepEqual(rows.map((row) => [row.uid, row.status]), [[1, 'extracted'], [2, 'failed'], [3, 'extracted']]);
  assert.equal(readWatermark(db, 'work', 'INBOX')?.lastUid, 3);
});

test('the model service fails on a later message: degraded, that message named, the watermark before it for the next run', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  simulator.current.setResponder(SIMULATED_MODEL, answerExcept(['Unlucky'], { fault: 'server' }));
  const skill = createEmailExtractSkill({ accounts: { work: account }, openMailbox: aMailbox(['First', 'Unlucky', 'Never reached']) });

  const run = await runSkillOnce(db, skill, {}, aSimulatedRouter(simulator.current, db));

  assert.equal(run.status, 'degraded', run.error ?? '');
  assert.deepEqual(problemParts(run), [['message:work/INBOX/7/2', 'server']]);
  assert.equal(readWatermark(db, 'work', 'INBOX')?.lastUid, 1, 'the next run starts at the message the outage stopped');
  const failedCalls = db.prepare(`SELECT COUNT(*) AS count FROM calls WHERE outcome = 'error' AND error_kind = 'server'`).get() as { count: number };
  assert.ok(failedCalls.count >= 1, 'the real 500s are in the ledger');
});

test('an outage stops the run: the accounts after it are named as not read', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  simulator.current.setResponder(SIMULATED_MODEL, answerExcept(['Unlucky'], { fault: 'server' }));
  const mailboxes: Record<string, OpenMailbox> = { first: aMailbox(['Fine']), second: aMailbox(['Unlucky']), third: aMailbox(['Later']) };
  const openMailbox: OpenMailbox = (mailAccount, signal) => mailboxes[mailAccount.name](mailAccount, signal);
  const skill = createEmailExtractSkill({ accounts: { first: account, second: account, third: account }, openMailbox });

  const run = await runSkillOnce(db, skill, {}, aSimulatedRouter(simulator.current, db));

  assert.equal(run.status, 'degraded', run.error ?? '');
  assert.deepEqual(problemParts(run), [
    ['message:second/INBOX/7/1', 'server'],
    ['account:third', 'not_read'],
  ]);
  assert.equal(readWatermark(db, 'third', 'INBOX'), undefined, 'the third account was not touched');
});

test('every message fails: the run is failed, not degraded', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  simulator.current.setResponder(SIMULATED_MODEL, answerExcept(['One', 'Two'], { fault: 'server' }));
  const skill = createEmailExtractSkill({ accounts: { work: account }, openMailbox: aMailbox(['One', 'Two']) });

  const run = await runSkillOnce(db, skill, {}, aSimulatedRouter(simulator.current, db));

  assert.equal(run.status, 'failed');
  assert.match(run.error ?? '', /server/);
  assert.equal(readWatermark(db, 'work', 'INBOX')?.lastUid, 0);
});

test('every message refused: failed, with each message named on the row', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  simulator.current.setResponder(SIMULATED_MODEL, answerExcept(['One', 'Two'], { fault: 'context_too_long' }));
  const skill = createEmailExtractSkill({ accounts: { work: account }, openMailbox: aMailbox(['One', 'Two']) });

  const run = await runSkillOnce(db, skill, {}, aSimulatedRouter(simulator.current, db));

  assert.equal(run.status, 'failed');
  assert.deepEqual(problemParts(run), [
    ['message:work/INBOX/7/1', 'context_too_long'],
    ['message:work/INBOX/7/2', 'context_too_long'],
  ]);
});

/** A loopback port nothing listens on: connecting to it is refused. */
async function aClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('one account cannot be reached while another is read: degraded, the account named', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  simulator.current.setResponder(SIMULATED_MODEL, answerExcept([], { fault: 'server' }));
  const down = { host: '127.0.0.1', port: await aClosedPort(), secure: false, allowInsecure: true, user: 'u', password: 'p', mailboxes: ['INBOX'] };
  const home = aMailbox(['Hello']);
  // The reachable account is served from memory; the other goes to the real IMAP client.
  const openMailbox: OpenMailbox = (mailAccount, signal) => (mailAccount.name === 'down' ? openImapMailbox(mailAccount, signal) : home(mailAccount, signal));
  const skill = createEmailExtractSkill({ accounts: { down, home: account }, openMailbox });

  const run = await runSkillOnce(db, skill, {}, aSimulatedRouter(simulator.current, db));

  assert.equal(run.status, 'degraded', run.error ?? '');
  assert.deepEqual(problemParts(run), [['account:down', 'unreachable']]);
  assert.match((run.result as { summary: string }).summary, /1 new message/);

  const alone = createEmailExtractSkill({ accounts: { down }, openMailbox });
  const failed = await runSkillOnce(db, alone, {}, aSimulatedRouter(simulator.current, db), { job: 'down-only' });
  assert.equal(failed.status, 'failed');
  assert.deepEqual(problemParts(failed), [['account:down', 'unreachable']]);
  assert.match(failed.error ?? '', /account:down \(unreachable\)/);
});
