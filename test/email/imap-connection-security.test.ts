import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imapOptions, openImapMailbox } from '../../skills/email-extract/imap-source.ts';
import type { MailAccount } from '../../skills/email-extract/types.ts';
import { DOVECOT_SKIP, startDovecot, type DovecotServer } from '../helpers/dovecot.ts';
import { anAccount, aRawMessage } from './builders.ts';

function anImapAccount(overrides: Partial<MailAccount> = {}): MailAccount {
  return {
    name: 'work',
    host: 'imap.example.com',
    port: 993,
    secure: true,
    user: 'me@example.com',
    password: 'app-password',
    mailboxes: ['INBOX'],
    allowInsecure: false,
    ...overrides,
  };
}

test('TLS from the start, or STARTTLS required; opportunistic only with allowInsecure', () => {
  const tls = imapOptions(anImapAccount());
  assert.equal(tls.secure, true);
  assert.equal(tls.doSTARTTLS, undefined);
  const starttls = imapOptions(anImapAccount({ secure: false, port: 143 }));
  assert.equal(starttls.secure, false);
  assert.equal(starttls.doSTARTTLS, true);
  const loopback = imapOptions(anImapAccount({ secure: false, allowInsecure: true }));
  assert.equal(loopback.doSTARTTLS, undefined);
});

test('password, password file, or XOAUTH2 access token; none is an error naming the key', () => {
  assert.deepEqual(imapOptions(anImapAccount()).auth, { user: 'me@example.com', pass: 'app-password' });
  const oauth = imapOptions(anImapAccount({ password: undefined, accessToken: 'ya29.token' }));
  assert.deepEqual(oauth.auth, { user: 'me@example.com', accessToken: 'ya29.token' });
  const dir = mkdtempSync(join(tmpdir(), 'sb-pass-'));
  try {
    writeFileSync(join(dir, 'pass'), 'from-file\n');
    const fromFile = imapOptions(anImapAccount({ password: undefined, passwordFile: join(dir, 'pass') }));
    assert.deepEqual(fromFile.auth, { user: 'me@example.com', pass: 'from-file' });
    assert.throws(
      () => imapOptions(anImapAccount({ password: undefined, passwordFile: join(dir, 'missing') })),
      /mail\.accounts\.work\.passwordFile: cannot read .*missing \(ENOENT\)/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => imapOptions(anImapAccount({ password: undefined })), /mail\.accounts\.work: set password, passwordFile or accessToken/);
});

let server: DovecotServer;
before(async () => {
  if (DOVECOT_SKIP) return;
  server = await startDovecot();
  await server.append(aRawMessage({ subject: 'first' }));
  await server.append(aRawMessage({ subject: 'second', body: 'b'.repeat(20_000) }));
});
after(async () => {
  await server?.stop();
});

test('plaintext IMAP is refused unless allowInsecure (Dovecot here offers no STARTTLS)', { skip: DOVECOT_SKIP }, async () => {
  const strict = { ...anAccount(server), allowInsecure: false, name: 'loop' };
  await assert.rejects(openImapMailbox(strict, new AbortController().signal), (error: Error) => {
    assert.doesNotMatch(error.message, new RegExp(server.password));
    return true;
  });
  const session = await openImapMailbox({ ...anAccount(server), name: 'loop' }, new AbortController().signal);
  try {
    const opened = await session.open('INBOX');
    assert.match(opened.uidValidity, /^\d+$/);
    const listed = await session.listAfter(0);
    assert.deepEqual(listed.map((entry) => entry.uid), [1, 2]);
    // `UID 3:*` on a mailbox whose highest UID is 2 names message 2: it must not come back.
    assert.deepEqual(await session.listAfter(2), []);
    const fetched = await session.fetchMessages(listed, 10_000);
    assert.deepEqual(fetched.map((message) => [message.uid, message.oversized]), [[1, false], [2, true]]);
    assert.match(fetched[1].source.toString(), /^Subject: second$/m);
    assert.doesNotMatch(fetched[1].source.toString(), /bbbb/);
  } finally {
    await session.close();
  }
});

test('a wrong password is a rejected connection, never a hang', { skip: DOVECOT_SKIP }, async () => {
  const wrong = { ...anAccount(server), password: 'nope', name: 'loop' };
  await assert.rejects(openImapMailbox(wrong, new AbortController().signal));
});
