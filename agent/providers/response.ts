import { SIMULATED_HEADER, SIMULATED_ID_PREFIX } from '../simulator/protocol.ts';
import type { ProviderSpec, Usage } from '../../contracts/types.ts';

/** Usage of a call that consumed nothing, or whose usage the provider never reported. */
export function emptyUsage(): Usage {
  return { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };
}

/** True when the spec says so, or the answer carries the simulator's header or id prefix. */
export function isSimulated(spec: ProviderSpec, headers: Headers, responseId: string | undefined): boolean {
  return spec.simulated || headers.get(SIMULATED_HEADER) === '1' || (responseId?.startsWith(SIMULATED_ID_PREFIX) ?? false);
}

/**
 * Parses a tool call's arguments: `{}` for an empty string. Throws when the model sent text
 * that is not a JSON object (the call is then classified `server`, worth another attempt).
 */
export function parseToolArguments(toolName: string, raw: string): Record<string, unknown> {
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`The model sent arguments for tool '${toolName}' that are not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`The model sent arguments for tool '${toolName}' that are not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** For the `default` branch of an exhaustive switch over a vendor value. */
export function unknownVendorValue(field: string, value: never): never {
  throw new Error(`Unknown ${field} from provider: ${JSON.stringify(value)}`);
}

/**
 * Above this many output tokens a call is streamed whatever the request says: the Anthropic
 * SDK refuses such a call unstreamed, and a long unstreamed answer outlives proxies and timeouts.
 */
export const STREAM_ABOVE_OUTPUT_TOKENS = 16_000;
