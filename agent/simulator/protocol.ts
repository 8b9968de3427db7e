import type { SimulatedUsage } from './types.ts';

/**
 * The wire contract between the simulator and the providers, kept free of any server code
 * so a provider can import it.
 */

/** Set to `1` on every simulator response. */
export const SIMULATED_HEADER = 'x-switchboard-simulated';

/** Every simulator response id starts with this. */
export const SIMULATED_ID_PREFIX = 'sim-';

/**
 * A request header that dictates the usage of one call, e.g.
 * `x-switchboard-sim-usage: {"inputTokens":1200,"outputTokens":80,"cachedInputTokens":1000}`.
 * Fields mean what `SimulatedUsage` says (input is uncached). A replay sets it per call to
 * reproduce a recorded bill; a script step's own `usage` still wins over it.
 */
export const SIM_USAGE_HEADER = 'x-switchboard-sim-usage';

/** Serialises usage for `SIM_USAGE_HEADER`. */
export function formatUsageHeader(usage: SimulatedUsage): string {
  return JSON.stringify(usage);
}

/**
 * Parses a `SIM_USAGE_HEADER` value. Returns `undefined` when absent; throws on a value that
 * is not an object of non-negative integers, so a broken replay fails loudly.
 */
export function parseUsageHeader(value: string | string[] | undefined): SimulatedUsage | undefined {
  if (value === undefined) return undefined;
  const raw: unknown = JSON.parse(Array.isArray(value) ? value[0] : value);
  if (typeof raw !== 'object' || raw === null) throw new Error(`${SIM_USAGE_HEADER} must be a JSON object`);
  const fields = raw as Record<string, unknown>;
  const count = (name: string, required: boolean): number | undefined => {
    const field = fields[name];
    if (field === undefined && !required) return undefined;
    if (typeof field !== 'number' || !Number.isInteger(field) || field < 0) {
      throw new Error(`${SIM_USAGE_HEADER}.${name} must be a non-negative integer`);
    }
    return field;
  };
  return {
    inputTokens: count('inputTokens', true)!,
    outputTokens: count('outputTokens', true)!,
    cachedInputTokens: count('cachedInputTokens', false),
    cacheWriteTokens: count('cacheWriteTokens', false),
  };
}
