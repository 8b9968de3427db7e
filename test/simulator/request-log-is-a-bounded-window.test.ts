/**
 * The simulator runs inside the daemon for keyless providers, so it must not keep every
 * request it ever served: `requests` is a window of the most recent ones (1,000 by default,
 * `requestLog` for more or fewer), oldest dropped first, and the model list it serves still
 * names every model it has seen. Real openai SDK over loopback.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { DEFAULT_REQUEST_LOG, startSimulator } from '../../agent/simulator/simulator.ts';

async function send(simulator: { openaiBaseURL: string }, count: number, model: (index: number) => string) {
  const sdk = new OpenAI({ baseURL: simulator.openaiBaseURL, apiKey: 'sk-window-test', maxRetries: 0 });
  for (let index = 0; index < count; index++) {
    await sdk.chat.completions.create({ model: model(index), messages: [{ role: 'user', content: `request ${index}` }], max_tokens: 5 });
  }
  return sdk;
}

const lastUserText = (body: Record<string, unknown>) => ((body.messages as Array<{ content: string }>).at(-1)?.content ?? '');

test('with requestLog 5, only the five most recent requests are kept, oldest first', async () => {
  const simulator = await startSimulator({ requestLog: 5 });
  try {
    await send(simulator, 12, () => 'window-model');
    assert.equal(simulator.requests.length, 5);
    assert.deepEqual(simulator.requests.map((request) => lastUserText(request.body)), ['request 7', 'request 8', 'request 9', 'request 10', 'request 11']);
  } finally {
    await simulator.close();
  }
});

test('the model list still names every model seen, after their requests left the window', async () => {
  const simulator = await startSimulator({ requestLog: 2 });
  try {
    const sdk = await send(simulator, 6, (index) => `model-${index}`);
    const listed = (await sdk.models.list()).data.map((model) => model.id).sort();
    assert.deepEqual(listed, ['model-0', 'model-1', 'model-2', 'model-3', 'model-4', 'model-5']);
  } finally {
    await simulator.close();
  }
});

test('the default window is 1,000 requests; a test can ask for more and keep them all', async () => {
  assert.equal(DEFAULT_REQUEST_LOG, 1_000);
  const simulator = await startSimulator({ requestLog: 1_500 });
  try {
    await send(simulator, 1_200, () => 'many-model');
    assert.equal(simulator.requests.length, 1_200);
    assert.equal(lastUserText(simulator.requests[0]!.body), 'request 0');
  } finally {
    await simulator.close();
  }
});

test('a default simulator serving more than 1,000 requests holds exactly the last 1,000', async () => {
  const simulator = await startSimulator();
  try {
    await send(simulator, 1_050, () => 'default-model');
    assert.equal(simulator.requests.length, 1_000);
    assert.equal(lastUserText(simulator.requests[0]!.body), 'request 50');
    simulator.reset();
    assert.equal(simulator.requests.length, 0);
  } finally {
    await simulator.close();
  }
});
