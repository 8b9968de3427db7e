import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAnthropicProvider } from '../../agent/providers/anthropic.ts';
import { createOpenAIProvider } from '../../agent/providers/openai.ts';
import { formatUsageHeader, SIM_USAGE_HEADER } from '../../agent/simulator/protocol.ts';
import { sampleFromSchema } from '../../agent/simulator/schema-sample.ts';
import { aModel, aRequest } from '../helpers/builders.ts';
import { simulatorSpec, useSimulator } from '../helpers/simulator.ts';

const simulator = useSimulator();
const openai = () => createOpenAIProvider(simulatorSpec(simulator.current, 'openai'));
const anthropic = () => createAnthropicProvider(simulatorSpec(simulator.current, 'anthropic'));

describe('simulator scripting', () => {
  it('answers each model from its own queue, in order, then falls back to the default answer', async () => {
    simulator.current.script('model-a', { text: 'a1' }, { text: 'a2' });
    simulator.current.script('model-b', { text: 'b1' });
    const call = (apiModel: string) => openai().complete(aModel({ apiModel }), aRequest());

    assert.equal((await call('model-a')).text, 'a1');
    assert.equal((await call('model-b')).text, 'b1');
    assert.equal((await call('model-a')).text, 'a2');
    assert.match((await call('model-a')).text, /^\[simulated model-a\]/);
  });

  it('gives the same default answer to the same request', async () => {
    const first = await anthropic().complete(aModel(), aRequest());
    const second = await anthropic().complete(aModel(), aRequest());

    assert.equal(first.text, second.text);
    assert.match(first.text, /What is on my calendar today\?/);
  });

  it('holds a persistent fault until cleared; a scripted step goes first', async () => {
    simulator.current.setFault('test-model', { fault: 'server' });
    simulator.current.script('test-model', { text: 'scripted' });

    assert.equal((await openai().complete(aModel(), aRequest())).text, 'scripted');
    await assert.rejects(openai().complete(aModel(), aRequest()), { kind: 'server' });
    await assert.rejects(openai().complete(aModel(), aRequest()), { kind: 'server' });
    simulator.current.setFault('test-model', undefined);
    assert.match((await openai().complete(aModel(), aRequest())).text, /simulated/);
  });

  it('delays, then answers', async () => {
    simulator.current.script('test-model', { fault: 'delay', ms: 60 });
    const started = performance.now();

    const response = await openai().complete(aModel(), aRequest());

    assert.ok(performance.now() - started >= 55);
    assert.match(response.text, /simulated/);
  });

  it('records every request with its headers, and reset forgets them and the scripts', async () => {
    simulator.current.script('test-model', { text: 'never used' });
    simulator.current.reset();
    await anthropic().complete(aModel(), aRequest());

    assert.equal(simulator.current.requests.length, 1);
    const [recorded] = simulator.current.requests;
    assert.equal(recorded.api, 'anthropic');
    assert.equal(recorded.path, '/v1/messages');
    assert.equal(recorded.model, 'test-model');
    assert.ok(recorded.headers['authorization'] ?? recorded.headers['x-api-key']);
    assert.match((await anthropic().complete(aModel(), aRequest())).text, /simulated/);
  });

  it(`lets a replay dictate exact usage per call with the ${SIM_USAGE_HEADER} header`, async () => {
    const headers = { [SIM_USAGE_HEADER]: formatUsageHeader({ inputTokens: 1234, outputTokens: 56, cachedInputTokens: 700 }) };

    const viaOpenAI = await openai().complete(aModel(), aRequest(), undefined, { headers });
    const viaAnthropic = await anthropic().complete(aModel(), aRequest({ stream: true }), undefined, { headers });

    for (const response of [viaOpenAI, viaAnthropic]) {
      assert.deepEqual(response.usage, { inputTokens: 1234, cachedInputTokens: 700, cacheWriteTokens: 0, outputTokens: 56, reasoningTokens: 0 });
    }
  });

  it('lets an in-process hook decide usage per model; a scripted usage still wins', async () => {
    simulator.current.setUsageFor('test-model', (request) => ({ inputTokens: (request.body.messages as unknown[]).length * 100, outputTokens: 7 }));
    simulator.current.script('test-model', { text: 'scripted', usage: { inputTokens: 1, outputTokens: 1 } });

    const scripted = await openai().complete(aModel(), aRequest());
    const hooked = await openai().complete(aModel(), aRequest());

    assert.equal(scripted.usage.inputTokens, 1);
    assert.equal(hooked.usage.inputTokens, 200);
    assert.equal(hooked.usage.outputTokens, 7);
  });

  it('refuses a broken usage header with a 400, so a broken replay fails loudly', async () => {
    await assert.rejects(openai().complete(aModel(), aRequest(), undefined, { headers: { [SIM_USAGE_HEADER]: '{"inputTokens":-1}' } }), { kind: 'invalid_request', status: 400 });
  });

  it('answers a scripted json step in each provider’s structured form', async () => {
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
    simulator.current.script('test-model', { json: { ok: true } }, { json: { ok: true } });

    const viaOpenAI = await openai().complete(aModel(), aRequest({ responseSchema: { name: 'verdict', schema } }));
    const viaAnthropic = await anthropic().complete(aModel(), aRequest({ responseSchema: { name: 'verdict', schema } }));

    assert.deepEqual(JSON.parse(viaOpenAI.text), { ok: true });
    assert.deepEqual(JSON.parse(viaAnthropic.text), { ok: true });
  });

  it('cuts a long text at maxOutputTokens and says so', async () => {
    simulator.current.script('test-model', { text: 'x'.repeat(400) });

    const response = await anthropic().complete(aModel(), aRequest({ maxOutputTokens: 10 }));

    assert.equal(response.finishReason, 'length');
    assert.equal(response.text.length, 40);
  });

  it('lists the models it has been asked for at GET /v1/models', async () => {
    await openai().complete(aModel({ apiModel: 'listed-model' }), aRequest());

    const listing = (await (await fetch(`${simulator.current.openaiBaseURL}/models`)).json()) as { data: Array<{ id: string }> };

    assert.deepEqual(listing.data.map((model) => model.id), ['listed-model']);
  });
});

describe('sampleFromSchema', () => {
  it('fills required properties with the smallest valid values', () => {
    const schema = {
      type: 'object',
      required: ['kind', 'tags', 'when', 'size', 'child', 'either'],
      properties: {
        kind: { enum: ['mail', 'calendar'] },
        tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
        when: { type: 'string', format: 'date' },
        size: { type: ['integer', 'null'], minimum: 3 },
        child: { $ref: '#/$defs/child' },
        either: { anyOf: [{ type: 'boolean' }, { type: 'string' }] },
        optional: { type: 'string' },
      },
      $defs: { child: { type: 'object', properties: { name: { type: 'string', minLength: 12 } }, required: ['name'] } },
    };

    assert.deepEqual(sampleFromSchema(schema), {
      kind: 'mail',
      tags: ['simulated', 'simulated'],
      when: '2000-01-01',
      size: 3,
      child: { name: 'simulated...' },
      either: false,
    });
  });
});
