import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { ProviderSpec } from '../../contracts/types.ts';
import { classifyProviderError } from './classify-error.ts';

export interface ProbeResult {
  provider: string;
  ok: boolean;
  latencyMs: number;
  /** Models the endpoint lists (first few), or the classified error. */
  detail: string;
}

/**
 * Checks that a provider answers, without spending tokens: lists its models. Never throws;
 * never includes the key in `detail`.
 */
export async function probeProvider(spec: ProviderSpec, timeoutMs = 5_000): Promise<ProbeResult> {
  const started = performance.now();
  const options = { apiKey: spec.apiKey ?? 'none', baseURL: spec.baseURL, maxRetries: 0, timeout: timeoutMs };
  try {
    const ids: string[] = [];
    if (spec.api === 'openai') {
      const page = await new OpenAI(options).models.list();
      for (const model of page.data.slice(0, 5)) ids.push(model.id);
    } else {
      const page = await new Anthropic(options).models.list({ limit: 5 });
      for (const model of page.data.slice(0, 5)) ids.push(model.id);
    }
    return { provider: spec.name, ok: true, latencyMs: performance.now() - started, detail: ids.length ? `models: ${ids.join(', ')}` : 'reachable' };
  } catch (error) {
    const classified = classifyProviderError(error, { provider: spec.name, model: '(models.list)', apiKey: spec.apiKey });
    return { provider: spec.name, ok: false, latencyMs: performance.now() - started, detail: `${classified.kind}: ${classified.message}` };
  }
}
