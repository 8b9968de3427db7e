/**
 * A redelivered copy of a mail (same Message-ID and body, new Received headers, another UID or
 * folder) is recognised and not extracted twice: no second model call, no second row, no
 * second set of action items. A mail that only borrows a Message-ID, with another body, is
 * still read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEmailExtractSkill } from '../../skills/email-extract/skill.ts';
import { identityHash } from '../../skills/email-extract/parse.ts';
import type { MailSession, OpenMailbox } from '../../skills/email-extract/types.ts';
import { aFakeRouter, anExtractionJson, aRawMessage, aSkillContext, aStore } from '../email/builders.ts';

const ORIGINAL = aRawMessage({
  subject: 'Invoice 2041',
  messageId: '<invoice-2041@billing.example>',
  body: 'Please pay 120 EUR by 31 March.',
  headers: [],
});

/** The same mail as another delivery writes it: new trace headers on top, one more X- header. */
function redelivered(raw: string, hop: number): string {
  return [
    `Received: from relay${hop}.example (relay${hop}.example [192.0.2.${hop}]) by mx.example.org; Sat, 15 Mar 2025 0${hop}:00:00 +0000`,
    `Delivered-To: user+copy${hop}@example.org`,
    `Return-Path: <bounce-${hop}@billing.example>`,
    `X-Spam-Score: ${hop}.0`,
    raw,
  ].join('\r\n');
}

/** Mailboxes by name, each a list of raw sources with UIDs 1..n; `add` delivers more. */
function someMailboxes(initial: Record<string, string[]>): { open: OpenMailbox; add(mailbox: string, raw: string): void } {
  const boxes = new Map(Object.entries(initial).map(([name, raws]) => [name, raws.map((raw) => Buffer.from(raw))]));
  const open: OpenMailbox = async (): Promise<MailSession> => {
    let current: Buffer[] = [];
    return {
      open: async (path) => {
        current = boxes.get(path) ?? [];
        return { path, uidValidity: '17' };
      },
      listAfter: async (afterUid) => current.map((source, index) => ({ uid: index + 1, size: source.length })).filter((entry) => entry.uid > afterUid),
      fetchMessages: async (entries) => entries.map((entry) => ({ uid: entry.uid, size: entry.size, source: current[entry.uid - 1], oversized: false })),
      close: async () => {},
    };
  };
  return { open, add: (mailbox, raw) => boxes.get(mailbox)!.push(Buffer.from(raw)) };
}

const account = { host: 'unused', port: 993, secure: true, user: 'u', password: 'p', allowInsecure: false };
const anAnswer = () => anExtractionJson({ action_items: [{ text: 'Pay invoice 2041', due: '2025-03-31' }] });

test('the identity hash ignores transport headers and line-end style but not the body', () => {
  const hash = identityHash(Buffer.from(ORIGINAL));
  assert.equal(identityHash(Buffer.from(redelivered(ORIGINAL, 1))), hash);
  assert.equal(identityHash(Buffer.from(redelivered(redelivered(ORIGINAL, 1), 2).replace(/\r\n/g, '\n'))), hash);
  assert.notEqual(identityHash(Buffer.from(ORIGINAL.replace('120 EUR', '1200 EUR'))), hash);
  assert.notEqual(identityHash(Buffer.from(ORIGINAL.replace('Invoice 2041', 'Invoice 2042'))), hash);
});

test('copies in the same mailbox under new UIDs and in another folder are extracted once', async () => {
  const db = aStore();
  const router = aFakeRouter(anAnswer);
  const mail = someMailboxes({
    INBOX: [ORIGINAL, redelivered(ORIGINAL, 1)],
    Archive: [redelivered(ORIGINAL, 2)],
  });
  const skill = createEmailExtractSkill({ accounts: { home: { ...account, mailboxes: ['INBOX', 'Archive'] } }, openMailbox: mail.open });
  const result = await skill.run(aSkillContext(db, router), new AbortController().signal);

  assert.equal(router.requests.length, 1, 'one model call for one mail');
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM mail_extractions').get() as { n: number }).n, 1);
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM mail_action_items').get() as { n: number }).n, 1);
  assert.match(result.summary, /2 duplicates skipped/);
});

test('a copy redelivered on a later run is skipped too', async () => {
  const db = aStore();
  const router = aFakeRouter(anAnswer);
  const mail = someMailboxes({ INBOX: [ORIGINAL] });
  const skill = createEmailExtractSkill({ accounts: { home: { ...account, mailboxes: ['INBOX'] } }, openMailbox: mail.open });
  await skill.run(aSkillContext(db, router), new AbortController().signal);
  mail.add('INBOX', redelivered(ORIGINAL, 3));
  await skill.run(aSkillContext(db, router, { runId: 2 }), new AbortController().signal);
  assert.equal(router.requests.length, 1);
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM mail_extractions').get() as { n: number }).n, 1);
});

test('a mail that reuses a Message-ID with another body is read, not taken for a copy', async () => {
  const db = aStore();
  const router = aFakeRouter(anAnswer);
  const impostor = redelivered(ORIGINAL.replace('Please pay 120 EUR by 31 March.', 'Please pay 9900 EUR today to IBAN XX00.'), 4);
  const mail = someMailboxes({ INBOX: [ORIGINAL, impostor] });
  const skill = createEmailExtractSkill({ accounts: { home: { ...account, mailboxes: ['INBOX'] } }, openMailbox: mail.open });
  await skill.run(aSkillContext(db, router), new AbortController().signal);
  assert.equal(router.requests.length, 2);
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM mail_extractions').get() as { n: number }).n, 2);
});
