/**
 * The model catalogue (config/catalogue.yaml): every model Switchboard knows, with dated prices,
 * capabilities, lifecycle and the public page each fact came from. Validated with zod when read;
 * config resolution (config/resolve-models.ts) fills config models from it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import type { ModelCapabilities, ModelLifecycle, ModelPrice } from '../contracts/types.ts';

export const DEFAULT_CATALOGUE_PATH = join(dirname(fileURLToPath(import.meta.url)), 'catalogue.yaml');

/** A configured model retiring within this many days gets a warning. */
export const RETIREMENT_WARNING_DAYS = 30;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'an ISO date YYYY-MM-DD').refine((value) => !Number.isNaN(Date.parse(value)), 'a real date');
const usd = z.number().nonnegative();

export const priceSchema = z.strictObject({
  input: usd,
  cachedInput: usd.optional(),
  cacheWrite: usd.optional(),
  output: usd,
  effectiveFrom: isoDate,
  longContext: z
    .strictObject({ aboveInputTokens: z.number().int().positive(), inputMultiplier: z.number().min(1), outputMultiplier: z.number().min(1) })
    .optional(),
});

export const capabilitiesSchema = z.strictObject({
  reasoning: z.boolean(),
  samplingParameters: z.boolean(),
  tokenLimitParameter: z.enum(['max_tokens', 'max_completion_tokens']),
  systemRole: z.enum(['system', 'developer']),
  structuredOutput: z.enum(['strict', 'tool', 'json_mode']),
  toolCalling: z.boolean(),
  promptCaching: z.boolean(),
  thinking: z.enum(['none', 'optional', 'always']),
  reasoningEfforts: z.array(z.string().min(1)).min(1).optional(),
});

export const lifecycleSchema = z.strictObject({
  released: isoDate.optional(),
  deprecated: isoDate.optional(),
  retires: isoDate.optional(),
  replacement: z.string().min(1).optional(),
});

const sourceSchema = z
  .strictObject({
    facts: z.array(z.string().min(1)).min(1),
    url: z.url(),
    checked: isoDate.optional(),
    note: z.string().min(1).optional(),
  })
  .refine((source) => source.checked !== undefined || source.note !== undefined, 'a source needs `checked` or a `note` saying why not');

const entrySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  provider: z.enum(['openai', 'anthropic']),
  aliases: z.array(z.string().min(1)).default([]),
  contextWindow: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  prices: z.array(priceSchema).min(1).optional(),
  capabilities: capabilitiesSchema.optional(),
  lifecycle: lifecycleSchema.default({}),
  sources: z.array(sourceSchema).min(1),
});

export const catalogueSchema = z
  .strictObject({
    version: z.literal(1),
    checked: isoDate,
    models: z.array(entrySchema).min(1),
  })
  .superRefine((catalogue, context) => {
    const names = new Map<string, number>();
    catalogue.models.forEach((entry, index) => {
      for (const name of [entry.id, ...entry.aliases]) {
        if (names.has(name)) context.addIssue({ code: 'custom', path: ['models', index, 'id'], message: `"${name}" is listed twice` });
        names.set(name, index);
      }
    });
    catalogue.models.forEach((entry, index) => {
      const path = ['models', index];
      const { replacement, retires, deprecated, released } = entry.lifecycle;
      if (replacement && !catalogue.models.some((candidate) => candidate.id === replacement)) {
        context.addIssue({ code: 'custom', path: [...path, 'lifecycle', 'replacement'], message: `replacement "${replacement}" is not a catalogue id` });
      }
      if (released && retires && released > retires) context.addIssue({ code: 'custom', path: [...path, 'lifecycle'], message: 'released after it retires' });
      if (deprecated && retires && deprecated > retires) context.addIssue({ code: 'custom', path: [...path, 'lifecycle'], message: 'deprecated after it retires' });
      const dates = (entry.prices ?? []).map((price) => price.effectiveFrom);
      if (new Set(dates).size !== dates.length) context.addIssue({ code: 'custom', path: [...path, 'prices'], message: 'two prices share one effectiveFrom date' });
      if (!retires || entry.prices || entry.capabilities) {
        // A model that can still be called must carry everything a request and a bill need.
        for (const key of ['contextWindow', 'maxOutputTokens', 'prices', 'capabilities'] as const) {
          if (entry[key] === undefined) context.addIssue({ code: 'custom', path: [...path, key], message: `a callable model needs ${key}` });
        }
      }
    });
  });

export type Catalogue = z.output<typeof catalogueSchema>;
export type CatalogueEntry = Catalogue['models'][number];
export type CatalogueSource = CatalogueEntry['sources'][number];

export class CatalogueError extends Error {
  constructor(file: string, lines: string[]) {
    super(`invalid model catalogue ${file}:\n${lines.map((line) => `  ${line}`).join('\n')}`);
    this.name = 'CatalogueError';
  }
}

/** The last catalogue read per path, reused while the file is unchanged. */
const readCatalogues = new Map<string, { mtimeMs: number; size: number; catalogue: Catalogue }>();

/**
 * Reads and validates a catalogue file. Parsing 30 KB of YAML is slow next to a CLI command's
 * budget, so the YAML's data is also kept as JSON beside it (`catalogue.json`, written by
 * `npm run catalogue`) under the SHA-256 of the YAML text: when the hash matches, the JSON is
 * used; otherwise the YAML is parsed, so an edit without a rebuild is never ignored. A file
 * unchanged since the last read in this process is not read again. Throws `CatalogueError`
 * naming every problem.
 */
export function loadCatalogue(path: string = DEFAULT_CATALOGUE_PATH): Catalogue {
  try {
    const { mtimeMs, size } = statSync(path);
    const cached = readCatalogues.get(path);
    if (cached && cached.mtimeMs === mtimeMs && cached.size === size) return cached.catalogue;
    const text = readFileSync(path, 'utf8');
    const catalogue = parseCatalogue(compiledData(path, text) ?? parse(text), path);
    readCatalogues.set(path, { mtimeMs, size, catalogue });
    return catalogue;
  } catch (error) {
    if (error instanceof CatalogueError) throw error;
    throw new CatalogueError(path, [error instanceof Error ? error.message : String(error)]);
  }
}

/** The path of the JSON kept beside a catalogue YAML file. */
export function compiledPath(yamlPath: string): string {
  return yamlPath.replace(/\.ya?ml$/, '') + '.json';
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The JSON copy of `text`'s data when it was made from exactly this text; undefined otherwise. */
function compiledData(yamlPath: string, text: string): unknown {
  try {
    const compiled = JSON.parse(readFileSync(compiledPath(yamlPath), 'utf8')) as { sourceSha256?: string; data?: unknown };
    return compiled.sourceSha256 === sha256(text) ? compiled.data : undefined;
  } catch {
    return undefined;
  }
}

/** The JSON copy of a catalogue YAML text (what `npm run catalogue` writes). Throws on invalid data. */
export function compileCatalogue(text: string, label = '(catalogue)'): string {
  const data: unknown = parse(text);
  parseCatalogue(data, label);
  return `${JSON.stringify({ sourceSha256: sha256(text), generatedBy: 'npm run catalogue (scripts/build-catalogue.ts) from catalogue.yaml; do not edit', data })}\n`;
}

/** Validates already-parsed catalogue data (tests build small ones). */
export function parseCatalogue(raw: unknown, label = '(catalogue)'): Catalogue {
  const parsed = catalogueSchema.safeParse(raw);
  if (!parsed.success) throw new CatalogueError(label, parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`));
  return parsed.data;
}

/** The entry whose id or alias is `name`; undefined when the catalogue does not know it. */
export function findCatalogueEntry(catalogue: Catalogue, name: string): CatalogueEntry | undefined {
  return catalogue.models.find((entry) => entry.id === name || entry.aliases.includes(name));
}

export type LifecycleState =
  | { state: 'live' }
  | { state: 'retiring'; retires: string; daysLeft: number; replacement?: string }
  | { state: 'retired'; retires: string; replacement?: string };

/** Where a model stands on `today` (YYYY-MM-DD): retired from its `retires` day on, retiring within 30 days before. */
export function lifecycleState(lifecycle: ModelLifecycle | undefined, today: string): LifecycleState {
  const retires = lifecycle?.retires;
  if (!retires) return { state: 'live' };
  const replacement = lifecycle?.replacement;
  if (retires <= today) return { state: 'retired', retires, ...(replacement ? { replacement } : {}) };
  const daysLeft = Math.round((Date.parse(retires) - Date.parse(today)) / 86_400_000);
  if (daysLeft <= RETIREMENT_WARNING_DAYS) return { state: 'retiring', retires, daysLeft, ...(replacement ? { replacement } : {}) };
  return { state: 'live' };
}

/** Today's date as YYYY-MM-DD in UTC. */
export function isoDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Catalogue ids callable on `today` on the same provider, for "use X instead" when the provider names no replacement. */
export function liveIds(catalogue: Catalogue, provider: string, today: string): string[] {
  return catalogue.models
    .filter((entry) => entry.provider === provider && entry.capabilities && lifecycleState(entry.lifecycle, today).state === 'live')
    .map((entry) => entry.id);
}

/** The `count` catalogue ids (and aliases, reported as ids) nearest to `name` by edit distance. */
export function closestCatalogueIds(catalogue: Catalogue, name: string, count = 3): string[] {
  const scored = catalogue.models.map((entry) => ({
    id: entry.id,
    distance: Math.min(...[entry.id, ...entry.aliases].map((candidate) => editDistance(name.toLowerCase(), candidate.toLowerCase()))),
  }));
  return scored
    .sort((a, b) => a.distance - b.distance || a.id.localeCompare(b.id))
    .slice(0, count)
    .map((entry) => entry.id);
}

/** Levenshtein distance between two strings, for "closest name" suggestions. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length];
}

/** Catalogue price rows with the cache prices filled (absent cache prices bill as input). */
export function fullPrices(prices: z.output<typeof priceSchema>[]): ModelPrice[] {
  return prices.map((price) => ({
    input: price.input,
    cachedInput: price.cachedInput ?? price.input,
    cacheWrite: price.cacheWrite ?? price.input,
    output: price.output,
    effectiveFrom: price.effectiveFrom,
    ...(price.longContext ? { longContext: price.longContext } : {}),
  }));
}

export type { ModelCapabilities, ModelLifecycle };
