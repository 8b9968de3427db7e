import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildExtractionRequest } from '../../skills/email-extract/extract.ts';
import { parseEmail } from '../../skills/email-extract/parse.ts';
import { aRawMessage } from './builders.ts';

async function anEmail() {
  const source = Buffer.from(aRawMessage({ subject: 'Invoice', body: 'Please pay 420.00 by Friday.' }));
  return parseEmail({ uid: 1, source, size: source.length, oversized: false }, { maxBodyChars: 2_000 });
}

test("the extraction is told the user's currency, for amounts the email gives without one", async () => {
  const email = await anEmail();
  const routed = buildExtractionRequest({ key: 'a/INBOX/1/1', email, timezone: 'Europe/Paris', currency: 'EUR' });
  const context = routed.request.messages.map((message) => message.content).join('\n');
  assert.match(context, /The user's time zone: Europe\/Paris\. The user's currency: EUR \(use it for an amount whose currency the email does not state\)\./);
  assert.equal(routed.request.tools, undefined);
});

test('without a currency setting nothing is assumed', async () => {
  const email = await anEmail();
  const routed = buildExtractionRequest({ key: 'a/INBOX/1/1', email, timezone: 'UTC' });
  assert.doesNotMatch(routed.request.messages.map((message) => message.content).join('\n'), /user's currency/);
});
