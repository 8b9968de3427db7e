/**
 * Conformance with OpenAI chat completions as the API reference defines it: the bodies our
 * provider sends through the real openai SDK (reasoning-model rules, strict tools and schemas)
 * and its reading of recorded responses (tool calls, streaming with usage, cached and reasoning
 * tokens, refusals), replayed by a loopback fixture server that knows nothing of either side.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createOpenAIProvider } from '../../agent/providers/openai.ts';
import { EDIT_ANSWER_SCHEMA } from '../../skills/code-edit/edits.ts';
import { aChatModel, aModel, aProviderSpec, aReasoningModel } from '../helpers/builders.ts';
import { useFixtureServer } from '../helpers/fixture-server.ts';
import { REFUSAL_COMPLETION, STREAMED_TEXT, STREAMED_TOOL_CALL, TOOL_CALL_COMPLETION } from './fixtures/openai-chat.ts';

const server = useFixtureServer();
const provider = () => createOpenAIProvider(aProviderSpec({ api: 'openai', baseURL: `${server.current.url}/v1` }));
const sent = () => server.current.received.at(-1)!;

const weather = {
  name: 'get_current_weather',
  description: 'Current weather in a place',
  parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: ['string', 'null'], enum: ['celsius', 'fahrenheit', null] } }, required: ['location', 'unit'], additionalProperties: false },
};

describe('OpenAI chat completions, as the API reference defines it', () => {
  it('a reasoning model gets max_completion_tokens with room to reason, reasoning_effort, the developer role and no temperature', async () => {
    server.current.replay(TOOL_CALL_COMPLETION);
    const model = aModel({ apiModel: 'gpt-5.6-terra', maxOutputTokens: 128_000, capabilities: aReasoningModel(), reasoningEffort: 'low' });

    const response = await provider().complete(model, {
      messages: [
        { role: 'system', content: 'You are the reasoning model of a personal agent.' },
        { role: 'user', content: 'What is the weather like in Boston?' },
      ],
      tools: [weather],
      temperature: 0.3,
      maxOutputTokens: 500,
    });

    assert.equal(sent().path, '/v1/chat/completions');
    assert.deepEqual(sent().body, {
      model: 'gpt-5.6-terra',
      messages: [
        { role: 'developer', content: 'You are the reasoning model of a personal agent.' },
        { role: 'user', content: 'What is the weather like in Boston?' },
      ],
      max_completion_tokens: 500 + 4_096,
      reasoning_effort: 'low',
      tools: [{ type: 'function', function: { ...weather, strict: true } }],
      stream: false,
    });
    assert.equal(response.finishReason, 'tool_calls');
    assert.deepEqual(response.toolCalls, [{ id: 'call_abc123', name: 'get_current_weather', arguments: { location: 'Boston, MA' } }]);
    assert.deepEqual(response.usage, { inputTokens: 93, cachedInputTokens: 1024, cacheWriteTokens: 0, outputTokens: 346, reasoningTokens: 320 });
    assert.equal(response.model, 'gpt-5.6-terra-2026-09-30');
    assert.equal(response.simulated, false);
  });

  it('never asks for more output than the model allows, reasoning room included', async () => {
    server.current.replay(TOOL_CALL_COMPLETION);
    const model = aModel({ apiModel: 'gpt-5.6-luna', maxOutputTokens: 8_000, capabilities: aReasoningModel(), reasoningEffort: 'high' });
    await provider().complete(model, { messages: [{ role: 'user', content: 'Plan my week.' }], maxOutputTokens: 6_000 });
    assert.equal(sent().body.max_completion_tokens, 8_000);
  });

  it('a chat model gets a strict json_schema response format that follows the strict rules', async () => {
    const answer = { edits: [{ path: 'README.md', content: '# Hello\n', diff: null }], commitMessage: 'README: greet' };
    server.current.replay({ status: 200, json: { ...(TOOL_CALL_COMPLETION.json as object), choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(answer), refusal: null }, logprobs: null, finish_reason: 'stop' }] } });
    const model = aModel({ apiModel: 'gpt-4.1', capabilities: aChatModel() });

    const response = await provider().complete(model, { messages: [{ role: 'user', content: 'Greet in the README.' }], responseSchema: { name: 'code_edits', schema: EDIT_ANSWER_SCHEMA }, temperature: 0 });

    assert.deepEqual(sent().body.response_format, { type: 'json_schema', json_schema: { name: 'code_edits', schema: EDIT_ANSWER_SCHEMA, strict: true } });
    assert.equal(sent().body.temperature, 0);
    assert.equal(sent().body.max_tokens, 1024);
    assert.deepEqual(JSON.parse(response.text), answer);
  });

  it('reads a streamed answer, its finish chunk and the usage chunk that has no choices', async () => {
    server.current.replay(STREAMED_TEXT);
    const response = await provider().complete(aModel({ apiModel: 'gpt-5.6-luna' }), { messages: [{ role: 'user', content: 'Hello' }], stream: true });

    assert.equal(sent().body.stream, true);
    assert.deepEqual(sent().body.stream_options, { include_usage: true });
    assert.equal(response.text, 'Hello! How can I help you today?');
    assert.equal(response.finishReason, 'stop');
    assert.deepEqual(response.usage, { inputTokens: 8, cachedInputTokens: 2048, cacheWriteTokens: 0, outputTokens: 10, reasoningTokens: 0 });
  });

  it('assembles a streamed tool call from its argument pieces', async () => {
    server.current.replay(STREAMED_TOOL_CALL);
    const response = await provider().complete(aModel(), { messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weather], stream: true });

    assert.equal(response.finishReason, 'tool_calls');
    assert.deepEqual(response.toolCalls, [{ id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA', name: 'get_weather', arguments: { location: 'Paris, France' } }]);
    assert.deepEqual(response.usage, { inputTokens: 73, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 17, reasoningTokens: 0 });
  });

  it('reads a refusal as the finish reason refusal with its words, not as an empty success', async () => {
    server.current.replay(REFUSAL_COMPLETION);
    const response = await provider().complete(aModel(), { messages: [{ role: 'user', content: 'Something it will not do.' }] });

    assert.equal(response.finishReason, 'refusal');
    assert.equal(response.refusal, "I'm sorry, I cannot assist with that request.");
    assert.equal(response.text, '');
  });

  it('never sends an empty assistant turn (an empty answer being escalated)', async () => {
    server.current.replay(STREAMED_TEXT);
    await provider().complete(aModel(), {
      messages: [
        { role: 'user', content: 'Extract the dates.' },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'A first attempt gave an empty answer. Answer the request above.' },
      ],
      stream: true,
    });
    assert.deepEqual((sent().body.messages as Array<{ role: string }>).map((message) => message.role), ['user', 'user']);
  });
});
