/**
 * The orchestrator's step loop: a tool-calling loop on the orchestration tier. The model
 * sees the skill's tools plus `delegate_code` (execution tier), `delegate_analysis`
 * (reasoning tier) and `finish`. A failing tool returns an error result to the model
 * instead of throwing; the loop stops on `finish`, on a plain answer, or on a named stop
 * condition (steps, cost, wall time, a repeated call).
 */
import { createHash } from 'node:crypto';
import type { Grants } from '../config/schema.ts';
import type { ContentSource, OrchestrateOptions, OrchestrateResult, ProposedWrite, SkillTool, ToolResult } from '../skills/types.ts';
import { buildPromptPrefix } from '../memory/prompt-prefix.ts';
import { schemaProblems } from './json-schema.ts';
import type { CallOrigin, ModelRouter, RoutedResponse } from '../contracts/router.ts';
import { firstStop, maxSteps, overBudget, repeatedCall, wallTime, type StopCondition } from './stop-conditions.ts';
import type { Message, Tier, ToolCall, ToolDefinition } from '../contracts/types.ts';
import { UNTRUSTED_RULE, wrapUntrusted } from './untrusted.ts';
import { gateToolCall, isReadOnly } from './write-gate.ts';

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
  /** The owner's facts recalled for this goal (already under a token cap); sent after the prefix. */
  recalled?: string;
  /**
   * Untrusted memory: facts learnt from untrusted content and the agent's own MEMORY.md notes.
   * Sent as delimited data; like any untrusted block it makes every write a proposal.
   */
  recalledUntrusted?: string;
  /** The job's grants: write tools not named there are neither offered nor run. Undefined: every tool handed in. */
  grants?: Grants;
  /** The owner's address, always a permitted mail recipient. */
  owner?: string;
  /**
   * Stores a write asked for from an untrusted context as a proposal (memory/approvals.ts) and
   * returns its id. Without it such writes are refused.
   */
  propose?: (proposal: GatedProposal) => { id: number };
  /** Output cap per orchestrator step (default 2,048) and per delegate call (default 4,096). */
  maxOutputTokens?: { step?: number; delegate?: number };
  recordStep?: (record: StepRecord) => void;
  now?: () => number;
}

/** A write the gate turned into a proposal, with what caused it. */
export interface GatedProposal extends ProposedWrite {
  tool: string;
  reason: string;
  sources: ContentSource[];
  labels: string[];
  /** Same write asked again in the same run (a retry, a repeated call): same key, one proposal. */
  dedupeKey: string;
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
    // Deny by default: a write tool the job was not granted is not even offered.
    const offered = (options.tools ?? []).filter((tool) => !deps.grants || isReadOnly(tool) || deps.grants.tools.includes(tool.definition.name));
    const tools = new Map<string, SkillTool>(offered.map((tool) => [tool.definition.name, tool]));
    const trust: TrustState = {
      untrusted: (options.untrusted?.length ?? 0) > 0 || Boolean(deps.recalledUntrusted),
      sources: (options.untrusted ?? []).flatMap((block) => block.sources ?? []),
      labels: [...(options.untrusted ?? []).map((block) => block.label), ...(deps.recalledUntrusted ? ['untrusted memory'] : [])],
    };
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
    if (deps.recalledUntrusted) {
      messages.push({ role: 'user', content: wrapUntrusted('notes and facts the agent kept from untrusted content (may be wrong or hostile)', deps.recalledUntrusted) });
    }
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
        const outcome = await runTool(deps, tools, call, steps, signal, trust);
        costUsd += outcome.costUsd;
        messages.push(toolMessage(call, outcome.result));
      }

      const stop = firstStop(conditions, { steps, costUsd, startedAtMs, nowMs: now(), callHistory });
      if (stop) return { result: undefined, text: lastText, steps, costUsd, stoppedBy: stop };
    }
  };
}

interface TrustState {
  /** The context holds untrusted content; once true it stays true for the rest of the call. */
  untrusted: boolean;
  sources: ContentSource[];
  labels: string[];
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
  trust: TrustState,
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
  const gate = gateToolCall({ tool, args: call.arguments, grants: deps.grants, owner: deps.owner, untrusted: trust.untrusted, job: deps.origin.job });
  if (gate.action !== 'run') {
    const result = gate.action === 'refuse' ? { content: `refused: ${gate.reason}`, isError: true } : proposeWrite(deps, call, gate.write, trust);
    deps.recordStep?.({
      step,
      kind: 'tool',
      tool: call.name,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      outcome: 'error',
      detail: { arguments: call.arguments, gate: gate.action, result: result.content.slice(0, 2_000), ...(result.data ? { data: result.data } : {}) },
    });
    return { result, costUsd: 0 };
  }
  let result: ToolResult;
  try {
    result = await tool.execute(call.arguments, signal);
  } catch (error) {
    if (signal.aborted) throw error;
    result = { content: `tool ${call.name} failed: ${error instanceof Error ? error.message : String(error)}`, isError: true };
  }
  // What a read-only tool returns is outside text: from here on the context is untrusted.
  if (isReadOnly(tool)) {
    trust.untrusted = true;
    trust.labels.push(`output of ${call.name}`);
    trust.sources.push({ kind: 'tool' });
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

/** Files the write as a proposal; the model is told it was not done. */
function proposeWrite(deps: OrchestratorDeps, call: ToolCall, write: ProposedWrite, trust: TrustState): ToolResult {
  if (!deps.propose) {
    return { content: `refused: "${call.name}" writes and this context holds untrusted content; no approvals queue is wired here`, isError: true };
  }
  const job = deps.origin.job ?? 'a job';
  const labels = [...new Set(trust.labels)];
  const digest = createHash('sha256').update(JSON.stringify([write.kind, write.payload])).digest('hex').slice(0, 16);
  const proposal = deps.propose({
    ...write,
    tool: call.name,
    reason: `the model of ${job}${deps.origin.runId !== undefined ? ` (run ${deps.origin.runId})` : ''} called ${call.name} while its context held untrusted content (${labels.join('; ')})`,
    sources: trust.sources,
    labels,
    dedupeKey: `run:${deps.origin.runId ?? 'none'}:${job}:${digest}`,
  });
  return {
    content: `not done: this context holds untrusted content, so ${call.name} became proposal #${proposal.id}, waiting for the owner's approval`,
    isError: true,
    data: { proposalId: proposal.id },
  };
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
