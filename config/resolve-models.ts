/**
 * Config models resolved against the model catalogue: a model naming a catalogue id (or alias)
 * inherits its limits, prices, capabilities and lifecycle; any other model must declare them.
 * Tiers and the flagship may name a catalogue id directly. Retired models are refused and models
 * retiring within 30 days are warned about, on the injected day.
 */
import type { ModelCapabilities } from '../contracts/types.ts';
import {
  closestCatalogueIds,
  findCatalogueEntry,
  lifecycleState,
  liveIds,
  type Catalogue,
  type CatalogueEntry,
} from './catalogue.ts';
import type { Config, ModelConfig } from './schema.ts';

export interface ResolutionIssue {
  path: string;
  message: string;
}

export interface ModelResolution {
  /** Every configured or referenced model, each with provider, limits, prices, capabilities and lifecycle filled. */
  models: Record<string, ModelConfig>;
  /** Problems that make the config unusable (exit 2). */
  issues: ResolutionIssue[];
  /** Models retiring within 30 days, with the replacement to move to. */
  warnings: ResolutionIssue[];
}

export interface ResolutionOptions {
  catalogue: Catalogue;
  /** YYYY-MM-DD; lifecycle is judged on this day. Omit to skip lifecycle checks (already done at load). */
  today?: string;
  /**
   * Config-file rules (default true): a model the catalogue does not know must declare its
   * capabilities, and the flagship must be a catalogue model. Off for configs built in code
   * (tests), whose undeclared capabilities are a plain chat model's.
   */
  strict?: boolean;
}

/**
 * What a model the catalogue does not know gets for each capability it leaves out: a plain chat
 * model on an OpenAI-compatible endpoint (Ollama, vLLM), asked for JSON through JSON mode.
 */
export const PLAIN_CHAT_CAPABILITIES: ModelCapabilities = {
  reasoning: false,
  samplingParameters: true,
  tokenLimitParameter: 'max_tokens',
  systemRole: 'system',
  structuredOutput: 'json_mode',
  toolCalling: true,
  promptCaching: false,
  thinking: 'none',
};

const REQUIRED_WITHOUT_CATALOGUE = ['provider', 'contextWindow', 'maxOutputTokens', 'prices', 'capabilities'] as const;

/** Resolves every model of `config`; never throws. */
export function resolveModelConfigs(config: Pick<Config, 'models' | 'tiers' | 'flagship' | 'jobs' | 'providers'>, options: ResolutionOptions): ModelResolution {
  const { catalogue, today } = options;
  const strict = options.strict ?? true;
  const required = strict ? REQUIRED_WITHOUT_CATALOGUE : REQUIRED_WITHOUT_CATALOGUE.filter((key) => key !== 'capabilities');
  const models: Record<string, ModelConfig> = {};
  const issues: ResolutionIssue[] = [];
  const warnings: ResolutionIssue[] = [];

  const resolveOne = (id: string, model: ModelConfig, path: string) => {
    const apiName = model.model ?? id;
    const catalogueName = model.catalogue ?? apiName;
    const entry = findCatalogueEntry(catalogue, catalogueName);
    if (model.catalogue !== undefined && !entry) {
      issues.push({ path: `${path}.catalogue`, message: unknownMessage(catalogue, model.catalogue, 'is not in the model catalogue') });
      return;
    }
    if (!entry) {
      const missing = required.filter((key) => model[key] === undefined);
      if (missing.length > 0) {
        issues.push({
          path,
          message: `${unknownMessage(catalogue, apiName, 'is not in the model catalogue')}; a model the catalogue does not know must declare ${missing.join(', ')}`,
        });
        return;
      }
      models[id] = { ...model, capabilities: { ...PLAIN_CHAT_CAPABILITIES, ...model.capabilities }, lifecycle: model.lifecycle ?? {} };
      checkLifecycle(id, models[id], path);
      return;
    }
    const lifecycle = { ...entry.lifecycle, ...model.lifecycle };
    const resolved: ModelConfig = {
      ...model,
      provider: model.provider ?? entry.provider,
      catalogue: entry.id,
      contextWindow: model.contextWindow ?? entry.contextWindow,
      maxOutputTokens: model.maxOutputTokens ?? entry.maxOutputTokens,
      prices: model.prices ?? entry.prices?.map((price) => ({ ...price })),
      capabilities: entry.capabilities ? { ...entry.capabilities, ...model.capabilities } : completeCapabilities(model.capabilities),
      lifecycle,
    };
    if (!checkLifecycle(id, resolved, path, entry)) return;
    const missing = required.filter((key) => resolved[key] === undefined);
    if (missing.length > 0) {
      issues.push({ path, message: `catalogue model "${entry.id}" has no ${missing.join(', ')} on record; declare them in the config` });
      return;
    }
    models[id] = resolved;
  };

  /** False when the model is retired (an issue is recorded). */
  const checkLifecycle = (id: string, model: ModelConfig, path: string, entry?: CatalogueEntry): boolean => {
    if (today === undefined) return true;
    const state = lifecycleState(model.lifecycle, today);
    const name = entry?.id ?? model.model ?? id;
    if (state.state === 'retired') {
      issues.push({ path, message: `model "${name}" was retired on ${state.retires} and now answers 404; ${moveTo(state.replacement, model.provider ?? entry?.provider)}` });
      return false;
    }
    if (state.state === 'retiring') {
      const when = state.daysLeft === 1 ? 'tomorrow' : `in ${state.daysLeft} days`;
      warnings.push({ path, message: `model "${name}" retires on ${state.retires} (${when}); ${moveTo(state.replacement, model.provider ?? entry?.provider)}` });
    }
    return true;
  };

  const moveTo = (replacement: string | undefined, provider: string | undefined): string => {
    if (replacement) return `the provider names "${replacement}" as its replacement`;
    const vendor = catalogue.models.find((entry) => entry.id === provider)?.provider ?? provider;
    const live = vendor === 'openai' || vendor === 'anthropic' ? liveIds(catalogue, vendor, today ?? '9999-12-31') : [];
    return live.length > 0 ? `the provider names no replacement; live ${vendor} models: ${live.join(', ')}` : 'the provider names no replacement';
  };

  for (const [id, model] of Object.entries(config.models)) resolveOne(id, model, `models.${id}`);

  /** A tier names a model it will call; the flagship only lends its price, so its provider may be absent. */
  const reference = (path: string, id: string, called = true) => {
    if (config.models[id]) return;
    if (models[id]) return;
    const entry = findCatalogueEntry(catalogue, id);
    if (!entry) {
      const configured = Object.keys(config.models);
      const near = [...closestConfigured(id, configured), ...closestCatalogueIds(catalogue, id)];
      issues.push({ path, message: `unknown model "${id}": neither a configured model nor a catalogue id (closest: ${[...new Set(near)].slice(0, 4).join(', ')})` });
      return;
    }
    if (called && !config.providers[entry.provider]) {
      issues.push({ path, message: `catalogue model "${id}" is served by provider "${entry.provider}", which is not configured under providers` });
      return;
    }
    resolveOne(id, {}, path);
  };
  for (const [tier, chain] of Object.entries(config.tiers)) chain.forEach((id, index) => reference(`tiers.${tier}.${index}`, id));
  reference('flagship', config.flagship, false);
  for (const [name, job] of Object.entries(config.jobs)) {
    for (const [tier, chain] of Object.entries(job.tiers)) chain?.forEach((id, index) => reference(`jobs.${name}.tiers.${tier}.${index}`, id));
  }
  const flagship = models[config.flagship];
  if (strict && flagship && !flagship.catalogue) {
    issues.push({
      path: 'flagship',
      message: `the flagship must be a catalogue model, so the bill compares against a published price; "${config.flagship}" is not (closest: ${closestCatalogueIds(catalogue, flagship.model ?? config.flagship).join(', ')})`,
    });
  }
  return { models, issues, warnings };
}

function unknownMessage(catalogue: Catalogue, name: string, what: string): string {
  return `model "${name}" ${what} (closest catalogue ids: ${closestCatalogueIds(catalogue, name).join(', ')})`;
}

function closestConfigured(id: string, configured: string[]): string[] {
  return configured.filter((candidate) => candidate.includes(id) || id.includes(candidate)).slice(0, 2);
}

function completeCapabilities(declared: Partial<ModelCapabilities> | undefined): ModelCapabilities | undefined {
  return declared ? { ...PLAIN_CHAT_CAPABILITIES, ...declared } : undefined;
}
