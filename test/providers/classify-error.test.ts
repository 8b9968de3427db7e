import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as Anthropic from '@anthropic-ai/sdk';
import * as OpenAI from 'openai';
import { classifyProviderError } from '../../agent/providers/classify-error.ts';
import { ProviderError } from '../../contracts/provider-error.ts';
import { createProviderRegistry } from '../../agent/providers/registry.ts';
import { aProviderSpec } from '../helpers/builders.ts';

const context = { provider: 'p', model: 'm', apiKey: 'sk-live-abcdef123456' };
const NOW = Date.parse('2025-06-01T12:00:00Z');

function openAIError(status: number, error: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return OpenAI.APIError.generate(status, { error: { message: 'boom', type: null, param: null, code: null, ...error } }, undefined, new Headers(headers));
}

function anthropicError(status: number | undefined, type: string, message = 'boom', headers: Record<string, string> = {}) {
  const body = { type: 'error', error: { type, message } };
  return status === undefined ? new Anthropic.APIError(undefined, body, undefined, undefined) : Anthropic.APIError.generate(status, body, undefined, new Headers(headers));
}

describe('classifyProviderError, on errors built by the SDKs themselves', () => {
  it('prefers retry-after-ms, then retry-after seconds, then an HTTP date', () => {
    const kind = (headers: Record<string, string>) => classifyProviderError(openAIError(429, {}, headers), { ...context, now: NOW });

    assert.equal(kind({ 'retry-after-ms': '1500', 'retry-after': '9' }).retryAfterMs, 1500);
    assert.equal(kind({ 'retry-after': '9' }).retryAfterMs, 9000);
    assert.equal(kind({ 'retry-after': 'Sun, 01 Jun 2025 12:00:30 GMT' }).retryAfterMs, 30_000);
    assert.equal(kind({ 'retry-after': 'Sun, 01 Jun 2025 11:00:00 GMT' }).retryAfterMs, 0);
    assert.equal(kind({}).retryAfterMs, undefined);
  });

  it('maps OpenAI statuses and codes', () => {
    const cases: Array<[number, Record<string, unknown>, string]> = [
      [400, { code: 'context_length_exceeded' }, 'context_too_long'],
      [400, { code: 'content_filter' }, 'content_filtered'],
      [400, { code: 'content_policy_violation' }, 'content_filtered'],
      [400, { code: 'invalid_value' }, 'invalid_request'],
      [403, {}, 'auth'],
      [404, {}, 'bad_request'],
      [408, {}, 'timeout'],
      [413, {}, 'context_too_long'],
      [422, {}, 'bad_request'],
      [502, {}, 'server'],
      [503, {}, 'overloaded'],
    ];
    for (const [status, error, kind] of cases) {
      assert.equal(classifyProviderError(openAIError(status, error), context).kind, kind, `${status} ${JSON.stringify(error)}`);
    }
  });

  it('maps Anthropic error types, including one from a stream error event with no status', () => {
    assert.equal(classifyProviderError(anthropicError(undefined, 'overloaded_error'), context).kind, 'overloaded');
    assert.equal(classifyProviderError(anthropicError(500, 'overloaded_error'), context).kind, 'overloaded');
    assert.equal(classifyProviderError(anthropicError(504, 'timeout_error'), context).kind, 'timeout');
    assert.equal(classifyProviderError(anthropicError(400, 'invalid_request_error', 'prompt is too long: 300000 tokens > 200000 maximum'), context).kind, 'context_too_long');
    assert.equal(classifyProviderError(anthropicError(400, 'invalid_request_error', 'messages: field required'), context).kind, 'invalid_request');
    assert.equal(classifyProviderError(anthropicError(402, 'billing_error'), context).kind, 'quota_exhausted');
    assert.equal(classifyProviderError(anthropicError(403, 'permission_error'), context).kind, 'auth');
  });

  it('keeps the status and the provider’s own words, with the key redacted', () => {
    const error = classifyProviderError(anthropicError(401, 'authentication_error', `invalid x-api-key ${context.apiKey}`), context);

    assert.equal(error.status, 401);
    assert.equal(error.message, 'p (m): 401 invalid x-api-key [redacted]');
    assert.equal(error.cause, undefined);
  });

  it('reads connection failures from the SDK classes and from undici causes', () => {
    assert.equal(classifyProviderError(new OpenAI.APIConnectionTimeoutError(), context).kind, 'timeout');
    assert.equal(classifyProviderError(new Anthropic.APIConnectionError({ message: 'Connection error.' }), context).kind, 'network');
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    assert.equal(classifyProviderError(new TypeError('terminated', { cause: reset }), context).kind, 'network');
  });

  it('lets an abort, a started stream and an existing ProviderError decide first', () => {
    const controller = new AbortController();
    controller.abort();
    const usage = { inputTokens: 5, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 2, reasoningTokens: 0 };

    assert.equal(classifyProviderError(openAIError(500), { ...context, signal: controller.signal }).kind, 'aborted');
    assert.equal(classifyProviderError(new Anthropic.APIUserAbortError(), context).kind, 'aborted');
    const cut = classifyProviderError(new TypeError('terminated'), { ...context, streamStarted: true, usage });
    assert.equal(cut.kind, 'stream_cut');
    assert.deepEqual(cut.usage, usage);
    const original = new ProviderError({ kind: 'auth', message: 'x', provider: 'p', model: 'm' });
    assert.equal(classifyProviderError(original, context), original);
  });

  it('treats anything it cannot read as the provider’s fault', () => {
    assert.equal(classifyProviderError(new SyntaxError('Unexpected end of JSON input'), context).kind, 'server');
  });
});

describe('createProviderRegistry', () => {
  it('builds one client per spec, keyed by name, and refuses duplicate names', () => {
    const registry = createProviderRegistry([aProviderSpec({ name: 'local', api: 'openai' }), aProviderSpec({ name: 'claude', api: 'anthropic' })]);

    assert.deepEqual([...registry.keys()], ['local', 'claude']);
    assert.equal(registry.get('claude')!.spec.api, 'anthropic');
    assert.throws(() => createProviderRegistry([aProviderSpec(), aProviderSpec()]), /Duplicate provider name/);
  });
});
