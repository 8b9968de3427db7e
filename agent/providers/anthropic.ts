import Anthropic from '@anthropic-ai/sdk';
import type {
  Message as AnthropicMessage,
  MessageCreateParamsBase,
  MessageParam,
  RawContentBlockDelta,
  RawMessageStreamEvent,
  StopReason,
  TextBlockParam,
  Tool,
  ToolResultBlockParam,
  ToolUseBlockParam,
} from '@anthropic-ai/sdk/resources/messages/messages';
import type { ChatRequest, ChatResponse, FinishReason, Message, ModelSpec, ProviderSpec, ToolCall, Usage } from '../../contracts/types.ts';
import { classifyProviderError } from './classify-error.ts';
import { ProviderError } from '../../contracts/provider-error.ts';
import { emptyUsage, isSimulated, parseToolArguments, STREAM_ABOVE_OUTPUT_TOKENS, unknownVendorValue } from './response.ts';
import type { CallOptions } from '../../contracts/router.ts';
import type { ProviderClient } from './types.ts';

/**
 * A provider for Anthropic's messages API. The SDK never retries; each call times out after
 * `spec.timeoutMs` (until the response starts). Structured output goes through a forced
 * tool whose input comes back as the JSON `text`.
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
      const body = toMessagesBody(model, request);
      const requestOptions = { signal, timeout: spec.timeoutMs, headers: options.headers };
      const progress: StreamProgress = { started: false, usage: undefined, outputCharacters: 0 };
      const structuredTool = request.responseSchema?.name;
      try {
        if (request.stream || body.max_tokens > STREAM_ABOVE_OUTPUT_TOKENS) {
          const { data: stream, response } = await client.messages.create({ ...body, stream: true }, requestOptions).withResponse();
          progress.started = true;
          const message = await collectStream(stream, progress, spec.name, model.id);
          return fromMessage(message, isSimulated(spec, response.headers, message.id), structuredTool);
        }
        const { data, response } = await client.messages.create({ ...body, stream: false }, requestOptions).withResponse();
        return fromMessage(data, isSimulated(spec, response.headers, data.id), structuredTool);
      } catch (error) {
        throw classifyProviderError(error, {
          provider: spec.name,
          model: model.id,
          apiKey: spec.apiKey,
          signal,
          streamStarted: progress.started,
          usage: progress.usage,
          outputCharacters: progress.outputCharacters,
        });
      }
    },
  };
}

interface StreamProgress {
  started: boolean;
  usage: Usage | undefined;
  /** Answer text, thinking and tool-argument characters received so far. */
  outputCharacters: number;
}

/** What `fromMessage` needs of a message, whether received whole or assembled from events. */
interface CollectedMessage {
  id: string;
  model: string;
  content: Array<{ type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: unknown }>;
  stopReason: StopReason | null;
  usage: Usage;
}

async function collectStream(stream: AsyncIterable<RawMessageStreamEvent>, progress: StreamProgress, provider: string, modelId: string): Promise<CollectedMessage> {
  const message: CollectedMessage = { id: '', model: '', content: [], stopReason: null, usage: emptyUsage() };
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
        if (block.type === 'tool_use') {
          message.content[event.index] = { type: 'tool_use', id: block.id, name: block.name, input: {} };
          partialJson.set(event.index, '');
        }
        break;
      }
      case 'content_block_delta': {
        const block = message.content[event.index];
        if (event.delta.type === 'text_delta' && block?.type === 'text') block.text += event.delta.text;
        if (event.delta.type === 'input_json_delta') partialJson.set(event.index, (partialJson.get(event.index) ?? '') + event.delta.partial_json);
        progress.outputCharacters += deltaCharacters(event.delta);
        break;
      }
      case 'content_block_stop': {
        const block = message.content[event.index];
        if (block?.type === 'tool_use') block.input = parseToolArguments(block.name, partialJson.get(event.index) ?? '');
        break;
      }
      case 'message_delta':
        message.stopReason = event.delta.stop_reason;
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
    throw new ProviderError({ kind: 'stream_cut', message: `${provider} (${modelId}): the stream ended before message_stop`, provider, model: modelId, usage: progress.usage, outputCharacters: progress.outputCharacters });
  }
  message.content = message.content.filter((block) => block !== undefined);
  return message;
}

/** Characters of answer a delta carries (text, thinking, tool arguments), for billing a cut stream. */
function deltaCharacters(delta: RawContentBlockDelta): number {
  switch (delta.type) {
    case 'text_delta':
      return delta.text.length;
    case 'input_json_delta':
      return delta.partial_json.length;
    case 'thinking_delta':
      return delta.thinking.length;
    case 'citations_delta':
    case 'signature_delta':
      return 0;
    default:
      return unknownVendorValue('content block delta', delta);
  }
}

function fromMessage(message: AnthropicMessage | CollectedMessage, simulated: boolean, structuredTool: string | undefined): ChatResponse {
  const collected: CollectedMessage = 'type' in message && message.type === 'message' ? fromWholeMessage(message) : (message as CollectedMessage);
  const text = collected.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
  const toolUses = collected.content.flatMap((block) => (block.type === 'tool_use' ? [block] : []));
  const structured = structuredTool === undefined ? undefined : toolUses.find((block) => block.name === structuredTool);
  const finishReason = mapStopReason(collected.stopReason);
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
    usage: collected.usage,
    model: collected.model,
    simulated,
  };
}

function fromWholeMessage(message: AnthropicMessage): CollectedMessage {
  return {
    id: message.id,
    model: message.model,
    // Thinking and server-tool blocks carry nothing the caller acts on.
    content: message.content.flatMap((block): CollectedMessage['content'] => {
      if (block.type === 'text') return [{ type: 'text', text: block.text }];
      if (block.type === 'tool_use') return [{ type: 'tool_use', id: block.id, name: block.name, input: block.input }];
      return [];
    }),
    stopReason: message.stop_reason,
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
      return 'content_filter';
    case null:
      throw new Error('The provider sent no stop_reason');
    default:
      return unknownVendorValue('stop_reason', reason);
  }
}

const EPHEMERAL = { type: 'ephemeral' } as const;

function toMessagesBody(model: ModelSpec, request: ChatRequest): MessageCreateParamsBase {
  const system: TextBlockParam[] = [];
  const messages: MessageParam[] = [];
  // The block each request message became, to place the cache breakpoint after the prefix.
  const lastBlockOf: TurnBlock[] = [];

  for (const message of request.messages) {
    if (message.role === 'system') {
      const block: TextBlockParam = { type: 'text', text: message.content };
      system.push(block);
      lastBlockOf.push(block);
      continue;
    }
    const { role, blocks } = toAnthropicTurn(message);
    const previous = messages.at(-1);
    // Consecutive turns of one role merge: all results of one assistant turn go in one user turn.
    if (previous && previous.role === role && Array.isArray(previous.content)) previous.content.push(...blocks);
    else messages.push({ role, content: blocks });
    lastBlockOf.push(blocks[blocks.length - 1]);
  }

  const tools: Tool[] = (request.tools ?? []).map((tool) => ({ name: tool.name, description: tool.description, input_schema: tool.parameters as Tool['input_schema'] }));
  if (request.responseSchema) {
    tools.push({
      name: request.responseSchema.name,
      description: 'Give your answer by calling this tool; its input is the answer.',
      input_schema: request.responseSchema.schema as Tool['input_schema'],
    });
  }
  const prefix = request.cachePrefixMessages ?? 0;
  if (prefix > 0) {
    if (tools.length > 0) tools[tools.length - 1].cache_control = EPHEMERAL;
    const breakpoint = lastBlockOf[Math.min(prefix, lastBlockOf.length) - 1];
    if (breakpoint) breakpoint.cache_control = EPHEMERAL;
  }

  return {
    model: model.apiModel,
    max_tokens: request.maxOutputTokens ?? model.maxOutputTokens,
    messages,
    ...(system.length > 0 ? { system } : {}),
    ...(tools.length > 0 ? { tools } : {}),
    ...(request.responseSchema ? { tool_choice: { type: 'tool', name: request.responseSchema.name } } : {}),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  };
}

type TurnBlock = TextBlockParam | ToolUseBlockParam | ToolResultBlockParam;

function toAnthropicTurn(message: Exclude<Message, { role: 'system' }>): { role: 'user' | 'assistant'; blocks: TurnBlock[] } {
  switch (message.role) {
    case 'user':
      return { role: 'user', blocks: [{ type: 'text', text: message.content }] };
    case 'assistant': {
      const blocks: TurnBlock[] = message.content.length > 0 ? [{ type: 'text', text: message.content }] : [];
      for (const call of message.toolCalls ?? []) blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: call.arguments });
      return { role: 'assistant', blocks: blocks.length > 0 ? blocks : [{ type: 'text', text: message.content }] };
    }
    case 'tool':
      return {
        role: 'user',
        blocks: [{ type: 'tool_result', tool_use_id: message.toolCallId, content: message.content, ...(message.isError ? { is_error: true } : {}) }],
      };
  }
}
