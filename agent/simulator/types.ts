import type { IncomingHttpHeaders } from 'node:http';
import type { EndpointProfile, ModelCapabilities } from '../../contracts/types.ts';

/**
 * The provider simulator's shapes: what a test or a replay can script, and what the
 * simulator records. Plain data only.
 */

/** Usage a script, a usage hook or the usage header dictates, in Switchboard's normalised terms. */
export interface SimulatedUsage {
  /** Uncached input tokens (see `Usage.inputTokens`). */
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
  cacheWriteTokens?: number;
}

export interface SimulatedToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** A scripted answer; `usage` overrides the usage the simulator would compute. */
export type SimulatorReply =
  | { text: string; usage?: SimulatedUsage }
  | { toolCalls: SimulatedToolCall[]; usage?: SimulatedUsage }
  | { json: unknown; usage?: SimulatedUsage }
  /** The model declines: OpenAI's `refusal` field, Anthropic's `stop_reason: "refusal"`. */
  | { refusal: string; usage?: SimulatedUsage };

/** A scripted failure, in each provider's real wire shape. */
export type SimulatorFault =
  /** 429 with `retry-after` (seconds, default 1). */
  | { fault: 'rate_limit'; retryAfterSeconds?: number }
  /** 500. */
  | { fault: 'server' }
  /** 503. */
  | { fault: 'unavailable' }
  /** 529, Anthropic's `overloaded_error`. */
  | { fault: 'overloaded' }
  /** Wait, then give the default answer. */
  | { fault: 'delay'; ms: number }
  /** Never answer; the connection stays open until the client gives up or the simulator closes. */
  | { fault: 'hang' }
  /** Destroy the socket before any response. */
  | { fault: 'drop' }
  /** 200 with a body that is not JSON. */
  | { fault: 'malformed' }
  /** Start the answer, then destroy the socket after `afterChunks` stream events. */
  | { fault: 'cut'; afterChunks: number }
  /** 400 in the provider's context-length shape. */
  | { fault: 'context_too_long' }
  /** 401; the message echoes the key it was sent, as the worst real provider would. */
  | { fault: 'auth' }
  /** 404: the model is retired or unknown (OpenAI `model_not_found`, Anthropic `not_found_error`). */
  | { fault: 'model_not_found' }
  /** No credit: OpenAI 429 `insufficient_quota`, Anthropic 400 "credit balance is too low". */
  | { fault: 'quota' };

export type ScriptStep = SimulatorReply | SimulatorFault;

export type SimulatorApi = 'openai' | 'anthropic';

export interface RecordedRequest {
  api: SimulatorApi;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body as the SDK sent it. */
  body: Record<string, unknown>;
  /** The model name as sent in the request. */
  model: string;
}

/** Decides the usage of one call; `undefined` leaves the computed usage. */
export type UsageHook = (request: RecordedRequest) => SimulatedUsage | undefined;

/** What a responder sees: the recorded request with its text read the same way whatever wire API it came in on. */
export interface ResponderRequest extends RecordedRequest {
  /** Every input text (tools, system, messages), joined. */
  promptText: string;
  /** The text of the last user message; empty when none. */
  lastUserText: string;
  /** The JSON Schema the answer must satisfy (a json_schema response format or a forced tool), when one is demanded. */
  responseSchema: Record<string, unknown> | undefined;
}

/**
 * Answers a request by looking at it (for a demo or a test whose calls come in no fixed order);
 * `undefined` leaves the default answer. It may return a fault as well as a reply.
 */
export type Responder = (request: ResponderRequest) => ScriptStep | undefined;

/** A model the simulator serves, with what its real API accepts. */
export interface SimulatedModel {
  /** The name sent in requests. */
  apiModel: string;
  api: SimulatorApi;
  /** For the openai API: the server it stands in for (its token-limit rules differ). */
  profile?: EndpointProfile;
  capabilities: ModelCapabilities;
  maxOutputTokens: number;
  /** ISO date from which the real API answers 404 for it. */
  retires?: string;
}

export interface SimulatorOptions {
  /** 0 or absent: an ephemeral port. */
  port?: number;
  host?: '127.0.0.1';
  /**
   * The models it knows, as the real APIs would: any other model id is a 404, and each
   * request is checked against its model's rules. Absent: any model id is served, checked
   * against the conservative default capabilities (a test's scripted `test-model`).
   */
  models?: SimulatedModel[];
  /** Today, for retirement dates; default the system clock. */
  clock?: () => Date;
}

export interface Simulator {
  /** Base URL, e.g. `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** `url + '/v1'`, the `baseURL` for the openai SDK. */
  readonly openaiBaseURL: string;
  /** `url`, the `baseURL` for the Anthropic SDK (it appends `/v1/messages`). */
  readonly anthropicBaseURL: string;
  /** Every chat request received, in order, including those answered with a fault. */
  readonly requests: readonly RecordedRequest[];
  /** Queues the next answers for `model` (the name as sent); each request takes one. */
  script(model: string, ...steps: ScriptStep[]): void;
  /** A persistent fault for `model` (an outage), checked after the script queue; `undefined` clears it. */
  setFault(model: string, fault: SimulatorFault | undefined): void;
  /** A usage hook for `model`, consulted after the usage header and before computing. */
  setUsageFor(model: string, hook: UsageHook | undefined): void;
  /**
   * A responder for `model`, consulted after the script queue and the persistent fault (an
   * outage still wins) and before the default answer; `undefined` clears it.
   */
  setResponder(model: string, responder: Responder | undefined): void;
  /** Clears scripts, faults, hooks, responders, recorded requests and the prompt-cache memory. */
  reset(): void;
  /** Stops listening and destroys open connections (hung requests included). */
  close(): Promise<void>;
}
