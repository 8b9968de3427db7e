/**
 * The one place a call's price is computed. The ledger stores what this returns, so a bill
 * can always be traced back to usage and a dated price row.
 */
import type { ModelPrice, ModelSpec, Usage } from '../contracts/types.ts';

/** The price row in force on `date` (YYYY-MM-DD): the latest `effectiveFrom` not after it, else the earliest. */
export function priceOn(model: ModelSpec, date: string): ModelPrice {
  let chosen: ModelPrice | undefined;
  for (const price of model.prices) {
    if (price.effectiveFrom <= date && (!chosen || price.effectiveFrom > chosen.effectiveFrom)) chosen = price;
  }
  if (chosen) return chosen;
  return [...model.prices].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom))[0];
}

/**
 * USD for `usage` at `price`. `inputTokens` is uncached input; cached reads and cache writes
 * are priced separately; reasoning tokens are billed as output and are already inside
 * `outputTokens`. A long-context surcharge applies to the whole request when its input (all
 * three kinds) exceeds the row's threshold.
 */
export function calculateCost(usage: Usage, price: ModelPrice): number {
  const perToken = 1 / 1_000_000;
  const totalInput = usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens;
  const { input, output } = surcharge(price, totalInput);
  return (
    (usage.inputTokens * price.input + usage.cachedInputTokens * price.cachedInput + usage.cacheWriteTokens * price.cacheWrite) * input * perToken +
    usage.outputTokens * price.output * output * perToken
  );
}

/** Worst case for a request before it is sent: every input token uncached, every output token used. */
export function worstCaseCost(inputTokens: number, maxOutputTokens: number, price: ModelPrice): number {
  const { input, output } = surcharge(price, inputTokens);
  return (inputTokens * Math.max(price.input, price.cacheWrite) * input + maxOutputTokens * price.output * output) / 1_000_000;
}

function surcharge(price: ModelPrice, totalInputTokens: number): { input: number; output: number } {
  const rule = price.longContext;
  if (!rule || totalInputTokens <= rule.aboveInputTokens) return { input: 1, output: 1 };
  return { input: rule.inputMultiplier, output: rule.outputMultiplier };
}

export function emptyUsage(): Usage {
  return { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };
}
