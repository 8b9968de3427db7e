/**
 * `doctor` logs in for real: IMAP against a real Dovecot (login, then each configured folder),
 * SMTP against a loopback smtp-server (connect and AUTH, nothing sent), and Google's token
 * refresh against the loopback OAuth fake. Each row passes on good settings and fails with the
 * fix on bad ones, and no password or token ever reaches the output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { DEFAULT_CONFIG_PATH } from '../../config/load.ts';
import { DOVECOT_SKIP, startDovecot } from '../helpers/dovecot.ts';
import { startGoogleFake } from '../helpers/google-fake.ts';
import { doctorRows, runCliAsync } from '../helpers/doctor-cli.ts';

const IMAP_PASSWORD = 'imap-secret-pass-42';
const SMTP_PASSWORD = 'smtp-secret-pass-42';
const GOOGLE_TOKEN = 'google-refresh-secret-42';

/** The shipped default with a `mail` / `google` section appended; secrets come from the environment. */
async function doctor(extraYaml: string, env: NodeJS.ProcessEnv) {
  const dir = mkdtempSync(join(tmpdir(), 'sb-doctor-mail-'));
  writeFileSync(join(dir, 'config.yaml'), `${readFileSync(DEFAULT_CONFIG_PATH, 'utf8')}\n${extraYaml}\n`);
  const result = await runCliAsync(['--config', join(dir, 'config.yaml'), '--data-dir', join(dir, 'data'), 'doctor', '--json'], { HOME: dir, ...env });
  for (const secret of [IMAP_PASSWORD, SMTP_PASSWORD, GOOGLE_TOKEN, 'wrong-password-x', 'revoked-token-x']) {
    assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), 'no secret in the output');
  }
  return { result, ...doctorRows(result) };
}

/** An SMTP server that accepts exactly one user and password, STARTTLS off. */
async function startAuthSmtp(): Promise<{ port: number; logins: string[]; close(): Promise<void> }> {
  const logins: string[] = [];
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      logins.push(auth.username ?? '');
      if (auth.username === 'me@example.org' && auth.password === SMTP_PASSWORD) return callback(null, { user: auth.username });
      callback(new Error('535 5.7.8 Authentication credentials invalid'));
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, logins, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test('IMAP: login and every folder pass; a wrong password and a missing folder fail with the fix', { skip: DOVECOT_SKIP }, async () => {
  const dovecot = await startDovecot({ password: IMAP_PASSWORD });
  try {
    await dovecot.append('From: a@example.org\r\nSubject: hi\r\n\r\nhello\r\n', 'Receipts');
    const account = (mailboxes: string, password: string) => ({
      yaml: `mail:\n  accounts:\n    home:\n      host: 127.0.0.1\n      port: ${dovecot.port}\n      secure: false\n      allowInsecure: true\n      user: ${dovecot.user}\n      password: \${IMAP_PASSWORD}\n      mailboxes: [${mailboxes}]`,
      env: { IMAP_PASSWORD: password },
    });

    const good = account('INBOX, Receipts', IMAP_PASSWORD);
    const pass = await doctor(good.yaml, good.env);
    const passRow = pass.rows.get('imap home');
    assert.equal(passRow?.ok, true, JSON.stringify(passRow));
    assert.match(passRow!.detail, /logged in as tester .*INBOX, Receipts open/);

    const badPassword = account('INBOX', 'wrong-password-x');
    const refused = await doctor(badPassword.yaml, badPassword.env);
    assert.equal(refused.result.status, 1);
    const refusedRow = refused.rows.get('imap home');
    assert.equal(refusedRow?.ok, false);
    assert.match(refusedRow!.detail, /login refused/i);
    assert.match(refusedRow!.fix ?? '', /mail\.accounts\.home/);

    const missing = account('INBOX, Archive/2026', IMAP_PASSWORD);
    const noFolder = await doctor(missing.yaml, missing.env);
    const folderRow = noFolder.rows.get('imap home');
    assert.equal(folderRow?.ok, false);
    assert.match(folderRow!.detail, /no folder Archive\/2026/);
    assert.match(folderRow!.fix ?? '', /mailboxes/);
  } finally {
    await dovecot.stop();
  }
});

test('SMTP: connect and AUTH pass without sending; a refused login fails naming the setting to fix', async () => {
  const smtp = await startAuthSmtp();
  try {
    const section = (password: string) => ({
      yaml: `mail:\n  smtp:\n    host: 127.0.0.1\n    port: ${smtp.port}\n    ignoreTLS: true\n    user: me@example.org\n    password: \${SMTP_PASSWORD}\n    from: me@example.org\n    to: me@example.org`,
      env: { SMTP_PASSWORD: password },
    });
    const good = section(SMTP_PASSWORD);
    const pass = await doctor(good.yaml, good.env);
    const row = pass.rows.get('smtp');
    assert.equal(row?.ok, true, JSON.stringify(row));
    assert.match(row!.detail, /accepted the connection and login as me@example\.org/);

    const bad = section('wrong-password-x');
    const fail = await doctor(bad.yaml, bad.env);
    assert.equal(fail.result.status, 1);
    const failRow = fail.rows.get('smtp');
    assert.equal(failRow?.ok, false);
    assert.match(failRow!.detail, /535|[Aa]uth/);
    assert.match(failRow!.fix ?? '', /mail\.smtp\.user and the password/);
    assert.deepEqual(smtp.logins, ['me@example.org', 'me@example.org'], 'each check logged in once');
  } finally {
    await smtp.close();
  }
});

test('SMTP: nothing listening fails as a connection problem', async () => {
  const { result, rows } = await doctor('mail:\n  smtp:\n    host: 127.0.0.1\n    port: 9\n    ignoreTLS: true\n    from: me@example.org\n    to: me@example.org', {});
  assert.equal(result.status, 1);
  const row = rows.get('smtp');
  assert.equal(row?.ok, false);
  assert.match(row!.detail, /ECONNREFUSED|connect/i);
  assert.match(row!.fix ?? '', /host, port/);
});

test('Google: the refresh token is exchanged for an access token; a revoked one fails with `auth google` as the fix', async () => {
  const google = await startGoogleFake({ refreshToken: GOOGLE_TOKEN });
  try {
    const section = `google:\n  clientId: client-1.apps.googleusercontent.com\n  clientSecret: \${GOOGLE_SECRET}\n  refreshToken: \${GOOGLE_REFRESH}\n  rootUrl: ${google.rootUrl}`;
    const pass = await doctor(section, { GOOGLE_SECRET: 'client-secret-x', GOOGLE_REFRESH: GOOGLE_TOKEN });
    const row = pass.rows.get('google');
    assert.equal(row?.ok, true, JSON.stringify(row));
    assert.ok(google.requests.some((request) => request.path === '/token' && request.form?.get('grant_type') === 'refresh_token'));

    const fail = await doctor(section, { GOOGLE_SECRET: 'client-secret-x', GOOGLE_REFRESH: 'revoked-token-x' });
    assert.equal(fail.result.status, 1);
    const failRow = fail.rows.get('google');
    assert.equal(failRow?.ok, false);
    assert.match(failRow!.detail, /invalid_grant/);
    assert.match(failRow!.fix ?? '', /switchboard auth google/);
  } finally {
    await google.close();
  }
});
