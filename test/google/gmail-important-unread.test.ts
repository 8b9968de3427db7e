import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startGoogleFake, type FakeMessage } from '../helpers/google-fake.ts';
import { createGmailSource } from '../../skills/google/gmail.ts';

function aMessage(id: string, overrides: Partial<FakeMessage> = {}): FakeMessage {
  return {
    id,
    from: `Sender ${id} <${id}@example.com>`,
    subject: `Subject ${id}`,
    snippet: `Snippet ${id}`,
    internalDate: Date.parse('2025-05-05T06:00:00Z'),
    unread: true,
    important: true,
    ...overrides,
  };
}

const messages = [
  aMessage('m1', { subject: 'Invoice #42 due Friday', internalDate: Date.parse('2025-05-04T18:00:00Z') }),
  aMessage('m2', { snippet: 'Tom &amp; Jerry &lt;3 &quot;hi&quot;', internalDate: Date.parse('2025-05-05T05:00:00Z') }),
  aMessage('m3', { unread: false }),
  aMessage('m4', { important: false }),
];

test('unread important messages come back with sender, subject and snippet, newest first', async (t) => {
  const fake = await startGoogleFake({ messages });
  t.after(() => fake.close());
  const source = createGmailSource({ clientId: 'id', clientSecret: 'secret', refreshToken: 'fake-refresh-token', rootUrl: fake.rootUrl, calendars: [] });

  const unread = await source.importantUnread(10, AbortSignal.timeout(5000));

  assert.deepEqual(unread.map((message) => message.id), ['m2', 'm1']);
  assert.equal(unread[1].subject, 'Invoice #42 due Friday');
  assert.equal(unread[1].from, 'Sender m1 <m1@example.com>');
  assert.equal(unread[1].receivedAt, '2025-05-04T18:00:00.000Z');
  assert.equal(unread[0].snippet, 'Tom & Jerry <3 "hi"', 'snippets are decoded to plain text; the renderer escapes');
});

test('the list asks Gmail for unread important mail and fetches metadata only', async (t) => {
  const fake = await startGoogleFake({ messages });
  t.after(() => fake.close());
  const source = createGmailSource({ clientId: 'id', clientSecret: 'secret', refreshToken: 'fake-refresh-token', rootUrl: fake.rootUrl, calendars: [] });

  await source.importantUnread(5, AbortSignal.timeout(5000));

  const list = fake.requests.find((request) => request.path === '/gmail/v1/users/me/messages');
  assert.equal(list?.query.get('q'), 'is:unread is:important');
  assert.equal(list?.query.get('maxResults'), '5');
  const get = fake.requests.find((request) => request.path === '/gmail/v1/users/me/messages/m1');
  assert.equal(get?.query.get('format'), 'metadata');
});

test('a revoked refresh token surfaces as an auth error', async (t) => {
  const fake = await startGoogleFake({ messages, refreshToken: 'the-real-one' });
  t.after(() => fake.close());
  const source = createGmailSource({ clientId: 'id', clientSecret: 'secret', refreshToken: 'revoked', rootUrl: fake.rootUrl, calendars: [] });

  await assert.rejects(source.importantUnread(5, AbortSignal.timeout(5000)), (error: Error & { kind?: string }) => {
    assert.equal(error.kind, 'auth');
    assert.doesNotMatch(error.message, /revoked|secret/, 'no credential in the message');
    return true;
  });
});
