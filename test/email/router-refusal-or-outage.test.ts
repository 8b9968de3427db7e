import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckFailedError } from '../../skills/escalation.ts';
import { ProviderError } from '../../contracts/provider-error.ts';
import { ChainError, type AttemptError } from '../../contracts/chain-error.ts';
import type { ErrorKind } from '../../contracts/types.ts';
import { readWatermark } from '../../memory/extractions.ts';
import { createEmailExtractSkill, isMessageFault } from '../../skills/email-extract/skill.ts';
import type { MailSession, OpenMailbox } from '../../skills/email-extract/types.ts';
import { aFakeRouter, anExtractionJson, aRawMessage, aSkillContext, aStore, subjectOf } from './builders.ts';

function anAttempt(kind: ErrorKind, model = 'm1'): AttemptError {
  return { callId: 1, model, provider: 'p', kind, message: `${kind} from ${model}` };
}

/** A chain the way the router ends one: a refusal stops it (`stoppedBy`), anything else runs it dry. */
function aChain(kinds: ErrorKind[], stopped = false): ChainError {
  const attempts = kinds.map((kind, index) => anAttempt(kind, `m${index + 1}`));
  return new ChainError('orchestration', attempts, stopped ? attempts.at(-1) : undefined);
}

function aMailbox(subjects: string[]): OpenMailbox {
  const sources = subjects.map((subject) => Buffer.from(aRawMessage({ subject, messageId: `<${subject}@x>` })));
  return async (): Promise<MailSession> => ({
    open: async (path) => ({ path, uidValidity: '7' }),
    listAfter: async (afterUid) => sources.map((source, index) => ({ uid: index + 1, size: source.length })).filter((entry) => entry.uid > afterUid),
    fetchMessages: async (entries) => entries.map((entry) => ({ uid: entry.uid, size: entry.size, source: sources[entry.uid - 1], oversized: false })),
    close: async () => {},
  });
}

const account = { host: 'unused', port: 993, secure: true, user: 'u', password: 'p', mailboxes: ['INBOX'], allowInsecure: false };

test('a chain the router stopped on a refusal is the message\u2019s fault, even after an earlier outage', () => {
  assert.equal(isMessageFault(aChain(['content_filtered'], true)), true);
  assert.equal(isMessageFault(aChain(['bad_request'], true)), true);
  assert.equal(isMessageFault(aChain(['overloaded', 'server', 'content_filtered'], true)), true, 'the refusal ended the chain');
  assert.equal(isMessageFault(aChain(['context_too_long', 'context_too_long'])), true, 'too long even for large-context');
});

test('a chain that ran dry on outages, stopped on the budget, or never made an attempt is not', () => {
  assert.equal(isMessageFault(aChain(['rate_limited', 'overloaded'])), false);
  assert.equal(isMessageFault(aChain(['context_too_long', 'server'])), false, 'moved to large-context, which was down');
  assert.equal(isMessageFault(aChain(['budget_exceeded'], true)), false);
  assert.equal(isMessageFault(aChain(['auth', 'auth'])), false);
  assert.equal(isMessageFault(new ChainError('orchestration', [])), false, 'every breaker open');
});

test('a provider error by kind, a failed check always, anything else never', () => {
  const providerError = (kind: ErrorKind) => new ProviderError({ kind, message: kind, provider: 'p', model: 'm' });
  assert.equal(isMessageFault(providerError('content_filtered')), true);
  assert.equal(isMessageFault(providerError('timeout')), false);
  assert.equal(isMessageFault(new CheckFailedError(['schema mismatch'])), true);
  assert.equal(isMessageFault(Object.assign(new Error('looks like a refusal'), { kind: 'content_filtered' })), false, 'only the router\u2019s classified errors count');
  assert.equal(isMessageFault(undefined), false);
});

test('through the skill: a refused message is stored as failed, an outage stops the run before its message', async () => {
  const db = aStore();
  let outage = true;
  const router = aFakeRouter((routed) => {
    if (subjectOf(routed) === 'Refused') throw aChain(['server', 'content_filtered'], true);
    if (subjectOf(routed) === 'Unlucky' && outage) throw aChain(['overloaded', 'timeout']);
    return anExtractionJson();
  });
  const skill = createEmailExtractSkill({ accounts: { bank: account }, openMailbox: aMailbox(['Refused', 'Unlucky']) });

  await assert.rejects(skill.run(aSkillContext(db, router), new AbortController().signal), (error) => error instanceof ChainError && error.kind === 'timeout');
  assert.equal(readWatermark(db, 'bank', 'INBOX')?.lastUid, 1, 'the refused message moved the watermark; the outage did not');
  outage = false;
  await skill.run(aSkillContext(db, router), new AbortController().signal);

  const rows = db.prepare('SELECT subject, status, error FROM mail_extractions ORDER BY uid').all() as { subject: string; status: string; error: string | null }[];
  assert.deepEqual(rows.map((row) => [row.subject, row.status]), [['Refused', 'failed'], ['Unlucky', 'extracted']]);
  assert.match(rows[0].error ?? '', /m2 refused the request \(content_filtered\)/);
  db.close();
});
