/**
 * The routed cost against each baseline, in words, for `bill` and `replay`: a saving only where
 * routing cost less; where it cost more, "premium" with what the premium bought (tier and job).
 */
import type { BaselineComparison } from '../../memory/bill.ts';

export const BASELINE_ROLE: Record<BaselineComparison['role'], string> = { flagship: 'flagship', execution: "execution tier's first model", named: 'named' };

/** Saved or cost more, in words: never a saving where routing cost more. */
export function verdict(baseline: BaselineComparison, money: (usd: number) => string): string {
  const percent = baseline.percentSaved === null ? '' : ` (${Math.abs(baseline.percentSaved).toFixed(1)}%)`;
  if (Math.abs(baseline.savedUsd) < 5e-7) return 'routing cost the same';
  return baseline.savedUsd > 0 ? `routing saved ${money(baseline.savedUsd)}${percent}` : `premium: routing cost ${money(-baseline.savedUsd)} more${percent}`;
}

/**
 * One line per baseline, then for each one routing cost more than, what the premium bought.
 * `note` follows each figure (e.g. "simulated"). Empty for no baselines.
 */
export function baselineLines(baselines: readonly BaselineComparison[], money: (usd: number) => string, note = ''): string[] {
  const suffix = note ? ` (${note})` : '';
  const lines = baselines.map((baseline) => `all on ${baseline.model} (${BASELINE_ROLE[baseline.role]}): ${money(baseline.baselineCostUsd)}${suffix}; ${verdict(baseline, money)}`);
  for (const baseline of baselines) {
    if (baseline.savedUsd >= 0 || baseline.premium.length === 0) continue;
    lines.push(`  the premium over ${baseline.model} bought:`);
    for (const line of baseline.premium) {
      lines.push(`    ${line.tier} for ${line.job}: ${line.calls} call${line.calls === 1 ? '' : 's'}, ${money(line.routedCostUsd)} routed vs ${money(line.baselineCostUsd)}`);
    }
  }
  return lines;
}
