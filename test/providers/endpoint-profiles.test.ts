/**
 * OpenAI-compatible endpoints users run each get a profile with their known differences
 * (agent/providers/profiles.ts names the sources): what the same reasoning-model request
 * becomes on OpenRouter, Ollama, Gemini's OpenAI endpoint and an unknown compatible server,
 * through the real openai SDK to a loopback fixture server.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createOpenAIProvider } from '../../agent/providers/openai.ts';
import type { ChatRequest, EndpointProfile } from '../../contracts/types.ts';
import { aModel, aProviderSpec, aReasoningModel } from '../helpers/builders.ts';
import { useFixtureServer } from '../helpers/fixture-server.ts';

const server = useFixtureServer();

const OK = {
  status: 200,
  json: {
    id: 'gen-1733000000-abc',
    object: 'chat.completion',
    created: 1733000000,
    model: 'served-model',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Done.' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 40, completion_tokens: 5, total_tokens: 45 },
  },
};

const tool = {
  name: 'lookup',
  description: 'Look something up',
  parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'], additionalProperties: false },
};

const request: ChatRequest = {
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Summarise my day.' },
  ],
  tools: [tool],
  temperature: 0.3,
  maxOutputTokens: 400,
};

async function bodyFor(profile: EndpointProfile, apiModel: string, keyless = false) {
  server.current.replay(OK);
  const spec = aProviderSpec({ api: 'openai', profile, baseURL: `${server.current.url}/v1`, ...(keyless ? { apiKey: undefined } : {}) });
  const model = aModel({ apiModel, maxOutputTokens: 32_000, capabilities: aReasoningModel(), reasoningEffort: 'low' });
  const response = await createOpenAIProvider(spec).complete(model, request);
  assert.equal(response.text, 'Done.');
  return server.current.received.at(-1)!;
}

describe('OpenAI-compatible endpoint profiles', () => {
  it('openai: max_completion_tokens, reasoning_effort, developer role, strict tools', async () => {
    const { body } = await bodyFor('openai', 'gpt-5.6-terra');
    assert.equal(body.max_completion_tokens, 400 + 4_096);
    assert.equal(body.max_tokens, undefined);
    assert.equal(body.reasoning_effort, 'low');
    assert.equal((body.messages as Array<{ role: string }>)[0].role, 'developer');
    assert.deepEqual(body.tools, [{ type: 'function', function: { ...tool, strict: true } }]);
    assert.equal(body.temperature, undefined);
  });

  it('openrouter: vendor-prefixed model, max_tokens, reasoning as { effort }, system role', async () => {
    const { body } = await bodyFor('openrouter', 'openai/gpt-5.6-terra');
    assert.equal(body.model, 'openai/gpt-5.6-terra');
    assert.equal(body.max_tokens, 400 + 4_096);
    assert.equal(body.max_completion_tokens, undefined);
    assert.deepEqual(body.reasoning, { effort: 'low' });
    assert.equal(body.reasoning_effort, undefined);
    assert.equal((body.messages as Array<{ role: string }>)[0].role, 'system');
    assert.equal(body.temperature, undefined);
  });

  it('openrouter: an error chunk inside a 200 stream is a classified failure, not an answer', async () => {
    server.current.replay({
      status: 200,
      sse: [
        { data: { id: 'gen-1', object: 'chat.completion.chunk', created: 1, model: 'openai/gpt-5.6-terra', choices: [{ index: 0, delta: { role: 'assistant', content: 'Part' }, finish_reason: null }] } },
        // openrouter.ai/docs/api-reference/errors, "Error during streaming": an error object and finish_reason "error".
        {
          data: {
            id: 'gen-1',
            object: 'chat.completion.chunk',
            created: 1,
            model: 'openai/gpt-5.6-terra',
            provider: 'OpenAI',
            error: { code: 'server_error', message: 'Provider disconnected unexpectedly' },
            choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
          },
        },
        { data: '[DONE]' },
      ],
    });
    const spec = aProviderSpec({ api: 'openai', profile: 'openrouter', baseURL: `${server.current.url}/v1` });
    const failure = (await createOpenAIProvider(spec)
      .complete(aModel({ apiModel: 'openai/gpt-5.6-terra', capabilities: aReasoningModel() }), { ...request, stream: true })
      .catch((error: unknown) => error)) as { kind: string; message: string };
    assert.equal(failure.kind, 'server');
    assert.match(failure.message, /Provider disconnected unexpectedly/);
  });

  it('ollama: max_tokens, reasoning_effort, system role, no strict flag on tools, runs without a key', async () => {
    const { body, headers } = await bodyFor('ollama', 'gpt-oss:20b', true);
    assert.equal(body.max_tokens, 400 + 4_096);
    assert.equal(body.max_completion_tokens, undefined);
    assert.equal(body.reasoning_effort, 'low');
    assert.equal((body.messages as Array<{ role: string }>)[0].role, 'system');
    assert.deepEqual(body.tools, [{ type: 'function', function: tool }]);
    assert.equal(headers.authorization, 'Bearer none');
  });

  it('gemini: max_tokens, reasoning_effort, system role, no strict flag on tools', async () => {
    const { body, path } = await bodyFor('gemini', 'gemini-3.5-flash');
    assert.equal(path, '/v1/chat/completions');
    assert.equal(body.max_tokens, 400 + 4_096);
    assert.equal(body.reasoning_effort, 'low');
    assert.equal((body.messages as Array<{ role: string }>)[0].role, 'system');
    assert.deepEqual(body.tools, [{ type: 'function', function: tool }]);
  });

  it('compatible (any other server): the model’s own token parameter, system role, no strict flag', async () => {
    const { body } = await bodyFor('compatible', 'qwen3-32b');
    assert.equal(body.max_completion_tokens, 400 + 4_096, 'the model is declared a reasoning model taking max_completion_tokens');
    assert.equal((body.messages as Array<{ role: string }>)[0].role, 'system');
    assert.deepEqual(body.tools, [{ type: 'function', function: tool }]);
  });
});
