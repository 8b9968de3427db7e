/**
 * Conformance with Anthropic messages as the API reference defines it: the bodies our provider
 * sends through the real @anthropic-ai/sdk (no sampling parameters, native structured output
 * for a thinking model, thinking blocks passed back unchanged in a tool loop, no empty text
 * block, max_tokens within the model's) and its reading of recorded responses and streams
 * (thinking with signatures, tool use, cache usage, refusals), replayed by a loopback server.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAnthropicProvider } from '../../agent/providers/anthropic.ts';
import type { Message } from '../../contracts/types.ts';
import { aClaudeModel, aModel, aProviderSpec, aThinkingClaudeModel } from '../helpers/builders.ts';
import { useFixtureServer } from '../helpers/fixture-server.ts';
import { REFUSAL, STREAMED_THINKING_TEXT, STREAMED_TOOL_USE, THINKING_TOOL_USE } from './fixtures/anthropic-messages.ts';

const server = useFixtureServer();
const provider = () => createAnthropicProvider(aProviderSpec({ api: 'anthropic', baseURL: server.current.url }));
const sent = () => server.current.received.at(-1)!;
const opus = () => aModel({ apiModel: 'claude-opus-4-8', maxOutputTokens: 32_000, capabilities: aThinkingClaudeModel() });

const weather = {
  name: 'get_weather',
  description: 'Current weather in a place',
  parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'], additionalProperties: false },
};

describe('Anthropic messages, as the API reference defines it', () => {
  it('in a tool loop, the thinking block goes back exactly as received, with its signature', async () => {
    server.current.replay(THINKING_TOOL_USE, { status: 200, json: { ...(THINKING_TOOL_USE.json as object), content: [{ type: 'text', text: 'It is 18°C and sunny in Paris.' }], stop_reason: 'end_turn' } });
    const messages: Message[] = [
      { role: 'system', content: 'You are the orchestrator.' },
      { role: 'user', content: 'What is the weather in Paris?' },
    ];

    const first = await provider().complete(opus(), { messages, tools: [weather], temperature: 0.2, maxOutputTokens: 2_048 });
    assert.equal(first.finishReason, 'tool_calls');
    assert.deepEqual(first.toolCalls, [{ id: 'toolu_01CswdEQBMshySk6Y9DFKrfq', name: 'get_weather', arguments: { location: 'Paris' } }]);
    assert.deepEqual(first.usage, { inputTokens: 21, cachedInputTokens: 1962, cacheWriteTokens: 188, outputTokens: 393, reasoningTokens: 0 });
    assert.equal(sent().body.temperature, undefined, 'no sampling parameters');
    assert.equal(sent().body.max_tokens, 2_048 + 8_192, 'the visible cap plus room for thinking');

    messages.push({ role: 'assistant', content: first.text, toolCalls: first.toolCalls, providerContent: first.providerContent });
    messages.push({ role: 'tool', toolCallId: 'toolu_01CswdEQBMshySk6Y9DFKrfq', toolName: 'get_weather', content: '{"temperature": 18, "sky": "sunny"}' });
    const second = await provider().complete(opus(), { messages, tools: [weather], maxOutputTokens: 2_048 });

    const turns = sent().body.messages as Array<{ role: string; content: unknown }>;
    assert.deepEqual(turns[1], { role: 'assistant', content: (THINKING_TOOL_USE.json as { content: unknown }).content });
    assert.deepEqual(turns[2], { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01CswdEQBMshySk6Y9DFKrfq', content: '{"temperature": 18, "sky": "sunny"}' }] });
    assert.equal(second.text, 'It is 18°C and sunny in Paris.');
  });

  it('a thinking model gets structured output through output_config.format, never a forced tool', async () => {
    const answer = { intro: 'A quiet day.', priorities: ['Reply to the landlord'] };
    server.current.replay({ status: 200, json: { ...(THINKING_TOOL_USE.json as object), content: [{ type: 'thinking', thinking: '…', signature: 'c2ln' }, { type: 'text', text: JSON.stringify(answer) }], stop_reason: 'end_turn' } });
    const schema = { type: 'object', properties: { intro: { type: 'string' }, priorities: { type: 'array', items: { type: 'string' }, maxItems: 5 } }, required: ['intro', 'priorities'], additionalProperties: false };

    const response = await provider().complete(opus(), { messages: [{ role: 'user', content: 'Write the opening.' }], responseSchema: { name: 'intro', schema }, maxOutputTokens: 1_000 });

    assert.equal(sent().body.tool_choice, undefined);
    assert.equal(sent().body.tools, undefined);
    assert.deepEqual(sent().body.output_config, {
      format: {
        type: 'json_schema',
        // maxItems is not enforceable there: it moves into the description, and the answer is checked on arrival.
        schema: { type: 'object', properties: { intro: { type: 'string' }, priorities: { type: 'array', items: { type: 'string' }, description: '(maxItems: 5)' } }, required: ['intro', 'priorities'], additionalProperties: false },
      },
    });
    assert.deepEqual(JSON.parse(response.text), answer);
  });

  it('a model without mandatory thinking gets structured output through a forced tool', async () => {
    server.current.replay({ status: 200, json: { ...(THINKING_TOOL_USE.json as object), content: [{ type: 'tool_use', id: 'toolu_1', name: 'verdict', input: { ok: true } }] } });
    const haiku = aModel({ apiModel: 'claude-haiku-4-5', maxOutputTokens: 64_000, capabilities: aClaudeModel() });
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };

    const response = await provider().complete(haiku, { messages: [{ role: 'user', content: 'Is it ok?' }], responseSchema: { name: 'verdict', schema }, maxOutputTokens: 1_024 });
    assert.deepEqual(sent().body.tool_choice, { type: 'tool', name: 'verdict' });
    assert.equal(sent().body.max_tokens, 1_024, 'no thinking room for a model that does not think');
    assert.equal(response.text, '{"ok":true}');
    assert.equal(response.finishReason, 'stop');
  });

  it('reads a streamed thinking block whole (signature included), then the text, skipping pings', async () => {
    server.current.replay(STREAMED_THINKING_TEXT);
    const response = await provider().complete(opus(), { messages: [{ role: 'user', content: 'What is 27 * 453?' }], stream: true });

    assert.equal(sent().body.stream, true);
    assert.equal(response.text, '27 * 453 = 12,231');
    assert.deepEqual(response.providerContent?.blocks[0], {
      type: 'thinking',
      thinking: 'Let me solve this step by step:\n\n1. First break down 27 * 453\n2. 453 = 400 + 50 + 3',
      signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...',
    });
    assert.deepEqual(response.usage, { inputTokens: 472, cachedInputTokens: 2048, cacheWriteTokens: 0, outputTokens: 100, reasoningTokens: 0 });
  });

  it('assembles streamed tool input from its JSON pieces', async () => {
    server.current.replay(STREAMED_TOOL_USE);
    const response = await provider().complete(aModel({ capabilities: aClaudeModel() }), { messages: [{ role: 'user', content: 'Weather in SF?' }], tools: [weather], stream: true });

    assert.equal(response.text, "Okay, let's check the weather for San Francisco, CA:");
    assert.deepEqual(response.toolCalls, [{ id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', arguments: { location: 'San Francisco, CA' } }]);
    assert.equal(response.finishReason, 'tool_calls');
  });

  it('reads stop_reason refusal as a refusal, and never sends an empty text block or turn', async () => {
    server.current.replay(REFUSAL);
    const response = await provider().complete(aModel({ capabilities: aClaudeModel() }), {
      messages: [
        { role: 'system', content: 'You extract dates.' },
        { role: 'user', content: 'Extract the dates.' },
        { role: 'assistant', content: '' },
        { role: 'user', content: '' },
        { role: 'user', content: 'A first attempt gave an empty answer. Answer the request above.' },
      ],
    });

    assert.equal(response.finishReason, 'refusal');
    assert.deepEqual(sent().body.messages, [
      { role: 'user', content: [{ type: 'text', text: 'Extract the dates.' }, { type: 'text', text: 'A first attempt gave an empty answer. Answer the request above.' }] },
    ]);
  });
});
