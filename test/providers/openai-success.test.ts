import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createOpenAIProvider } from '../../agent/providers/openai.ts';
import { aModel, aRequest } from '../helpers/builders.ts';
import { simulatorSpec, useSimulator } from '../helpers/simulator.ts';

const simulator = useSimulator();
const provider = () => createOpenAIProvider(simulatorSpec(simulator.current, 'openai'));
const lastBody = () => simulator.current.requests.at(-1)!.body;

const weatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
};

describe('OpenAI provider, through the openai SDK against the simulator', () => {
  it('sends the chat-completions body and returns the text answer, marked simulated', async () => {
    simulator.current.script('test-model', { text: 'You have two meetings.' });

    const response = await provider().complete(aModel(), aRequest({ temperature: 0.2, maxOutputTokens: 300 }));

    assert.equal(response.text, 'You have two meetings.');
    assert.equal(response.finishReason, 'stop');
    assert.equal(response.model, 'test-model');
    assert.equal(response.simulated, true);
    assert.deepEqual(response.toolCalls, []);
    const recorded = simulator.current.requests.at(-1)!;
    assert.equal(recorded.headers.authorization, 'Bearer sk-test-secret-key-0123456789');
    assert.deepEqual(recorded.body, {
      model: 'test-model',
      messages: [
        { role: 'system', content: 'You are a careful assistant.' },
        { role: 'user', content: 'What is on my calendar today?' },
      ],
      max_tokens: 300,
      temperature: 0.2,
      stream: false,
    });
  });

  it('returns tool calls and sends them back with their results', async () => {
    simulator.current.script('test-model', { toolCalls: [{ name: 'get_weather', arguments: { city: 'Lyon' } }] }, { text: 'Sunny in Lyon.' });
    const first = await provider().complete(aModel(), aRequest({ tools: [weatherTool] }));

    assert.equal(first.finishReason, 'tool_calls');
    assert.equal(first.toolCalls.length, 1);
    assert.equal(first.toolCalls[0].name, 'get_weather');
    assert.deepEqual(first.toolCalls[0].arguments, { city: 'Lyon' });
    assert.deepEqual(lastBody().tools, [{ type: 'function', function: { ...weatherTool, strict: true } }]);

    const callId = first.toolCalls[0].id;
    const second = await provider().complete(
      aModel(),
      aRequest({
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'Weather in Lyon?' },
          { role: 'assistant', content: '', toolCalls: first.toolCalls },
          { role: 'tool', toolCallId: callId, toolName: 'get_weather', content: '{"sky":"clear"}' },
        ],
      }),
    );

    assert.equal(second.text, 'Sunny in Lyon.');
    assert.deepEqual(lastBody().messages, [
      { role: 'user', content: 'Weather in Lyon?' },
      { role: 'assistant', content: null, tool_calls: [{ id: callId, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lyon"}' } }] },
      { role: 'tool', tool_call_id: callId, content: '{"sky":"clear"}' },
    ]);
  });

  it('asks for strict json_schema output and gets JSON satisfying the schema by default', async () => {
    const schema = {
      type: 'object',
      properties: { priority: { type: 'string', enum: ['high', 'low'] }, count: { type: 'integer', minimum: 1 }, note: { type: ['string', 'null'] } },
      required: ['priority', 'count', 'note'],
      additionalProperties: false,
    };

    const response = await provider().complete(aModel(), aRequest({ responseSchema: { name: 'triage', schema } }));

    assert.deepEqual(lastBody().response_format, { type: 'json_schema', json_schema: { name: 'triage', schema, strict: true } });
    assert.deepEqual(JSON.parse(response.text), { priority: 'high', count: 1, note: 'simulated' });
    assert.equal(response.finishReason, 'stop');
  });

  it('streams with include_usage and assembles text and usage', async () => {
    simulator.current.script('test-model', { text: 'A streamed answer that spans several chunks.', usage: { inputTokens: 40, outputTokens: 9 } });

    const response = await provider().complete(aModel(), aRequest({ stream: true }));

    assert.equal(lastBody().stream, true);
    assert.deepEqual(lastBody().stream_options, { include_usage: true });
    assert.equal(response.text, 'A streamed answer that spans several chunks.');
    assert.equal(response.finishReason, 'stop');
    assert.deepEqual(response.usage, { inputTokens: 40, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 9, reasoningTokens: 0 });
    assert.equal(response.simulated, true);
  });

  it('streams a long answer even when the request did not ask to', async () => {
    simulator.current.script('test-model', { text: 'long', usage: { inputTokens: 10, outputTokens: 2 } });
    const response = await provider().complete(aModel({ maxOutputTokens: 32_000 }), aRequest({ maxOutputTokens: 20_000 }));
    assert.equal(lastBody().stream, true);
    assert.equal(response.text, 'long');
    assert.equal(response.usage.outputTokens, 2);
  });

  it('assembles streamed tool-call deltas', async () => {
    simulator.current.script('test-model', {
      toolCalls: [
        { name: 'get_weather', arguments: { city: 'Saint-Étienne-de-Tinée' } },
        { name: 'get_weather', arguments: { city: 'Oslo' } },
      ],
    });

    const response = await provider().complete(aModel(), aRequest({ stream: true, tools: [weatherTool] }));

    assert.equal(response.finishReason, 'tool_calls');
    assert.deepEqual(
      response.toolCalls.map((call) => call.arguments),
      [{ city: 'Saint-Étienne-de-Tinée' }, { city: 'Oslo' }],
    );
    assert.equal(new Set(response.toolCalls.map((call) => call.id)).size, 2);
  });

  it('reports input as uncached: prompt_tokens minus cached_tokens', async () => {
    simulator.current.script('test-model', { text: 'ok', usage: { inputTokens: 100, cachedInputTokens: 900, outputTokens: 20 } });

    const response = await provider().complete(aModel(), aRequest());

    assert.deepEqual(response.usage, { inputTokens: 100, cachedInputTokens: 900, cacheWriteTokens: 0, outputTokens: 20, reasoningTokens: 0 });
  });

  it('reports a stable prefix seen before as cached, the rest as input', async () => {
    const request = aRequest({ tools: [weatherTool] });
    const first = await provider().complete(aModel(), request);
    const second = await provider().complete(aModel(), request);

    assert.equal(first.usage.cachedInputTokens, 0);
    assert.ok(second.usage.cachedInputTokens > 0);
    assert.equal(second.usage.inputTokens + second.usage.cachedInputTokens, first.usage.inputTokens);
  });

  it('sends max_tokens (not max_completion_tokens) to an OpenAI-compatible endpoint', async () => {
    await provider().complete(aModel({ maxOutputTokens: 777 }), aRequest());

    assert.equal(lastBody().max_tokens, 777);
    assert.equal(lastBody().max_completion_tokens, undefined);
  });
});
