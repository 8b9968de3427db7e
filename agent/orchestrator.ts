/**
 * The orchestrator's step loop: a tool-calling loop on the orchestration tier. The model
 * sees the skill's tools plus `delegate_code` (execution tier), `delegate_analysis`
 * (reasoning tier) and `finish`. A failing tool returns an error result to the model
 * instead of throwing; the loop stops on `finish`, on a plain answer, or on a named stop
 * condition (steps, cost, wall time, a repeated call).
 */
import type { OrchestrateOptions, OrchestrateResult, SkillTool, ToolResult } from '../skills/types.ts';
import { buildPromptPrefix } from '../memory/prompt-prefix.ts';
import { schemaProblems } from './json-schema.ts';
import type { CallOrigin, ModelRouter, RoutedResponse } from '../contracts/router.ts';
import { firstStop, maxSteps, overBudget, repeatedCall, wallTime, type StopCondition } from './stop-conditions.ts';
import type { Message, Tier, ToolCall, ToolDefinition } from '../contracts/types.ts';
import { UNTRUSTED_RULE, wrapUntrusted } from './untrusted.ts';

/** One entry of a run's transcript, as kept for `switchboard runs show`. */
export interface StepRecord {
  step: number;
  kind: 'model' | 'tool' | 'delegate' | 'finish';
  tier?: Tier;
  model?: string;
  tool?: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  outcome: 'ok' | 'error';
  detail?: Record<string, unknown>;
}

export interface OrchestratorLimits {
  steps: number;
  costUsd: number;
  wallTimeMs: number;
}

export interface OrchestratorDeps {
  router: ModelRouter;
  origin: CallOrigin;
  limits: OrchestratorLimits;
  /** SOUL.md, USER.md and MEMORY.md as read at the start of the job: part of the cacheable prefix. */
  soul?: { soul: string; user: string; memory: string };
  /** Facts recalled for this goal (already under a token cap); sent after the prefix. */
  recalled?: string;
  /** Output cap per orchestrator step (default 2,048) and per delegate call (default 4,096). */
  maxOutputTokens?: { step?: number; delegate?: number };
  recordStep?: (record: StepRecord) => void;
  now?: () => number;
}

const DEFAULT_STEP_OUTPUT = 2_048;
const DEFAULT_DELEGATE_OUTPUT = 4_096;

const SYSTEM_PROMPT = [
  'You are the orchestrator of Switchboard, a personal agent. You decide each step of a job: which tool to call next, what to summarise or extract.',
  'Hand code, scripts and data transforms to delegate_code, and hard analysis, trade-offs and curated reports to delegate_analysis; both cost more than you, so use them only when the step needs them.',
  'When the job is done, call finish with the result.',
  UNTRUSTED_RULE,
].join('\n');

// Tool schemas are sent with `strict: true` where the model supports it: every property is
// required, an optional one is nullable (test/providers/every-strict-schema.test.ts checks).
export const DELEGATE_CODE: ToolDefinition = {
  name: 'delegate_code',
  description: 'Hand a coding, scripting or data-transform task to the execution model. Returns its answer.',
  parameters: {
    type: 'object',
    properties: { task: { type: 'string' }, context: { type: ['string', 'null'], description: 'Material the task needs; null when none' } },
    required: ['task', 'context'],
    additionalProperties: false,
  },
};

export const DELEGATE_ANALYSIS: ToolDefinition = {
  name: 'delegate_analysis',
  description: 'Hand a hard analysis, trade-off or curated report to the reasoning model (expensive). Returns its answer.',
  parameters: {
    type: 'object',
    properties: { question: { type: 'string' }, context: { type: ['string', 'null'], description: 'Material the question needs; null when none' } },
    required: ['question', 'context'],
    additionalProperties: false,
  },
};

/** The `finish` tool, whose `result` follows the skill's result schema (a string when it has none). */
export function finishTool(resultSchema: Record<string, unknown> | undefined): ToolDefinition {
  return {
    name: 'finish',
    description: 'End the job with its result.',
    parameters: {
      type: 'object',
      properties: { result: resultSchema ?? { type: 'string' } },
      required: ['result'],
      additionalProperties: false,
    },
  };
}

/** Builds `SkillContext.orchestrate` for one run. */
export function createOrchestrator(deps: OrchestratorDeps) {
  const now = deps.now ?? Date.now;
  return async function orchestrate(options: OrchestrateOptions, signal: AbortSignal): Promise<OrchestrateResult> {
    const tools = new Map<string, SkillTool>((options.tools ?? []).map((tool) => [tool.definition.name, tool]));
    const definitions = [
      ...[...tools.values()].map((tool) => tool.definition),
      DELEGATE_CODE,
      DELEGATE_ANALYSIS,
      finishTool(options.resultSchema),
    ];
    const prefix = buildPromptPrefix({
      systemPrompt: SYSTEM_PROMPT,
      soul: deps.soul?.soul ?? '',
      user: deps.soul?.user ?? '',
      memory: deps.soul?.memory ?? '',
      tools: definitions,
    });
    const messages: Message[] = [...prefix.messages];
    if (deps.recalled) messages.push({ role: 'user', content: `Facts remembered from earlier jobs (may be out of date):\n${deps.recalled}` });
    messages.push({ role: 'user', content: taskMessage(options) });
    const conditions: StopCondition[] = [
      maxSteps(deps.limits.steps),
      overBudget(deps.limits.costUsd),
      wallTime(deps.limits.wallTimeMs),
      repeatedCall(),
    ];
    const startedAtMs = now();
    const callHistory: ToolCall[][] = [];
    let steps = 0;
    let costUsd = 0;
    let lastText = '';

    for (;;) {
      signal.throwIfAborted();
      steps++;
      const response = await deps.router.complete(
        {
          task: { kind: 'routing', tier: 'orchestration' },
          request: {
            messages,
            tools: prefix.tools,
            cachePrefixMessages: prefix.cachePrefixMessages,
            maxOutputTokens: deps.maxOutputTokens?.step ?? DEFAULT_STEP_OUTPUT,
          },
          origin: { ...deps.origin, step: steps },
        },
        signal,
      );
      costUsd += response.costUsd;
      lastText = response.text;
      record(deps, steps, 'model', response, { stopReason: response.finishReason, toolCalls: response.toolCalls.map((call) => call.name) });
      // Provider content (Anthropic thinking blocks) goes back unchanged with the turn, or the next step is refused.
      messages.push({ role: 'assistant', content: response.text, toolCalls: response.toolCalls, ...(response.providerContent ? { providerContent: response.providerContent } : {}) });

      if (response.toolCalls.length === 0) {
        return { result: lastText, text: lastText, steps, costUsd, stoppedBy: 'text' };
      }
      callHistory.push(response.toolCalls);

      for (const call of response.toolCalls) {
        if (call.name === 'finish') {
          const problem = options.resultSchema ? schemaProblems(options.resultSchema, call.arguments.result) : undefined;
          if (!problem) {
            deps.recordStep?.({ step: steps, kind: 'finish', inputTokens: 0, outputTokens: 0, costUsd: 0, outcome: 'ok' });
            return { result: call.arguments.result, text: lastText, steps, costUsd, stoppedBy: 'finish' };
          }
          messages.push(toolMessage(call, { content: `finish rejected: result ${problem}`, isError: true }));
          continue;
        }
        const outcome = await runTool(deps, tools, call, steps, signal);
        costUsd += outcome.costUsd;
        messages.push(toolMessage(call, outcome.result));
      }

      const stop = firstStop(conditions, { steps, costUsd, startedAtMs, nowMs: now(), callHistory });
      if (stop) return { result: undefined, text: lastText, steps, costUsd, stoppedBy: stop };
    }
  };
}

function taskMessage(options: OrchestrateOptions): string {
  const parts = [`Job goal: ${options.goal}`];
  if (options.context) parts.push(`Context (trusted):\n${options.context}`);
  for (const block of options.untrusted ?? []) parts.push(wrapUntrusted(block.label, block.content));
  return parts.join('\n\n');
}

function toolMessage(call: ToolCall, result: ToolResult): Message {
  return { role: 'tool', toolCallId: call.id, toolName: call.name, content: result.content, isError: result.isError };
}

async function runTool(
  deps: OrchestratorDeps,
  tools: Map<string, SkillTool>,
  call: ToolCall,
  step: number,
  signal: AbortSignal,
): Promise<{ result: ToolResult; costUsd: number }> {
  if (call.name === 'delegate_code' || call.name === 'delegate_analysis') {
    const tier: Tier = call.name === 'delegate_code' ? 'execution' : 'reasoning';
    const question = String(call.arguments.task ?? call.arguments.question ?? '');
    const context = typeof call.arguments.context === 'string' ? call.arguments.context : '';
    try {
      const response = await deps.router.complete(
        {
          task: { kind: tier === 'execution' ? 'code' : 'analysis', tier, text: question },
          request: {
            messages: [
              { role: 'system', content: `You are the ${tier} model of a personal agent. Answer the task precisely.\n${UNTRUSTED_RULE}` },
              { role: 'user', content: context ? `${question}\n\n${wrapUntrusted('context', context)}` : question },
            ],
            maxOutputTokens: deps.maxOutputTokens?.delegate ?? DEFAULT_DELEGATE_OUTPUT,
          },
          origin: { ...deps.origin, step },
        },
        signal,
      );
      record(deps, step, 'delegate', response, { tool: call.name });
      return { result: { content: response.text }, costUsd: response.costUsd };
    } catch (error) {
      if (signal.aborted) throw error;
      const message = error instanceof Error ? error.message : String(error);
      deps.recordStep?.({ step, kind: 'delegate', tool: call.name, tier, inputTokens: 0, outputTokens: 0, costUsd: 0, outcome: 'error', detail: { error: message } });
      return { result: { content: `delegation failed: ${message}`, isError: true }, costUsd: 0 };
    }
  }

  const tool = tools.get(call.name);
  if (!tool) {
    const known = [...tools.keys(), 'delegate_code', 'delegate_analysis', 'finish'].join(', ');
    return { result: { content: `unknown tool "${call.name}"; tools are: ${known}`, isError: true }, costUsd: 0 };
  }
  let result: ToolResult;
  try {
    result = await tool.execute(call.arguments, signal);
  } catch (error) {
    if (signal.aborted) throw error;
    result = { content: `tool ${call.name} failed: ${error instanceof Error ? error.message : String(error)}`, isError: true };
  }
  deps.recordStep?.({
    step,
    kind: 'tool',
    tool: call.name,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    outcome: result.isError ? 'error' : 'ok',
    detail: { arguments: call.arguments, result: result.content.slice(0, 2_000) },
  });
  return { result, costUsd: 0 };
}

function record(deps: OrchestratorDeps, step: number, kind: StepRecord['kind'], response: RoutedResponse, detail: Record<string, unknown>): void {
  deps.recordStep?.({
    step,
    kind,
    tier: response.decision.tier,
    model: response.modelId,
    inputTokens: response.usage.inputTokens + response.usage.cachedInputTokens,
    outputTokens: response.usage.outputTokens,
    costUsd: response.costUsd,
    outcome: 'ok',
    detail: { ...detail, reason: response.decision.reason, attempts: response.attempts.length, simulated: response.simulated },
  });
}
