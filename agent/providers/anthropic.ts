import Anthropic from '@anthropic-ai/sdk';
import type {
  Message as AnthropicMessage,
  MessageCreateParamsBase,
  MessageParam,
  RawMessageStreamEvent,
  StopReason,
  TextBlockParam,
  Tool,
  ToolResultBlockParam,
  ToolUseBlockParam,
} from '@anthropic-ai/sdk/resources/messages/messages';
import type { ChatRequest, ChatResponse, FinishReason, Message, ModelCapabilities, ModelSpec, ProviderContent, ProviderSpec, ToolCall, Usage } from '../../contracts/types.ts';
import { schemaProblems } from '../json-schema.ts';
import { capabilitiesOf, outputTokenLimit, reasoningEffortFor } from './capabilities.ts';
import { classifyProviderError } from './classify-error.ts';
import { ProviderError } from '../../contracts/provider-error.ts';
import { emptyUsage, isSimulated, parseToolArguments, STREAM_ABOVE_OUTPUT_TOKENS, unknownVendorValue } from './response.ts';
import type { CallOptions } from '../../contracts/router.ts';
import type { ProviderClient } from './types.ts';

/**
 * A provider for Anthropic's messages API, with each request built from the model's
 * capabilities: no sampling parameters (deprecated by the API version the SDK speaks), structured output through
 * the native output format (`output_config.format`) where the model has it or refuses forced
 * tool use (thinking-always models), else through a forced tool; thinking blocks handed back
 * unchanged in a tool loop; never an empty text block; never more output tokens than the
 * model allows. The SDK never retries; each call times out after `spec.timeoutMs`.
 */
export function createAnthropicProvider(spec: ProviderSpec): ProviderClient {
  const client = new Anthropic({
    apiKey: spec.apiKey ?? 'none',
    baseURL: spec.baseURL ?? 'https://api.anthropic.com',
    maxRetries: 0,
    timeout: spec.timeoutMs,
  });

  return {
    spec,
    async complete(model, request, signal, options: CallOptions = {}) {
      const capabilities = capabilitiesOf(model, 'anthropic');
      const built = toMessagesBody(model, request, capabilities);
      const requestOptions = { signal, timeout: spec.timeoutMs, headers: options.headers };
      const progress: StreamProgress = { started: false, usage: undefined };
      let response: ChatResponse;
      try {
        if (request.stream || built.body.max_tokens > STREAM_ABOVE_OUTPUT_TOKENS) {
          const { data: stream, response: http } = await client.messages.create({ ...built.body, stream: true }, requestOptions).withResponse();
          progress.started = true;
          const message = await collectStream(stream, progress, spec.name, model.id);
          response = fromMessage(message, isSimulated(spec, http.headers, message.id), built.answerTool);
        } else {
          const { data, response: http } = await client.messages.create({ ...built.body, stream: false }, requestOptions).withResponse();
          response = fromMessage(fromWholeMessage(data), isSimulated(spec, http.headers, data.id), built.answerTool);
        }
      } catch (error) {
        throw classifyProviderError(error, {
          provider: spec.name,
          model: model.id,
          apiKey: spec.apiKey,
          signal,
          streamStarted: progress.started,
          usage: progress.usage,
        });
      }
      return checkJsonAnswer(response, built.validateAgainst, spec.name, model.id);
    },
  };
}

interface StreamProgress {
  started: boolean;
  usage: Usage | undefined;
}

/** A content block as received; thinking blocks are kept whole, to be sent back unchanged. */
type CollectedBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string };

/** What `fromMessage` needs of a message, whether received whole or assembled from events. */
interface CollectedMessage {
  id: string;
  model: string;
  content: CollectedBlock[];
  stopReason: StopReason | null;
  refusal: string | undefined;
  usage: Usage;
}

async function collectStream(stream: AsyncIterable<RawMessageStreamEvent>, progress: StreamProgress, provider: string, modelId: string): Promise<CollectedMessage> {
  const message: CollectedMessage = { id: '', model: '', content: [], stopReason: null, refusal: undefined, usage: emptyUsage() };
  const partialJson = new Map<number, string>();
  let stopped = false;
  for await (const event of stream) {
    switch (event.type) {
      case 'message_start':
        message.id = event.message.id;
        message.model = event.message.model;
        message.usage = normaliseAnthropicUsage(event.message.usage);
        progress.usage = message.usage;
        break;
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'text') message.content[event.index] = { type: 'text', text: block.text };
        // The streaming guide's thinking block starts without a signature: it comes in a signature_delta.
        if (block.type === 'thinking') message.content[event.index] = { type: 'thinking', thinking: block.thinking ?? '', signature: block.signature ?? '' };
        if (block.type === 'redacted_thinking') message.content[event.index] = { type: 'redacted_thinking', data: block.data };
        if (block.type === 'tool_use') {
          message.content[event.index] = { type: 'tool_use', id: block.id, name: block.name, input: {} };
          partialJson.set(event.index, '');
        }
        break;
      }
      case 'content_block_delta': {
        const block = message.content[event.index];
        if (event.delta.type === 'text_delta' && block?.type === 'text') block.text += event.delta.text;
        if (event.delta.type === 'thinking_delta' && block?.type === 'thinking') block.thinking += event.delta.thinking;
        if (event.delta.type === 'signature_delta' && block?.type === 'thinking') block.signature += event.delta.signature;
        if (event.delta.type === 'input_json_delta') partialJson.set(event.index, (partialJson.get(event.index) ?? '') + event.delta.partial_json);
        break;
      }
      case 'content_block_stop': {
        const block = message.content[event.index];
        if (block?.type === 'tool_use') block.input = parseToolArguments(block.name, partialJson.get(event.index) ?? '');
        break;
      }
      case 'message_delta':
        message.stopReason = event.delta.stop_reason;
        message.refusal = event.delta.stop_details?.explanation ?? message.refusal;
        // message_delta counts are cumulative; input and cache counts may be null here.
        message.usage = {
          inputTokens: event.usage.input_tokens ?? message.usage.inputTokens,
          cachedInputTokens: event.usage.cache_read_input_tokens ?? message.usage.cachedInputTokens,
          cacheWriteTokens: event.usage.cache_creation_input_tokens ?? message.usage.cacheWriteTokens,
          outputTokens: event.usage.output_tokens,
          reasoningTokens: event.usage.output_tokens_details?.thinking_tokens ?? message.usage.reasoningTokens,
        };
        progress.usage = message.usage;
        break;
      case 'message_stop':
        stopped = true;
        break;
      default:
        return unknownVendorValue('stream event', event);
    }
  }
  if (!stopped) {
    throw new ProviderError({ kind: 'stream_cut', message: `${provider} (${modelId}): the stream ended before message_stop`, provider, model: modelId, usage: progress.usage });
  }
  message.content = message.content.filter((block) => block !== undefined);
  return message;
}

function fromMessage(collected: CollectedMessage, simulated: boolean, answerTool: string | undefined): ChatResponse {
  const text = collected.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
  const toolUses = collected.content.flatMap((block) => (block.type === 'tool_use' ? [block] : []));
  const structured = answerTool === undefined ? undefined : toolUses.find((block) => block.name === answerTool);
  const finishReason = mapStopReason(collected.stopReason);
  const refusal = finishReason === 'refusal' ? (collected.refusal ?? text) : undefined;
  const thinks = collected.content.some((block) => block.type === 'thinking' || block.type === 'redacted_thinking');
  const providerContent: ProviderContent | undefined = thinks ? { api: 'anthropic', model: collected.model, blocks: collected.content.map((block) => ({ ...block })) } : undefined;
  if (structured) {
    return {
      text: JSON.stringify(structured.input),
      toolCalls: [],
      // The forced tool is how the answer arrives, not a tool the caller must run.
      finishReason: finishReason === 'tool_calls' ? 'stop' : finishReason,
      usage: collected.usage,
      model: collected.model,
      simulated,
    };
  }
  return {
    text,
    toolCalls: toolUses.map((block): ToolCall => ({ id: block.id, name: block.name, arguments: (block.input ?? {}) as Record<string, unknown> })),
    finishReason,
    ...(refusal === undefined ? {} : { refusal }),
    ...(providerContent ? { providerContent } : {}),
    usage: collected.usage,
    model: collected.model,
    simulated,
  };
}

function fromWholeMessage(message: AnthropicMessage): CollectedMessage {
  return {
    id: message.id,
    model: message.model,
    // Server-tool blocks carry nothing the caller acts on; thinking blocks go back with the turn.
    content: message.content.flatMap((block): CollectedBlock[] => {
      switch (block.type) {
        case 'text':
          return [{ type: 'text', text: block.text }];
        case 'tool_use':
          return [{ type: 'tool_use', id: block.id, name: block.name, input: block.input }];
        case 'thinking':
          return [{ type: 'thinking', thinking: block.thinking, signature: block.signature }];
        case 'redacted_thinking':
          return [{ type: 'redacted_thinking', data: block.data }];
        default:
          return [];
      }
    }),
    stopReason: message.stop_reason,
    refusal: message.stop_details?.explanation ?? undefined,
    usage: normaliseAnthropicUsage(message.usage),
  };
}

/** Anthropic already reports uncached input, cache reads and cache writes as disjoint counts. */
export function normaliseAnthropicUsage(usage: {
  input_tokens: number | null;
  cache_read_input_tokens: number | null;
  cache_creation_input_tokens: number | null;
  output_tokens: number;
  output_tokens_details?: { thinking_tokens: number } | null;
}): Usage {
  return {
    inputTokens: usage.input_tokens ?? 0,
    cachedInputTokens: usage.cache_read_input_tokens ?? 0,
    cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
    outputTokens: usage.output_tokens,
    reasoningTokens: usage.output_tokens_details?.thinking_tokens ?? 0,
  };
}

function mapStopReason(reason: StopReason | null): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    // A paused server-tool turn is unfinished: like a truncated answer, it can be continued.
    case 'pause_turn':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'refusal';
    case null:
      throw new Error('The provider sent no stop_reason');
    default:
      return unknownVendorValue('stop_reason', reason);
  }
}

const EPHEMERAL = { type: 'ephemeral' } as const;

/** Efforts `output_config.effort` takes (the SDK's OutputConfig). */
const OUTPUT_EFFORTS = new Set(['low', 'medium', 'high', 'xhigh', 'max']);

interface BuiltRequest {
  body: MessageCreateParamsBase;
  /** Structured output through a forced tool: its input is the answer. */
  answerTool?: string;
  /** No native structured output: the answer is checked against this schema here. */
  validateAgainst?: Record<string, unknown>;
}

/** How a JSON answer is asked of this model. Forced tool use is refused while thinking is always on. */
function structuredOutputOf(capabilities: ModelCapabilities): 'native' | 'tool' | 'instructed' {
  if (capabilities.structuredOutput === 'strict' || capabilities.thinking === 'always') return 'native';
  return capabilities.structuredOutput === 'tool' ? 'tool' : 'instructed';
}

export function toMessagesBody(model: ModelSpec, request: ChatRequest, capabilities: ModelCapabilities): BuiltRequest {
  const system: TextBlockParam[] = [];
  const messages: MessageParam[] = [];
  // The block each request message became, to place the cache breakpoint after the prefix.
  const lastBlockOf: Array<TurnBlock | undefined> = [];

  for (const message of request.messages) {
    if (message.role === 'system') {
      const block: TextBlockParam | undefined = message.content.trim() === '' ? undefined : { type: 'text', text: message.content };
      if (block) system.push(block);
      lastBlockOf.push(block ?? lastBlockOf.at(-1));
      continue;
    }
    const { role, blocks } = toAnthropicTurn(message);
    // An empty turn (an empty or refused answer, an empty user text) would be an empty content block: a 400.
    if (blocks.length === 0) {
      lastBlockOf.push(lastBlockOf.at(-1));
      continue;
    }
    const previous = messages.at(-1);
    // Consecutive turns of one role merge: all results of one assistant turn go in one user turn.
    if (previous && previous.role === role && Array.isArray(previous.content)) previous.content.push(...blocks);
    else messages.push({ role, content: blocks });
    lastBlockOf.push(blocks[blocks.length - 1]);
  }

  const built: BuiltRequest = { body: { model: model.apiModel, max_tokens: outputTokenLimit(model, capabilities, request), messages } };
  const tools: Tool[] = (request.tools ?? []).map((tool) => ({ name: tool.name, description: tool.description, input_schema: tool.parameters as Tool['input_schema'] }));
  const outputConfig: NonNullable<MessageCreateParamsBase['output_config']> = {};
  const schema = request.responseSchema;
  if (schema) {
    switch (structuredOutputOf(capabilities)) {
      case 'native':
        outputConfig.format = { type: 'json_schema', schema: toAnthropicOutputSchema(schema.schema) };
        // The native format leaves out constraints it cannot enforce; the answer is checked against the full schema.
        built.validateAgainst = schema.schema;
        break;
      case 'tool':
        tools.push({ name: schema.name, description: 'Give your answer by calling this tool; its input is the answer.', input_schema: schema.schema as Tool['input_schema'] });
        built.body.tool_choice = { type: 'tool', name: schema.name };
        built.answerTool = schema.name;
        break;
      case 'instructed':
        system.push({ type: 'text', text: `Answer with one JSON object only, valid against this JSON Schema:\n${JSON.stringify(schema.schema)}` });
        built.validateAgainst = schema.schema;
        break;
    }
  }
  const effort = reasoningEffortFor(model, capabilities);
  if (effort !== undefined && OUTPUT_EFFORTS.has(effort)) outputConfig.effort = effort as NonNullable<typeof outputConfig.effort>;

  const prefix = request.cachePrefixMessages ?? 0;
  if (prefix > 0 && capabilities.promptCaching) {
    if (tools.length > 0) tools[tools.length - 1].cache_control = EPHEMERAL;
    const breakpoint = lastBlockOf[Math.min(prefix, lastBlockOf.length) - 1];
    if (breakpoint) breakpoint.cache_control = EPHEMERAL;
  }
  if (system.length > 0) built.body.system = system;
  if (tools.length > 0) built.body.tools = tools;
  if (Object.keys(outputConfig).length > 0) built.body.output_config = outputConfig;
  // No temperature/top_p ever: the SDK speaks anthropic-version 2026-10-21, whose MessageCreateParams
  // have no sampling parameters (current models answer "deprecated for this model" to them).
  return built;
}

/**
 * The schema as Anthropic's native output format takes it. Its documented limits: no numeric
 * bounds (`minimum`, `maximum`, `multipleOf`...), no string lengths, no `maxItems`, `minItems`
 * only 0 or 1. Those constraints move into the field's description (the model still reads
 * them) and the answer is validated against the original schema on arrival.
 */
export function toAnthropicOutputSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const moved: string[] = [];
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (UNENFORCEABLE.has(key) || (key === 'minItems' && typeof value === 'number' && value > 1)) {
      moved.push(`${key}: ${JSON.stringify(value)}`);
      continue;
    }
    copy[key] = transformChildren(key, value);
  }
  if (moved.length > 0) copy.description = [typeof copy.description === 'string' ? copy.description : '', `(${moved.join(', ')})`].filter(Boolean).join(' ');
  return copy;
}

const UNENFORCEABLE = new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'maxItems']);

function transformChildren(key: string, value: unknown): unknown {
  const isSchema = (candidate: unknown): candidate is Record<string, unknown> => typeof candidate === 'object' && candidate !== null && !Array.isArray(candidate);
  if ((key === 'properties' || key === '$defs' || key === 'definitions') && isSchema(value)) {
    return Object.fromEntries(Object.entries(value).map(([name, child]) => [name, isSchema(child) ? toAnthropicOutputSchema(child) : child]));
  }
  if (key === 'items' && isSchema(value)) return toAnthropicOutputSchema(value);
  if ((key === 'anyOf' || key === 'allOf') && Array.isArray(value)) return value.map((child) => (isSchema(child) ? toAnthropicOutputSchema(child) : child));
  return value;
}

type TurnBlock = TextBlockParam | ToolUseBlockParam | ToolResultBlockParam;

function toAnthropicTurn(message: Exclude<Message, { role: 'system' }>): { role: 'user' | 'assistant'; blocks: TurnBlock[] } {
  switch (message.role) {
    case 'user':
      return { role: 'user', blocks: message.content.trim() === '' ? [] : [{ type: 'text', text: message.content }] };
    case 'assistant': {
      // Thinking blocks go back exactly as received (their signatures are checked), with the turn they came in.
      if (message.providerContent?.api === 'anthropic') {
        const blocks = message.providerContent.blocks.filter((block) => !(block.type === 'text' && String(block.text ?? '').trim() === ''));
        return { role: 'assistant', blocks: blocks as unknown as TurnBlock[] };
      }
      const blocks: TurnBlock[] = message.content.trim() === '' ? [] : [{ type: 'text', text: message.content }];
      for (const call of message.toolCalls ?? []) blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: call.arguments });
      return { role: 'assistant', blocks };
    }
    case 'tool':
      return {
        role: 'user',
        blocks: [{ type: 'tool_result', tool_use_id: message.toolCallId, content: message.content, ...(message.isError ? { is_error: true } : {}) }],
      };
  }
}

/**
 * Without a forced tool the answer arrives as text: an answer that is not JSON valid against
 * the schema is the provider's failure (`server`), so the router may try again or elsewhere.
 */
function checkJsonAnswer(response: ChatResponse, schema: Record<string, unknown> | undefined, provider: string, modelId: string): ChatResponse {
  if (!schema || response.finishReason !== 'stop') return response;
  let value: unknown;
  try {
    value = JSON.parse(response.text);
  } catch {
    throw new ProviderError({ kind: 'server', message: `${provider} (${modelId}): the structured answer is not JSON`, provider, model: modelId, usage: response.usage });
  }
  const problem = schemaProblems(schema, value);
  if (problem) throw new ProviderError({ kind: 'server', message: `${provider} (${modelId}): the structured answer does not match the schema: ${problem}`, provider, model: modelId, usage: response.usage });
  return response;
}
