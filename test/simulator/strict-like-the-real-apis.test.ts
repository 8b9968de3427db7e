/**
 * The simulator refuses what the real APIs refuse, with their error bodies, for the models it
 * is given: unknown and retired model ids, reasoning-model parameters, strict schemas that
 * break the strict rules, JSON mode without the word "json", empty content blocks, sampling
 * parameters a Claude model deprecates, forced tool use on a thinking model, forged thinking
 * signatures, output-format schemas the native format cannot take. Requests go as raw HTTP so
 * the bodies are exactly the ones under test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startSimulator } from '../../agent/simulator/simulator.ts';
import type { Simulator } from '../../agent/simulator/types.ts';
import { aChatModel, aClaudeModel, aReasoningModel, aThinkingClaudeModel } from '../helpers/builders.ts';

let simulator: Simulator;
before(async () => {
  simulator = await startSimulator({
    clock: () => new Date('2026-12-02T00:00:00Z'),
    models: [
      { apiModel: 'gpt-5.6-terra', api: 'openai', capabilities: aReasoningModel(), maxOutputTokens: 128_000 },
      { apiModel: 'gpt-4.1', api: 'openai', capabilities: aChatModel(), maxOutputTokens: 32_768, retires: '2027-01-14' },
      { apiModel: 'o3', api: 'openai', capabilities: aReasoningModel(), maxOutputTokens: 100_000, retires: '2026-12-11' },
      { apiModel: 'o1', api: 'openai', capabilities: aReasoningModel(), maxOutputTokens: 100_000, retires: '2026-10-23' },
      { apiModel: 'claude-haiku-4-5', api: 'anthropic', capabilities: aClaudeModel(), maxOutputTokens: 64_000 },
      { apiModel: 'claude-opus-4-8', api: 'anthropic', capabilities: aThinkingClaudeModel(), maxOutputTokens: 32_000 },
    ],
  });
});
after(() => simulator.close());

async function openai(body: Record<string, unknown>): Promise<{ status: number; body: { error?: Record<string, unknown> } & Record<string, unknown> }> {
  const response = await fetch(`${simulator.openaiBaseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { error?: Record<string, unknown> } };
}

async function anthropic(body: Record<string, unknown>): Promise<{ status: number; body: { error?: Record<string, unknown> } & Record<string, unknown> }> {
  const response = await fetch(`${simulator.anthropicBaseURL}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-test' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { error?: Record<string, unknown> } };
}

const user = [{ role: 'user', content: 'Hello' }];

describe('the simulator, strict like the real APIs', () => {
  it('answers 404 for an unknown or retired model, in each provider’s body', async () => {
    const unknown = await openai({ model: 'gpt-9', messages: user });
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body.error, { message: 'The model `gpt-9` does not exist or you do not have access to it.', type: 'invalid_request_error', param: null, code: 'model_not_found' });
    assert.equal((await openai({ model: 'o1', messages: user, max_completion_tokens: 100 })).status, 404, 'retired 2026-10-23');
    assert.equal((await openai({ model: 'o3', messages: user, max_completion_tokens: 100 })).status, 200, 'retires 2026-12-11: still live today');

    const claude = await anthropic({ model: 'claude-3-5-haiku-latest', max_tokens: 100, messages: user });
    assert.equal(claude.status, 404);
    assert.deepEqual(claude.body.error, { type: 'not_found_error', message: 'model: claude-3-5-haiku-latest' });
  });

  it('lists each API its own live models through the real SDKs, retired ones left out', async () => {
    const openaiIds: string[] = [];
    for await (const model of new OpenAI({ apiKey: 'sk-test', baseURL: simulator.openaiBaseURL, maxRetries: 0 }).models.list()) openaiIds.push(model.id);
    assert.deepEqual(openaiIds.sort(), ['gpt-4.1', 'gpt-5.6-terra', 'o3'], 'o1 retired 2026-10-23; no Claude model');
    const claudeIds: string[] = [];
    for await (const model of new Anthropic({ apiKey: 'sk-ant-test', baseURL: simulator.anthropicBaseURL, maxRetries: 0 }).models.list({ limit: 100 })) claudeIds.push(model.id);
    assert.deepEqual(claudeIds.sort(), ['claude-haiku-4-5', 'claude-opus-4-8']);
  });

  it('refuses temperature and max_tokens on a reasoning model, reasoning_effort on a chat model', async () => {
    const temperature = await openai({ model: 'gpt-5.6-terra', messages: user, temperature: 0.3, max_completion_tokens: 100 });
    assert.equal(temperature.status, 400);
    assert.deepEqual(temperature.body.error, { message: "Unsupported parameter: 'temperature' is not supported with this model.", type: 'invalid_request_error', param: 'temperature', code: 'unsupported_parameter' });

    const maxTokens = await openai({ model: 'gpt-5.6-terra', messages: user, max_tokens: 100 });
    assert.equal(maxTokens.body.error?.code, 'unsupported_parameter');
    assert.match(String(maxTokens.body.error?.message), /Use 'max_completion_tokens' instead/);

    assert.equal((await openai({ model: 'gpt-5.6-terra', messages: user, temperature: 0.3, reasoning_effort: 'none', max_completion_tokens: 100 })).status, 200, 'effort none allows sampling');
    assert.equal((await openai({ model: 'gpt-4.1', messages: user, reasoning_effort: 'low' })).body.error?.param, 'reasoning_effort');
    assert.equal((await openai({ model: 'gpt-4.1', messages: user, max_tokens: 40_000 })).body.error?.code, 'invalid_value');
  });

  it('refuses a strict schema that breaks the strict rules, and JSON mode without the word json', async () => {
    const schema = { type: 'object', properties: { path: { type: 'string' }, diff: { type: 'string' } }, required: ['path'], additionalProperties: false };
    const format = await openai({ model: 'gpt-4.1', messages: user, response_format: { type: 'json_schema', json_schema: { name: 'edits', schema, strict: true } } });
    assert.equal(format.status, 400);
    assert.equal(format.body.error?.param, 'response_format');
    assert.match(String(format.body.error?.message), /property "diff" must be listed in required/);

    const tool = await openai({ model: 'gpt-4.1', messages: user, tools: [{ type: 'function', function: { name: 'edit', parameters: schema, strict: true } }] });
    assert.equal(tool.body.error?.param, 'tools[0].function.parameters');

    const jsonMode = await openai({ model: 'gpt-4.1', messages: user, response_format: { type: 'json_object' } });
    assert.match(String(jsonMode.body.error?.message), /must contain the word 'json'/);
  });

  it('answers JSON mode with one JSON object: the schema a message states, else the simulated text inside an object', async () => {
    const schema = { type: 'object', properties: { due: { type: 'string' }, amount: { type: 'number' } }, required: ['due', 'amount'], additionalProperties: false };
    const sdk = new OpenAI({ apiKey: 'sk-test', baseURL: simulator.openaiBaseURL, maxRetries: 0 });
    const withSchema = await sdk.chat.completions.create({
      model: 'gpt-4.1',
      response_format: { type: 'json_object' },
      messages: [
        { role: 'user', content: 'When is the invoice due?' },
        { role: 'system', content: `Answer with one JSON object only, valid against this JSON Schema:\n${JSON.stringify(schema)}` },
      ],
    });
    const answer = JSON.parse(withSchema.choices[0]!.message.content ?? '') as Record<string, unknown>;
    assert.deepEqual(Object.keys(answer).sort(), ['amount', 'due']);
    assert.equal(typeof answer.amount, 'number');

    const bare = await sdk.chat.completions.create({ model: 'gpt-4.1', response_format: { type: 'json_object' }, messages: [{ role: 'user', content: 'Reply in json please' }] });
    const object = JSON.parse(bare.choices[0]!.message.content ?? '') as Record<string, unknown>;
    assert.match(String(object.answer), /^\[simulated gpt-4\.1\]/);
  });

  it('refuses empty text blocks and empty turns, and sampling parameters a Claude model deprecates', async () => {
    const empty = await anthropic({ model: 'claude-haiku-4-5', max_tokens: 100, messages: [...user, { role: 'assistant', content: [{ type: 'text', text: '' }] }, ...user] });
    assert.equal(empty.status, 400);
    assert.deepEqual(empty.body.error, { type: 'invalid_request_error', message: 'messages.1.content.0: text content blocks must be non-empty' });

    const turn = await anthropic({ model: 'claude-haiku-4-5', max_tokens: 100, messages: [...user, { role: 'assistant', content: [] }, ...user] });
    assert.match(String(turn.body.error?.message), /all messages must have non-empty content/);

    const sampling = await anthropic({ model: 'claude-haiku-4-5', max_tokens: 100, messages: user, temperature: 0 });
    assert.match(String(sampling.body.error?.message), /temperature: is deprecated for this model/);

    assert.match(String((await anthropic({ model: 'claude-haiku-4-5', max_tokens: 64_001, messages: user })).body.error?.message), /maximum allowed number of output tokens/);
  });

  it('refuses forced tool use on a thinking model, a forged signature, and an open output-format schema', async () => {
    const tools = [{ name: 'answer', input_schema: { type: 'object', properties: {}, additionalProperties: false } }];
    const forced = await anthropic({ model: 'claude-opus-4-8', max_tokens: 2_000, messages: user, tools, tool_choice: { type: 'tool', name: 'answer' } });
    assert.deepEqual(forced.body.error, { type: 'invalid_request_error', message: 'Thinking may not be enabled when tool_choice forces tool use.' });

    const forged = await anthropic({
      model: 'claude-opus-4-8',
      max_tokens: 2_000,
      tools,
      messages: [
        ...user,
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'made up', signature: 'not-a-real-signature' }, { type: 'tool_use', id: 'toolu_1', name: 'answer', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' }] },
      ],
    });
    assert.match(String(forged.body.error?.message), /Invalid `signature` in `thinking` block/);

    const open = await anthropic({ model: 'claude-opus-4-8', max_tokens: 2_000, messages: user, output_config: { format: { type: 'json_schema', schema: { type: 'object', properties: { a: { type: 'string' } } } } } });
    assert.match(String(open.body.error?.message), /'additionalProperties' must be explicitly set to false/);
  });

  it('answers a scripted refusal as each API does', async () => {
    simulator.script('gpt-4.1', { refusal: 'I can’t help with that.' });
    const refused = await openai({ model: 'gpt-4.1', messages: user });
    const choice = (refused.body.choices as Array<{ message: Record<string, unknown>; finish_reason: string }>)[0];
    assert.deepEqual([choice.message.content, choice.message.refusal, choice.finish_reason], [null, 'I can’t help with that.', 'stop']);

    simulator.script('claude-haiku-4-5', { refusal: 'No.' });
    const claude = await anthropic({ model: 'claude-haiku-4-5', max_tokens: 100, messages: user });
    assert.equal(claude.body.stop_reason, 'refusal');
    assert.deepEqual(claude.body.content, []);
  });
});
