/**
 * Which models a request may go to, in which order: the tier's chain from config (or the
 * job's override), minus models whose context window cannot hold the request, with the
 * size rule moving anything too large to the large-context tier. Pure functions of config.
 */
import type { Config } from '../../config/schema.ts';
import type { ChatRequest, ModelCapabilities, ModelSpec, Tier } from '../../contracts/types.ts';
import { outputTokenLimit } from '../providers/capabilities.ts';

/**
 * Input tokens of a request, estimated as characters / 4 over every message, tool
 * definition and response schema, plus 4 tokens of framing per message. A deliberate
 * approximation: it decides the size rule and the worst-case reservation before the
 * provider reports real usage; a caller that knows better passes `task.inputTokens`.
 */
export function estimateInputTokens(request: ChatRequest): number {
  let characters = 0;
  for (const message of request.messages) {
    characters += message.content.length + 16;
    if (message.role === 'assistant' && message.toolCalls) characters += JSON.stringify(message.toolCalls).length;
  }
  if (request.tools) characters += JSON.stringify(request.tools).length;
  if (request.responseSchema) characters += JSON.stringify(request.responseSchema).length;
  return Math.ceil(characters / 4);
}

/**
 * Output tokens the call may use at `model`, as the provider will send them: the request's
 * limit clamped to the model's, plus room for reasoning on a reasoning model (see
 * `outputTokenLimit`). Budget reservations and the context-window fit use this figure.
 */
export function maxOutputFor(model: ModelSpec, request: ChatRequest, capabilities: ModelCapabilities): number {
  return outputTokenLimit(model, capabilities, request);
}

/** The output cap the caller asked for, clamped to the model's: what is handed to the provider. */
export function visibleOutputFor(model: ModelSpec, request: ChatRequest): number {
  return Math.min(request.maxOutputTokens ?? model.maxOutputTokens, model.maxOutputTokens);
}

/** The configured chain of `tier`, with `jobs.<job>.tiers.<tier>` replacing it when set. */
export function chainFor(config: Config, tier: Tier, job?: string): string[] {
  const override = job === undefined ? undefined : config.jobs[job]?.tiers[tier];
  return override ?? config.tiers[tier];
}

/** The tier a budget cap downgrades to; undefined at the bottom and for large-context (the size rule holds). */
export function lowerTier(tier: Tier): Tier | undefined {
  switch (tier) {
    case 'reasoning':
      return 'execution';
    case 'execution':
      return 'orchestration';
    case 'orchestration':
    case 'large-context':
      return undefined;
  }
}

export interface PlannedChain {
  tier: Tier;
  /** Models whose context window holds the request, in chain order. */
  models: string[];
  /** Why models were left out or the tier changed, for the decision's reason. */
  notes: string[];
}

/**
 * The models of `tier` that can hold `inputTokens` plus their output limit. When none can,
 * the request moves to the large-context chain (filtered the same way).
 */
export function planChain(
  config: Config,
  models: ReadonlyMap<string, ModelSpec>,
  tier: Tier,
  inputTokens: number,
  request: ChatRequest,
  capabilities: (model: ModelSpec) => ModelCapabilities,
  job?: string,
): PlannedChain {
  const notes: string[] = [];
  const fitting = (candidateTier: Tier) =>
    chainFor(config, candidateTier, job).filter((id) => {
      const model = models.get(id);
      if (!model) {
        notes.push(`skipped ${id}: not a configured model`);
        return false;
      }
      const needed = inputTokens + maxOutputFor(model, request, capabilities(model));
      if (needed > model.contextWindow) {
        notes.push(`skipped ${id}: context window ${model.contextWindow} < ${needed} (input + max output)`);
        return false;
      }
      return true;
    });
  const chosen = fitting(tier);
  if (chosen.length > 0 || tier === 'large-context') return { tier, models: chosen, notes };
  notes.push(`no ${tier} model holds ${inputTokens} input tokens: moved to large-context`);
  return { tier: 'large-context', models: fitting('large-context'), notes };
}

/**
 * The next model to try: the first untried one in chain order at a provider other than
 * `avoidProvider` (the one that just failed), else the first untried one at all.
 */
export function pickNext(
  chain: readonly string[],
  models: ReadonlyMap<string, ModelSpec>,
  isAvailable: (id: string) => boolean,
  avoidProvider?: string,
): string | undefined {
  const remaining = chain.filter(isAvailable);
  if (avoidProvider !== undefined) {
    const elsewhere = remaining.find((id) => models.get(id)?.provider !== avoidProvider);
    if (elsewhere) return elsewhere;
  }
  return remaining[0];
}
