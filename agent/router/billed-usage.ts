/**
 * What an attempt is billed for, decided before it is priced: the provider's usage report when
 * it is plausible, an estimate from the answer received when a stream broke off before the
 * report, and nothing (a provider error) when the report is beyond what the model can do.
 */
import type { ModelSpec, Usage } from '../../contracts/types.ts';

/** Tokens of answer in `characters` of text, at the chars/4 rule the input estimate uses. */
export function estimateOutputTokens(characters: number): number {
  return Math.ceil(characters / 4);
}

/**
 * Why `usage` cannot be a true report for `model`, or undefined when it can: a count that is
 * negative, fractional or not a number, input beyond the context window, or output beyond the
 * model's output limit. Such a report is refused as a provider error and not priced.
 */
export function implausibleUsage(usage: Usage, model: ModelSpec): string | undefined {
  for (const [field, value] of Object.entries(usage)) {
    if (!Number.isSafeInteger(value) || value < 0) return `${field} ${String(value)} is not a token count`;
  }
  const input = usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens;
  if (input > model.contextWindow) return `${input} input tokens exceed the ${model.contextWindow}-token context window of ${model.id}`;
  if (usage.outputTokens > model.maxOutputTokens) return `${usage.outputTokens} output tokens exceed the ${model.maxOutputTokens}-token output limit of ${model.id}`;
  if (usage.reasoningTokens > usage.outputTokens) return `${usage.reasoningTokens} reasoning tokens exceed the ${usage.outputTokens} output tokens they are part of`;
  return undefined;
}

/**
 * The usage of a call that failed after part of the answer arrived. The provider bills the
 * whole input and the tokens it sent: where it reported fewer output tokens than the received
 * text holds (or nothing at all), they are estimated from the text (input from
 * `estimatedInputTokens` when no input was reported), and `estimated` says so.
 */
export function usageOfFailedCall(reported: Usage | undefined, outputCharacters: number, estimatedInputTokens: number): { usage: Usage; estimated: boolean } {
  const empty: Usage = { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };
  if (outputCharacters === 0) return { usage: reported ?? empty, estimated: false };
  const base = reported ?? { ...empty, inputTokens: estimatedInputTokens };
  const receivedTokens = estimateOutputTokens(outputCharacters);
  if (reported && reported.outputTokens >= receivedTokens) return { usage: reported, estimated: false };
  const reportedInput = base.inputTokens + base.cachedInputTokens + base.cacheWriteTokens;
  return {
    usage: { ...base, inputTokens: reportedInput === 0 ? estimatedInputTokens : base.inputTokens, outputTokens: receivedTokens },
    estimated: true,
  };
}
