import { sampleFromSchema } from './schema-sample.ts';
import type { SimulatedToolCall, SimulatedUsage, SimulatorApi, SimulatorReply } from './types.ts';

/** One chat request as the simulator understands it, whatever wire API it came in on. */
export interface SimulatedCall {
  api: SimulatorApi;
  model: string;
  stream: boolean;
  maxTokens: number | undefined;
  /** All the input text (messages, system, tools), for estimating input tokens. */
  promptText: string;
  /** The cacheable stable prefix (tools and system, or up to the last cache breakpoint). */
  prefixText: string;
  /** `automatic`: OpenAI-style caching of any seen prefix; `explicit`: Anthropic `cache_control`. */
  caching: 'automatic' | 'explicit' | 'none';
  /** The schema of a json_schema response format or of a forced tool. */
  responseSchema: Record<string, unknown> | undefined;
  /**
   * OpenAI JSON mode (`response_format: json_object`): the server promises a JSON object, not a
   * schema. A schema the request states in its messages ("... JSON Schema: {...}") is followed,
   * as a model told it would; otherwise the object holds the simulated text.
   */
  jsonMode?: { schemaInMessages: Record<string, unknown> | undefined };
  /** Anthropic structured output: the tool the model is forced to call. */
  forcedTool: string | undefined;
  /** The model thinks before answering: an Anthropic answer starts with a signed thinking block. */
  thinking: boolean;
  lastUserText: string;
  messageCount: number;
}

export type SimulatedAnswer =
  | { kind: 'text'; text: string }
  | { kind: 'tool_calls'; calls: SimulatedToolCall[] }
  | { kind: 'json'; value: unknown }
  | { kind: 'refusal'; text: string };

export interface SimulatedOutcome {
  answer: SimulatedAnswer;
  usage: Required<SimulatedUsage>;
  /** The answer was cut at `maxTokens`. */
  truncated: boolean;
}

/** The simulator's token estimate: a quarter of the characters, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * The answer to an unscripted request, a stable function of it: a JSON sample when a schema
 * is demanded, otherwise a short text that says it is simulated. Never calls a tool, so an
 * agent loop over the simulator ends.
 */
export function defaultAnswer(call: SimulatedCall): SimulatedAnswer {
  if (call.responseSchema) return { kind: 'json', value: sampleFromSchema(call.responseSchema) };
  const quoted = call.lastUserText.replace(/\s+/g, ' ').trim().slice(0, 80);
  const text = `[simulated ${call.model}] ${call.messageCount} message(s) received; last user message: "${quoted}".`;
  if (call.jsonMode) {
    const schema = call.jsonMode.schemaInMessages;
    return { kind: 'json', value: schema ? sampleFromSchema(schema) : { answer: text } };
  }
  return { kind: 'text', text };
}

/**
 * The JSON Schema a message states after the words "JSON Schema" (the last such message wins),
 * when what follows parses as a JSON object; else undefined.
 */
export function schemaStatedIn(texts: readonly string[]): Record<string, unknown> | undefined {
  for (let index = texts.length - 1; index >= 0; index--) {
    const match = /JSON Schema\s*:?\s*(\{[\s\S]*\})\s*$/i.exec(texts[index]!);
    if (!match) continue;
    try {
      const parsed: unknown = JSON.parse(match[1]!);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // Not JSON after all: look further back.
    }
  }
  return undefined;
}

export function answerFromReply(reply: SimulatorReply): SimulatedAnswer {
  if ('text' in reply) return { kind: 'text', text: reply.text };
  if ('toolCalls' in reply) return { kind: 'tool_calls', calls: reply.toolCalls };
  if ('refusal' in reply) return { kind: 'refusal', text: reply.refusal };
  return { kind: 'json', value: reply.json };
}

/** The text an answer puts on the wire, for estimating output tokens. */
export function answerText(answer: SimulatedAnswer): string {
  switch (answer.kind) {
    case 'text':
      return answer.text;
    case 'tool_calls':
      return answer.calls.map((call) => call.name + JSON.stringify(call.arguments)).join('');
    case 'json':
      return JSON.stringify(answer.value);
    case 'refusal':
      return answer.text;
  }
}

/** Cuts a text answer at `maxTokens`; other answers are never cut. */
export function truncateAnswer(answer: SimulatedAnswer, maxTokens: number | undefined): { answer: SimulatedAnswer; truncated: boolean } {
  if (answer.kind !== 'text' || maxTokens === undefined || estimateTokens(answer.text) <= maxTokens) {
    return { answer, truncated: false };
  }
  return { answer: { kind: 'text', text: answer.text.slice(0, maxTokens * 4) }, truncated: true };
}

/**
 * Usage computed from the request: input is the prompt estimate minus what the prompt cache
 * covers. `prefixSeen` says whether this model saw the same stable prefix before.
 */
export function computeUsage(call: SimulatedCall, answer: SimulatedAnswer, prefixSeen: boolean): Required<SimulatedUsage> {
  const total = estimateTokens(call.promptText);
  const prefix = Math.min(total, call.prefixText.length > 0 ? estimateTokens(call.prefixText) : 0);
  const cachedInputTokens = call.caching !== 'none' && prefixSeen ? prefix : 0;
  const cacheWriteTokens = call.caching === 'explicit' && !prefixSeen ? prefix : 0;
  return {
    inputTokens: total - cachedInputTokens - cacheWriteTokens,
    cachedInputTokens,
    cacheWriteTokens,
    outputTokens: Math.max(1, estimateTokens(answerText(answer))),
  };
}

/** Splits text into short pieces for stream deltas; deterministic, never empty. */
export function chunkText(text: string, size = 16): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces.length > 0 ? pieces : [''];
}
