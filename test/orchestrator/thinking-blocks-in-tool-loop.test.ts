/**
 * On a model that always thinks, the orchestrator's tool loop hands each turn's thinking block
 * back unchanged: the briefing's second orchestrator step is accepted by a simulator that, like
 * the real API, refuses a tool loop whose assistant turn lost its signed thinking block.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createOrchestrator } from '../../agent/orchestrator.ts';
import { createProviderRegistry } from '../../agent/providers/registry.ts';
import { createRouter } from '../../agent/router/router.ts';
import { resolveModels } from '../../agent/runtime.ts';
import { startSimulator } from '../../agent/simulator/simulator.ts';
import type { Simulator } from '../../agent/simulator/types.ts';
import { configSchema } from '../../config/schema.ts';
import { openStore } from '../../memory/store.ts';
import type { SkillTool } from '../../skills/types.ts';
import { aThinkingClaudeModel } from '../helpers/builders.ts';

let simulator: Simulator;
before(async () => {
  simulator = await startSimulator({ models: [{ apiModel: 'claude-opus-4-8', api: 'anthropic', capabilities: aThinkingClaudeModel(), maxOutputTokens: 32_000 }] });
});
after(() => simulator.close());

function anOrchestrator() {
  const config = configSchema.parse({
    providers: { anthropic: { api: 'anthropic' } },
    models: { opus: { provider: 'anthropic', model: 'claude-opus-4-8', contextWindow: 200_000, maxOutputTokens: 32_000, prices: [{ input: 5, output: 25 }] } },
    tiers: { orchestration: ['opus'], execution: ['opus'], reasoning: ['opus'], 'large-context': ['opus'] },
    flagship: 'opus',
  });
  const models = resolveModels(config);
  models.set('opus', { ...models.get('opus')!, capabilities: aThinkingClaudeModel() });
  const providers = createProviderRegistry([{ name: 'anthropic', api: 'anthropic', baseURL: simulator.anthropicBaseURL, apiKey: 'sk-ant-test', timeoutMs: 10_000, simulated: true }]);
  const router = createRouter({ db: openStore(':memory:'), config, models, providers, decideTier: async () => ({ tier: 'orchestration', reason: 'test' }) });
  return createOrchestrator({ router, origin: { job: 'briefing' }, limits: { steps: 6, costUsd: 1, wallTimeMs: 60_000 } });
}

const calendar: SkillTool = {
  definition: {
    name: 'read_calendar',
    description: 'Today’s events',
    parameters: { type: 'object', properties: { day: { type: 'string' } }, required: ['day'], additionalProperties: false },
  },
  execute: async () => ({ content: '09:00 dentist; 14:00 call with the landlord' }),
};

test('a thinking model’s tool loop runs to finish, each assistant turn starting with its own signed thinking block', async () => {
  simulator.reset();
  simulator.script(
    'claude-opus-4-8',
    { toolCalls: [{ name: 'read_calendar', arguments: { day: 'today' } }] },
    { toolCalls: [{ name: 'finish', arguments: { result: 'Dentist at 9, landlord at 2.' } }] },
  );

  const result = await anOrchestrator()({ goal: 'Write the opening of the briefing.', tools: [calendar] }, new AbortController().signal);

  assert.equal(result.stoppedBy, 'finish');
  assert.equal(result.result, 'Dentist at 9, landlord at 2.');
  const second = simulator.requests[1].body;
  const assistant = (second.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>).find((message) => message.role === 'assistant')!;
  assert.deepEqual(assistant.content.map((block) => block.type), ['thinking', 'tool_use']);
  assert.equal(typeof assistant.content[0].signature, 'string');
  assert.equal(second.tool_choice, undefined, 'no forced tool on a thinking model');
  assert.equal(second.temperature, undefined);
});

test('the simulator refuses the same loop when the thinking block is dropped, as the real API does', async () => {
  simulator.reset();
  simulator.script('claude-opus-4-8', { toolCalls: [{ name: 'read_calendar', arguments: { day: 'today' } }] });
  const { createAnthropicProvider } = await import('../../agent/providers/anthropic.ts');
  const provider = createAnthropicProvider({ name: 'anthropic', api: 'anthropic', baseURL: simulator.anthropicBaseURL, apiKey: 'sk-ant-test-0123456789', timeoutMs: 10_000, simulated: true });
  const model = { id: 'opus', apiModel: 'claude-opus-4-8', provider: 'anthropic', contextWindow: 200_000, maxOutputTokens: 32_000, prices: [], capabilities: aThinkingClaudeModel() };
  const first = await provider.complete(model, { messages: [{ role: 'user', content: 'What is on today?' }], tools: [calendar.definition], maxOutputTokens: 1_000 });

  const failure = (await provider
    .complete(model, {
      messages: [
        { role: 'user', content: 'What is on today?' },
        { role: 'assistant', content: first.text, toolCalls: first.toolCalls },
        { role: 'tool', toolCallId: first.toolCalls[0].id, toolName: 'read_calendar', content: '09:00 dentist' },
      ],
      tools: [calendar.definition],
      maxOutputTokens: 1_000,
    })
    .catch((error: unknown) => error)) as { kind: string; status: number; message: string };
  assert.equal(failure.kind, 'invalid_request');
  assert.equal(failure.status, 400);
  assert.match(failure.message, /Expected `thinking` or `redacted_thinking`, but found `tool_use`/);
});
