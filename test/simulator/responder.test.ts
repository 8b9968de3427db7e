import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAnthropicProvider } from '../../agent/providers/anthropic.ts';
import { createOpenAIProvider } from '../../agent/providers/openai.ts';
import type { ResponderRequest } from '../../agent/simulator/types.ts';
import { aModel, aRequest } from '../helpers/builders.ts';
import { simulatorSpec, useSimulator } from '../helpers/simulator.ts';

const simulator = useSimulator();
const openai = () => createOpenAIProvider(simulatorSpec(simulator.current, 'openai'));
const anthropic = () => createAnthropicProvider(simulatorSpec(simulator.current, 'anthropic'));

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['city'],
  properties: { city: { type: 'string' } },
};

describe('simulator responder', () => {
  it('answers by looking at the request, and leaves the default answer when it returns undefined', async () => {
    simulator.current.setResponder('test-model', (request) => (request.lastUserText.includes('weather') ? { text: 'Sunny, 21 degrees.' } : undefined));

    const weather = await openai().complete(aModel(), aRequest({ messages: [{ role: 'user', content: 'What is the weather?' }] }));
    const other = await openai().complete(aModel(), aRequest());

    assert.equal(weather.text, 'Sunny, 21 degrees.');
    assert.match(other.text, /^\[simulated test-model\]/);
  });

  it('sees the same text on both wire APIs: the prompt with its system message, the last user message, the schema', async () => {
    const seen: ResponderRequest[] = [];
    simulator.current.setResponder('test-model', (request) => {
      seen.push(request);
      return { json: { city: 'Lisbon' } };
    });
    const request = aRequest({ responseSchema: { name: 'place', schema } });

    const fromOpenAI = await openai().complete(aModel(), request);
    const fromAnthropic = await anthropic().complete(aModel(), request);

    assert.deepEqual(JSON.parse(fromOpenAI.text), { city: 'Lisbon' });
    assert.deepEqual(JSON.parse(fromAnthropic.text), { city: 'Lisbon' });
    assert.deepEqual(seen.map((entry) => entry.api), ['openai', 'anthropic']);
    for (const entry of seen) {
      assert.match(entry.promptText, /You are a careful assistant\./);
      assert.equal(entry.lastUserText, 'What is on my calendar today?');
      assert.deepEqual((entry.responseSchema as { required?: unknown }).required, ['city']);
      assert.equal(entry.model, 'test-model');
    }
  });

  it('answers only its own model', async () => {
    simulator.current.setResponder('other-model', () => ({ text: 'not for you' }));

    const response = await openai().complete(aModel(), aRequest());

    assert.match(response.text, /^\[simulated test-model\]/);
  });

  it('goes after the script queue and a persistent fault, and may itself return a fault', async () => {
    simulator.current.setResponder('test-model', (request) => (request.lastUserText.includes('fail') ? { fault: 'server' } : { text: 'from the responder' }));
    simulator.current.script('test-model', { text: 'scripted' });

    assert.equal((await openai().complete(aModel(), aRequest())).text, 'scripted');
    assert.equal((await openai().complete(aModel(), aRequest())).text, 'from the responder');
    await assert.rejects(openai().complete(aModel(), aRequest({ messages: [{ role: 'user', content: 'please fail' }] })), { kind: 'server' });
    simulator.current.setFault('test-model', { fault: 'unavailable' });
    await assert.rejects(openai().complete(aModel(), aRequest()), { kind: 'overloaded' });
  });

  it('marks a responder answer simulated, and is forgotten on clear and on reset', async () => {
    simulator.current.setResponder('test-model', () => ({ text: 'answered' }));
    const answered = await openai().complete(aModel(), aRequest());
    simulator.current.setResponder('test-model', undefined);
    const cleared = await openai().complete(aModel(), aRequest());
    simulator.current.setResponder('test-model', () => ({ text: 'answered' }));
    simulator.current.reset();
    const afterReset = await openai().complete(aModel(), aRequest());

    assert.equal(answered.text, 'answered');
    assert.equal(answered.simulated, true);
    assert.match(cleared.text, /^\[simulated/);
    assert.match(afterReset.text, /^\[simulated/);
  });
});
