import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAnthropicProvider } from '../../agent/providers/anthropic.ts';
import { aClaudeModel, aModel, aRequest } from '../helpers/builders.ts';
import { simulatorSpec, useSimulator } from '../helpers/simulator.ts';

const simulator = useSimulator();
const claude = (overrides: Parameters<typeof aModel>[0] = {}) => aModel({ capabilities: aClaudeModel(), ...overrides });
const provider = () => createAnthropicProvider(simulatorSpec(simulator.current, 'anthropic'));
const lastBody = () => simulator.current.requests.at(-1)!.body;

const weatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('Anthropic provider, through @anthropic-ai/sdk against the simulator', () => {
  it('hoists system messages into system blocks and returns the text answer, marked simulated', async () => {
    simulator.current.script('test-model', { text: 'You have two meetings.' });

    const response = await provider().complete(claude(), aRequest({ maxOutputTokens: 300 }));

    assert.equal(response.text, 'You have two meetings.');
    assert.equal(response.finishReason, 'stop');
    assert.equal(response.simulated, true);
    assert.deepEqual(lastBody(), {
      model: 'test-model',
      max_tokens: 300,
      system: [{ type: 'text', text: 'You are a careful assistant.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is on my calendar today?' }] }],
      stream: false,
    });
  });

  it('returns tool_use blocks as tool calls and sends results back as one user turn', async () => {
    simulator.current.script(
      'test-model',
      { toolCalls: [{ name: 'get_weather', arguments: { city: 'Lyon' } }, { name: 'get_weather', arguments: { city: 'Oslo' } }] },
      { text: 'Sunny in Lyon, snow in Oslo.' },
    );
    const first = await provider().complete(claude(), aRequest({ tools: [weatherTool] }));

    assert.equal(first.finishReason, 'tool_calls');
    assert.deepEqual(first.toolCalls.map((call) => call.arguments), [{ city: 'Lyon' }, { city: 'Oslo' }]);
    assert.deepEqual(lastBody().tools, [{ name: 'get_weather', description: 'Weather for a city', input_schema: weatherTool.parameters }]);

    const [lyon, oslo] = first.toolCalls;
    await provider().complete(
      claude(),
      aRequest({
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', content: 'Checking.', toolCalls: first.toolCalls },
          { role: 'tool', toolCallId: lyon.id, toolName: 'get_weather', content: 'clear' },
          { role: 'tool', toolCallId: oslo.id, toolName: 'get_weather', content: 'service down', isError: true },
        ],
      }),
    );

    assert.deepEqual(lastBody().messages, [
      { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: lyon.id, name: 'get_weather', input: { city: 'Lyon' } },
          { type: 'tool_use', id: oslo.id, name: 'get_weather', input: { city: 'Oslo' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: lyon.id, content: 'clear' },
          { type: 'tool_result', tool_use_id: oslo.id, content: 'service down', is_error: true },
        ],
      },
    ]);
  });

  it('gets structured output through a forced tool, returned as JSON text', async () => {
    const schema = { type: 'object', properties: { labels: { type: 'array', items: { type: 'string' }, minItems: 1 } }, required: ['labels'] };

    const response = await provider().complete(claude(), aRequest({ responseSchema: { name: 'labels', schema } }));

    assert.deepEqual(lastBody().tool_choice, { type: 'tool', name: 'labels' });
    assert.deepEqual((lastBody().tools as Array<{ name: string }>).map((tool) => tool.name), ['labels']);
    assert.deepEqual(JSON.parse(response.text), { labels: ['simulated'] });
    assert.deepEqual(response.toolCalls, []);
    assert.equal(response.finishReason, 'stop');
  });

  it('streams text and tool input, with usage from message_start and message_delta', async () => {
    simulator.current.script(
      'test-model',
      { text: 'A streamed answer that spans several chunks.', usage: { inputTokens: 40, outputTokens: 9, cachedInputTokens: 5 } },
      { toolCalls: [{ name: 'get_weather', arguments: { city: 'Saint-Étienne-de-Tinée' } }] },
    );

    const text = await provider().complete(claude(), aRequest({ stream: true }));
    const tool = await provider().complete(claude(), aRequest({ stream: true, tools: [weatherTool] }));

    assert.equal(lastBody().stream, true);
    assert.equal(text.text, 'A streamed answer that spans several chunks.');
    assert.deepEqual(text.usage, { inputTokens: 40, cachedInputTokens: 5, cacheWriteTokens: 0, outputTokens: 9, reasoningTokens: 0 });
    assert.equal(tool.finishReason, 'tool_calls');
    assert.deepEqual(tool.toolCalls[0].arguments, { city: 'Saint-Étienne-de-Tinée' });
  });

  it('streams on its own when maxOutputTokens is too large for a plain request', async () => {
    const response = await provider().complete(claude({ maxOutputTokens: 64_000 }), aRequest({ maxOutputTokens: 32_000 }));

    assert.equal(lastBody().stream, true);
    assert.equal(lastBody().max_tokens, 32_000);
    assert.match(response.text, /simulated/);
  });

  it('marks the stable prefix for caching: writes it once, then reads it', async () => {
    const request = aRequest({ tools: [weatherTool], cachePrefixMessages: 1 });

    const first = await provider().complete(claude(), request);
    const body = lastBody();
    const second = await provider().complete(claude(), request);

    assert.deepEqual(body.system, [{ type: 'text', text: 'You are a careful assistant.', cache_control: { type: 'ephemeral' } }]);
    assert.deepEqual((body.tools as Array<Record<string, unknown>>)[0].cache_control, { type: 'ephemeral' });
    assert.ok(first.usage.cacheWriteTokens > 0);
    assert.equal(first.usage.cachedInputTokens, 0);
    assert.equal(second.usage.cachedInputTokens, first.usage.cacheWriteTokens);
    assert.equal(second.usage.cacheWriteTokens, 0);
    assert.equal(second.usage.inputTokens, first.usage.inputTokens);
  });

  it('places the breakpoint on a prefix that ends in a user message', async () => {
    await provider().complete(
      claude(),
      aRequest({
        cachePrefixMessages: 2,
        messages: [
          { role: 'system', content: 'Soul.' },
          { role: 'user', content: 'Long standing context.' },
          { role: 'user', content: 'Today’s question.' },
        ],
      }),
    );

    assert.deepEqual(lastBody().system, [{ type: 'text', text: 'Soul.' }]);
    assert.deepEqual(lastBody().messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Long standing context.', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'Today’s question.' },
        ],
      },
    ]);
  });

  it('sends no cache_control without a stable prefix, and the simulator then caches nothing', async () => {
    await provider().complete(claude(), aRequest());
    const again = await provider().complete(claude(), aRequest());

    assert.equal(JSON.stringify(lastBody()).includes('cache_control'), false);
    assert.equal(again.usage.cachedInputTokens, 0);
    assert.equal(again.usage.cacheWriteTokens, 0);
  });
});
