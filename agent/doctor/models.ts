/**
 * `switchboard doctor`'s model rows. Without `--live`: the model id is in the provider's full
 * model list (every page) and is not retired in the catalogue. With `--live`: the expected cost
 * is printed first, then each model gets one minimal real request, priced from its usage.
 */
import type { ChatRequest, ModelSpec, ProviderSpec } from '../../contracts/types.ts';
import type { ProviderRegistry } from '../providers/types.ts';
import { calculateCost, priceOn, worstCaseCost } from '../cost.ts';
import { lifecycleProblem, redact, type DoctorRow } from './checks.ts';

const LIVE_PROMPT = 'Reply with the single word: ok';
/** Input tokens a minimal request costs at most (the prompt plus each API's framing). */
const LIVE_INPUT_TOKENS = 40;

/** Every model id the endpoint lists, following pagination. Throws the SDK's error. */
export async function listProviderModels(spec: ProviderSpec, timeoutMs = 10_000): Promise<Set<string>> {
  const options = { apiKey: spec.apiKey ?? 'none', baseURL: spec.baseURL, maxRetries: 0, timeout: timeoutMs };
  const ids = new Set<string>();
  if (spec.api === 'openai') {
    const { default: OpenAI } = await import('openai');
    for await (const model of new OpenAI(options).models.list()) ids.add(model.id);
  } else {
    const { default: Anthropic } = await import('@anthropic-ai/sdk');
    for await (const model of new Anthropic(options).models.list({ limit: 100 })) ids.add(model.id);
  }
  return ids;
}

/** The output cap of a minimal live request: room for a word, or for a model that always thinks. */
export function liveOutputTokens(model: ModelSpec): number {
  if (model.capabilities?.thinking === 'always') return Math.min(256, model.maxOutputTokens);
  if (model.capabilities?.reasoning && !lowestEffort(model)) return Math.min(256, model.maxOutputTokens);
  return Math.min(32, model.maxOutputTokens);
}

/** The cheapest reasoning effort the model accepts (`none`, `minimal`, `low`), if any. */
export function lowestEffort(model: ModelSpec): string | undefined {
  const efforts = model.capabilities?.reasoningEfforts ?? [];
  return ['none', 'minimal', 'low'].find((effort) => efforts.includes(effort));
}

/** USD at most for one minimal live request to each model, on `today`'s prices. */
export function expectedLiveCost(models: ModelSpec[], today: string): number {
  return models.reduce((sum, model) => sum + worstCaseCost(LIVE_INPUT_TOKENS, liveOutputTokens(model), priceOn(model, today)), 0);
}

export interface ModelCheckOptions {
  specs: ProviderSpec[];
  registry: ProviderRegistry;
  today: string;
  live: boolean;
  secrets: readonly string[];
  /** Listing and request timeout per provider/model. */
  timeoutMs?: number;
}

/** One row per configured model; model lists are fetched once per provider. */
export async function checkModels(models: ModelSpec[], options: ModelCheckOptions): Promise<DoctorRow[]> {
  const lists = new Map<string, Promise<Set<string>>>();
  const rows: DoctorRow[] = [];
  for (const model of models) {
    const part = `model ${model.id}`;
    const spec = options.specs.find((candidate) => candidate.name === model.provider);
    const lifecycle = lifecycleProblem(model, options.today);
    const dated = lifecycle.note ? ` (${lifecycle.note})` : '';
    if (!spec) {
      rows.push({ part, ok: false, detail: `provider ${model.provider} is not configured`, fix: `add providers.${model.provider}` });
      continue;
    }
    if (!lifecycle.ok) {
      rows.push({ part, ok: false, detail: `${model.apiModel} at ${spec.name}: ${lifecycle.note}`, fix: lifecycle.fix });
      continue;
    }
    if (options.live) {
      rows.push(await liveRow(part, model, spec, options, dated, lifecycle.fix));
      continue;
    }
    if (spec.simulated) {
      rows.push({ part, ok: true, detail: `${model.apiModel} at ${spec.name} (simulated: no API key set; model list not checked)${dated}`, ...(lifecycle.fix ? { fix: lifecycle.fix } : {}) });
      continue;
    }
    if (!lists.has(spec.name)) lists.set(spec.name, listProviderModels(spec, options.timeoutMs));
    try {
      const ids = await lists.get(spec.name)!;
      if (!ids.has(model.apiModel)) {
        rows.push({
          part,
          ok: false,
          detail: `${spec.name} does not list ${model.apiModel} (${ids.size} models listed): a call would answer 404`,
          fix: 'pick a model the account can use: see the catalogue (config/catalogue.yaml) or the provider console',
        });
        continue;
      }
      rows.push({ part, ok: true, detail: `${model.apiModel} listed by ${spec.name}${dated}`, ...(lifecycle.fix ? { fix: lifecycle.fix } : {}) });
    } catch (error) {
      const { classifyProviderError } = await import('../providers/classify-error.ts');
      const classified = classifyProviderError(error, { provider: spec.name, model: '(models.list)', apiKey: spec.apiKey });
      rows.push({
        part,
        ok: false,
        detail: redact(`${spec.name} model list: ${classified.kind}: ${classified.message}`, options.secrets),
        fix: classified.kind === 'auth' ? `check the API key of providers.${spec.name}` : `check providers.${spec.name} (baseURL, network)`,
      });
    }
  }
  return rows;
}

async function liveRow(part: string, model: ModelSpec, spec: ProviderSpec, options: ModelCheckOptions, dated: string, fix: string | undefined): Promise<DoctorRow> {
  const client = options.registry.get(spec.name);
  if (!client) return { part, ok: false, detail: `no client for provider ${spec.name}`, fix: `check providers.${spec.name}` };
  const effort = lowestEffort(model);
  const target: ModelSpec = effort ? { ...model, reasoningEffort: effort } : model;
  const request: ChatRequest = { messages: [{ role: 'user', content: LIVE_PROMPT }], maxOutputTokens: liveOutputTokens(model) };
  const signal = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  try {
    const response = await client.complete(target, request, signal);
    const cost = calculateCost(response.usage, priceOn(model, options.today));
    const spent = response.simulated ? `simulated: nothing spent ($${cost.toFixed(6)} at list price)` : `cost $${cost.toFixed(6)}`;
    return {
      part,
      ok: true,
      detail: `${model.apiModel} answered ${JSON.stringify(response.text.trim().slice(0, 20))}; ${spent}${dated}`,
      ...(fix ? { fix } : {}),
    };
  } catch (error) {
    const kind = (error as { kind?: string }).kind ?? 'error';
    const text = error instanceof Error ? error.message : String(error);
    return { part, ok: false, detail: redact(`${model.apiModel} at ${spec.name}: ${kind}: ${text}`, options.secrets), fix: liveFix(kind, spec.name) };
  }
}

function liveFix(kind: string, provider: string): string {
  switch (kind) {
    case 'auth':
      return `check the API key of providers.${provider}`;
    case 'bad_request':
      return 'the request was refused: a Switchboard defect or a model the catalogue describes wrongly; please report it';
    default:
      return `retry later, or check providers.${provider}`;
  }
}
