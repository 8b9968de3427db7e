/**
 * Gmail over IMAP with `oauth2: google`: each connection gets an access token minted from the
 * refresh token (OAuth2 refresh grant, RFC 6749 section 6, as Google's token endpoint takes
 * it); a token is reused while it has more than five minutes left and refreshed before it
 * expires, so the mailbox is still read after the first hour.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAccessTokenSource } from '../../skills/google/access-token.ts';
import { createSecretRegistry } from '../../config/secrets.ts';
import { createEmailExtractSkill } from '../../skills/email-extract/skill.ts';
import type { MailAccount, MailSession } from '../../skills/email-extract/types.ts';
import { aFakeRouter, aSkillContext, aStore } from '../email/builders.ts';

async function aTokenEndpoint(status = 200) {
  const grants: URLSearchParams[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const form = new URLSearchParams(body);
      grants.push(form);
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(
        status === 200
          ? JSON.stringify({ access_token: `ya29.token-${grants.length}`, expires_in: 3599, token_type: 'Bearer', scope: 'https://mail.google.com/' })
          : JSON.stringify({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  return { url, grants, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const connection = (tokenUrl: string) => ({ clientId: 'id.apps.googleusercontent.com', clientSecret: 'client-secret', refreshToken: '1//refresh', tokenUrl });

test('a token is reused while fresh and refreshed five minutes before it expires', async () => {
  const endpoint = await aTokenEndpoint();
  let now = new Date('2026-12-02T06:00:00Z');
  try {
    const tokens = createAccessTokenSource(connection(endpoint.url), { now: () => now });
    assert.equal(await tokens.get(), 'ya29.token-1');
    assert.equal(endpoint.grants[0].get('grant_type'), 'refresh_token');
    assert.equal(endpoint.grants[0].get('refresh_token'), '1//refresh');
    assert.equal(endpoint.grants[0].get('client_id'), 'id.apps.googleusercontent.com');

    now = new Date('2026-12-02T06:50:00Z');
    assert.equal(await tokens.get(), 'ya29.token-1', 'still 9 minutes left: reused');
    assert.equal(endpoint.grants.length, 1);

    now = new Date('2026-12-02T06:56:00Z');
    assert.equal(await tokens.get(), 'ya29.token-2', 'under 5 minutes left: refreshed before it expires');
    assert.equal(tokens.expiresAt()?.toISOString(), '2026-12-02T07:55:59.000Z');

    const together = await Promise.all([tokens.get(), tokens.get()]);
    assert.deepEqual(together, ['ya29.token-2', 'ya29.token-2']);
    assert.equal(endpoint.grants.length, 2);
  } finally {
    await endpoint.close();
  }
});

test('a revoked refresh token is an error that says what to run, without the secret', async () => {
  const endpoint = await aTokenEndpoint(400);
  try {
    const tokens = createAccessTokenSource(connection(endpoint.url));
    await assert.rejects(tokens.get(), (error: Error) => {
      assert.match(error.message, /HTTP 400 invalid_grant; run `switchboard auth google`/);
      assert.ok(!error.message.includes('1//refresh') && !error.message.includes('client-secret'));
      return true;
    });
  } finally {
    await endpoint.close();
  }
});

test('the mail skill connects an oauth2 account with a fresh token on each run, hours apart', async () => {
  const endpoint = await aTokenEndpoint();
  let now = new Date('2026-12-02T06:00:00Z');
  const seen: Array<string | undefined> = [];
  const emptyMailbox = async (account: MailAccount): Promise<MailSession> => {
    seen.push(account.accessToken);
    return {
      open: async (path) => ({ path, uidValidity: '1' }),
      listAfter: async () => [],
      fetchMessages: async () => [],
      close: async () => {},
    };
  };
  try {
    const skill = createEmailExtractSkill({
      accounts: { gmail: { host: 'imap.gmail.com', port: 993, secure: true, user: 'alex@gmail.com', oauth2: 'google', mailboxes: ['INBOX'], allowInsecure: false } },
      openMailbox: emptyMailbox,
      googleTokens: createAccessTokenSource(connection(endpoint.url), { now: () => now }),
    });
    const db = aStore();
    const context = aSkillContext(db, aFakeRouter());
    await skill.run({ ...context, now: () => now }, new AbortController().signal);
    now = new Date('2026-12-02T09:00:00Z');
    await skill.run({ ...context, now: () => now }, new AbortController().signal);
    assert.deepEqual(seen, ['ya29.token-1', 'ya29.token-2']);
  } finally {
    await endpoint.close();
  }
});

test('every access token minted is known to the secret registry before it can reach a log, the database or an error', async () => {
  const endpoint = await aTokenEndpoint();
  let now = new Date('2026-12-02T06:00:00Z');
  try {
    const registry = createSecretRegistry();
    const tokens = createAccessTokenSource(connection(endpoint.url), { now: () => now, onToken: (token) => registry.add(token) });
    const first = await tokens.get();
    assert.equal(registry.redact(`AUTHENTICATE XOAUTH2 user=alex auth=Bearer ${first}`), 'AUTHENTICATE XOAUTH2 user=alex auth=Bearer [redacted]');
    now = new Date('2026-12-02T06:56:00Z');
    const second = await tokens.get();
    assert.notEqual(second, first);
    assert.equal(registry.reveals(`imap error for ${second}`), true, 'the refreshed token too');
  } finally {
    await endpoint.close();
  }
});
