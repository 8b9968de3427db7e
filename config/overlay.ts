/**
 * A user's config overlays the shipped default: mappings merge key by key, anything else (a
 * scalar, a list) written by the user replaces the default's value. Each leaf remembers the
 * file it came from, for `config show`.
 */

/** Dotted key path of a leaf (a scalar or a whole list) → the file that set it. */
export type Origins = Record<string, string>;

export interface Overlaid {
  value: Record<string, unknown>;
  origins: Origins;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Every leaf of `value` attributed to `origin`. */
function attribute(value: unknown, path: string[], origin: string, origins: Origins): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, inner] of Object.entries(value)) attribute(inner, [...path, key], origin, origins);
    return;
  }
  origins[path.join('.')] = origin;
}

function merge(base: unknown, top: unknown, path: string[], topOrigin: string, origins: Origins): unknown {
  if (top === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(top)) {
    // The user's value replaces the default's whole subtree: forget the default's leaves under it.
    const prefix = path.join('.');
    for (const key of Object.keys(origins)) if (key === prefix || key.startsWith(`${prefix}.`)) delete origins[key];
    attribute(top, path, topOrigin, origins);
    return top;
  }
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(top)) result[key] = merge(base[key], value, [...path, key], topOrigin, origins);
  return result;
}

/** `top` over `base`; then the default's models that no tier, job chain or flagship names are dropped. */
export function overlayConfig(base: Record<string, unknown>, baseOrigin: string, top: Record<string, unknown>, topOrigin: string): Overlaid {
  const origins: Origins = {};
  attribute(base, [], baseOrigin, origins);
  const value = merge(base, top, [], topOrigin, origins) as Record<string, unknown>;
  pruneUnused(value, top, origins);
  return { value, origins };
}

function pruneUnused(config: Record<string, unknown>, top: Record<string, unknown>, origins: Origins): void {
  const topModels = isPlainObject(top.models) ? top.models : {};
  const models = isPlainObject(config.models) ? config.models : undefined;
  if (!models) return;
  const used = new Set<string>();
  const addChains = (tiers: unknown) => {
    if (!isPlainObject(tiers)) return;
    for (const chain of Object.values(tiers)) if (Array.isArray(chain)) for (const id of chain) used.add(String(id));
  };
  addChains(config.tiers);
  if (typeof config.flagship === 'string') used.add(config.flagship);
  if (isPlainObject(config.jobs)) for (const job of Object.values(config.jobs)) if (isPlainObject(job)) addChains(job.tiers);
  const drop = (section: string, id: string) => {
    delete (config[section] as Record<string, unknown>)[id];
    for (const key of Object.keys(origins)) if (key.startsWith(`${section}.${id}.`) || key === `${section}.${id}`) delete origins[key];
  };
  for (const id of Object.keys(models)) if (!(id in topModels) && !used.has(id)) drop('models', id);
  // Unused default providers are dropped after the models are resolved (config/load.ts), when
  // catalogue models named only by a tier are known too.
}
