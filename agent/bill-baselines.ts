/**
 * The baselines a bill compares routing against: every call on the flagship, every call on
 * the execution tier's first model, and any one model the user names. Each is priced from that
 * model's own config/catalogue entry (its dated prices), so its label and its price always
 * come from the same place.
 */
import type { Config } from '../config/schema.ts';
import type { Baseline, TierAbovePricer } from '../memory/bill.ts';
import type { ModelSpec, Tier } from '../contracts/types.ts';
import { nextTierUp } from '../skills/escalation.ts';
import { calculateCost, priceOn } from './cost.ts';

export class UnknownBaselineError extends Error {}

function baselineOf(role: Baseline['role'], model: ModelSpec): Baseline {
  // A month's bill prices thousands of rollup rows over at most 31 days: each day's price once.
  const priceByDay = new Map<string, ReturnType<typeof priceOn>>();
  const priceFor = (day: string) => {
    let price = priceByDay.get(day);
    if (price === undefined) {
      price = priceOn(model, day);
      priceByDay.set(day, price);
    }
    return price;
  };
  return { role, model: model.id, costOf: (usage, day) => calculateCost(usage, priceFor(day)) };
}

/** The flagship, the execution tier's first model, then `named`; throws `UnknownBaselineError` for a model config does not define. */
export function billBaselines(config: Config, models: ReadonlyMap<string, ModelSpec>, named?: string): Baseline[] {
  const baselines: Baseline[] = [];
  const flagship = models.get(config.flagship);
  if (flagship) baselines.push(baselineOf('flagship', flagship));
  const execution = models.get(config.tiers.execution[0] ?? '');
  if (execution) baselines.push(baselineOf('execution', execution));
  if (named !== undefined) {
    const model = models.get(named);
    if (!model) throw new UnknownBaselineError(`--baseline: no model "${named}" in the config (models: ${[...models.keys()].sort().join(', ')})`);
    baselines.push(baselineOf('named', model));
  }
  return baselines;
}

/**
 * Prices the escalations avoided: the first model of the tier above a tier (skills/escalation.ts
 * `nextTierUp`, this config's chains), or undefined at the top or for a tier config lacks.
 */
export function tierAbovePricer(config: Config, models: ReadonlyMap<string, ModelSpec>): TierAbovePricer {
  return (tier) => {
    const upper = nextTierUp(tier as Tier);
    const model = upper === undefined ? undefined : models.get(config.tiers[upper]?.[0] ?? '');
    return model ? baselineOf('named', model) : undefined;
  };
}
