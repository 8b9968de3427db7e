/**
 * Failures are classified from the bodies and statuses the real providers send (fixtures in
 * fixtures/error-bodies.ts, each naming its source), read through the real SDKs over HTTP:
 * a dead model, an empty account, a request Switchboard built wrongly, a context too long,
 * and the transient kinds, on both wire APIs and on the OpenAI-compatible endpoints.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAnthropicProvider } from '../../agent/providers/anthropic.ts';
import { createOpenAIProvider } from '../../agent/providers/openai.ts';
import type { EndpointProfile, ErrorKind } from '../../contracts/types.ts';
import { aClaudeModel, aModel, aProviderSpec, aRequest } from '../helpers/builders.ts';
import { useFixtureServer } from '../helpers/fixture-server.ts';
import { ANTHROPIC_ERRORS, COMPATIBLE_ERRORS, OPENAI_ERRORS, type ErrorFixture } from './fixtures/error-bodies.ts';

const server = useFixtureServer();

const openai = (profile?: EndpointProfile) => createOpenAIProvider(aProviderSpec({ api: 'openai', profile, baseURL: `${server.current.url}/v1` }));
const anthropic = () => createAnthropicProvider(aProviderSpec({ api: 'anthropic', baseURL: server.current.url }));

async function kindOf(fixture: ErrorFixture, call: () => Promise<unknown>): Promise<{ kind: ErrorKind; status?: number; retryAfterMs?: number; message: string }> {
  server.current.replay(fixture.response);
  try {
    await call();
  } catch (error) {
    return error as { kind: ErrorKind; status?: number; retryAfterMs?: number; message: string };
  }
  assert.fail(`${fixture.name}: the call did not fail`);
}

describe('errors classified from the providers’ real bodies, through the SDKs', () => {
  it('OpenAI: a retired model is model_not_found, an empty account quota_exhausted (not a rate limit)', async () => {
    const dead = await kindOf(OPENAI_ERRORS.modelNotFound, () => openai().complete(aModel(), aRequest()));
    assert.equal(dead.kind, 'model_not_found');
    assert.equal(dead.status, 404);
    assert.match(dead.message, /deprecated/);

    const broke = await kindOf(OPENAI_ERRORS.insufficientQuota, () => openai().complete(aModel(), aRequest()));
    assert.equal(broke.kind, 'quota_exhausted');
    assert.equal(broke.retryAfterMs, undefined, 'no retry is planned for an empty account');
  });

  it('OpenAI: a rate limit keeps its retry-after; a 500 is server', async () => {
    const limited = await kindOf(OPENAI_ERRORS.rateLimited, () => openai().complete(aModel(), aRequest()));
    assert.equal(limited.kind, 'rate_limited');
    assert.equal(limited.retryAfterMs, 2000);

    assert.equal((await kindOf(OPENAI_ERRORS.serverError, () => openai().complete(aModel(), aRequest()))).kind, 'server');
  });

  it('OpenAI: an unsupported parameter is invalid_request (a Switchboard defect), context length is context_too_long', async () => {
    const defect = await kindOf(OPENAI_ERRORS.unsupportedMaxTokens, () => openai().complete(aModel(), aRequest()));
    assert.equal(defect.kind, 'invalid_request');
    assert.match(defect.message, /max_completion_tokens/);

    assert.equal((await kindOf(OPENAI_ERRORS.contextLengthExceeded, () => openai().complete(aModel(), aRequest()))).kind, 'context_too_long');
  });

  it('Anthropic: a 404 not_found_error is model_not_found; "credit balance is too low" is quota_exhausted', async () => {
    const claude = aModel({ capabilities: aClaudeModel() });
    const dead = await kindOf(ANTHROPIC_ERRORS.modelNotFound, () => anthropic().complete(claude, aRequest()));
    assert.equal(dead.kind, 'model_not_found');
    assert.equal(dead.status, 404);

    const broke = await kindOf(ANTHROPIC_ERRORS.creditBalanceTooLow, () => anthropic().complete(claude, aRequest()));
    assert.equal(broke.kind, 'quota_exhausted');
    assert.equal(broke.status, 400);
  });

  it('Anthropic: 529 is overloaded, an empty text block invalid_request, a long prompt context_too_long', async () => {
    const claude = aModel({ capabilities: aClaudeModel() });
    assert.equal((await kindOf(ANTHROPIC_ERRORS.overloaded, () => anthropic().complete(claude, aRequest()))).kind, 'overloaded');
    assert.equal((await kindOf(ANTHROPIC_ERRORS.invalidRequest, () => anthropic().complete(claude, aRequest()))).kind, 'invalid_request');
    assert.equal((await kindOf(ANTHROPIC_ERRORS.promptTooLong, () => anthropic().complete(claude, aRequest()))).kind, 'context_too_long');
  });

  it('OpenRouter: 402 insufficient credits is quota_exhausted', async () => {
    const broke = await kindOf(COMPATIBLE_ERRORS.openRouterNoCredits, () => openai('openrouter').complete(aModel({ apiModel: 'openai/gpt-5.6-luna' }), aRequest()));
    assert.equal(broke.kind, 'quota_exhausted');
    assert.equal(broke.status, 402);
  });

  it('Ollama: a model not pulled (404) is model_not_found; on the official API a bare 404 is not', async () => {
    const missing = await kindOf(COMPATIBLE_ERRORS.ollamaModelNotPulled, () => openai('ollama').complete(aModel({ apiModel: 'llama3.3' }), aRequest()));
    assert.equal(missing.kind, 'model_not_found');
    assert.match(missing.message, /try pulling it first/);

    const route = await kindOf(COMPATIBLE_ERRORS.ollamaModelNotPulled, () => openai('openai').complete(aModel(), aRequest()));
    assert.equal(route.kind, 'bad_request');
  });

  it('Gemini: the array-shaped error body is read, and its 404 is model_not_found with Google’s words', async () => {
    const missing = await kindOf(COMPATIBLE_ERRORS.geminiModelNotFound, () => openai('gemini').complete(aModel({ apiModel: 'gemini-1.5-pro' }), aRequest()));
    assert.equal(missing.kind, 'model_not_found');
    assert.equal(missing.status, 404);
    assert.match(missing.message, /is not found for API version v1beta/);
  });
});
