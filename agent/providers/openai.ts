import OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { ChatRequest, ChatResponse, FinishReason, Message, ModelSpec, ProviderSpec, ToolCall, Usage } from '../../contracts/types.ts';
import { classifyProviderError } from './classify-error.ts';
import { ProviderError } from '../../contracts/provider-error.ts';
import { emptyUsage, isSimulated, parseToolArguments, STREAM_ABOVE_OUTPUT_TOKENS, unknownVendorValue } from './response.ts';
import type { CallOptions } from '../../contracts/router.ts';
import type { ProviderClient } from './types.ts';

/**
 * A provider for OpenAI chat completions and every endpoint that speaks it (Ollama,
 * OpenRouter, vLLM, Groq, Gemini's OpenAI endpoint) through `spec.baseURL`. The SDK never
 * retries; each call times out after `spec.timeoutMs` (until the response starts). Long
 * answers are streamed whatever the request says (see STREAM_ABOVE_OUTPUT_TOKENS).
 */
export function createOpenAIProvider(spec: ProviderSpec): ProviderClient {
  const client = new OpenAI({
    // Local servers such as Ollama need no key, but the SDK refuses to start without one.
    apiKey: spec.apiKey ?? 'none',
    baseURL: spec.baseURL ?? 'https://api.openai.com/v1',
    maxRetries: 0,
    timeout: spec.timeoutMs,
  });
  const official = spec.baseURL === undefined || new URL(spec.baseURL).hostname === 'api.openai.com';

  return {
    spec,
    async complete(model, request, signal, options: CallOptions = {}) {
      const body = toChatCompletionBody(model, request, official);
      const requestOptions = { signal, timeout: spec.timeoutMs, headers: options.headers };
      const progress: StreamProgress = { started: false, usage: undefined, outputCharacters: 0 };
      try {
        // Long answers are streamed, as with Anthropic: a long non-streamed call can outlive proxies and timeouts.
        if (request.stream || (request.maxOutputTokens ?? 0) > STREAM_ABOVE_OUTPUT_TOKENS) return await completeStreaming(client, spec, model.id, body, requestOptions, progress);
        const { data, response } = await client.chat.completions.create({ ...body, stream: false }, requestOptions).withResponse();
        return fromChatCompletion(data, isSimulated(spec, response.headers, data.id));
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
  /** Answer text and tool-argument characters received so far. */
  outputCharacters: number;
}

type RequestOptions = { signal?: AbortSignal; timeout: number; headers?: Record<string, string> };

async function completeStreaming(
  client: OpenAI,
  spec: ProviderSpec,
  modelId: string,
  body: ChatCompletionCreateParamsBase,
  requestOptions: RequestOptions,
  progress: StreamProgress,
): Promise<ChatResponse> {
  const { data: stream, response } = await client.chat.completions
    .create({ ...body, stream: true, stream_options: { include_usage: true } }, requestOptions)
    .withResponse();
  progress.started = true;
  let id: string | undefined;
  let modelName = body.model;
  let text = '';
  let finishReason: FinishReason | undefined;
  const toolParts = new Map<number, { id: string; name: string; arguments: string }>();

  for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
    id ??= chunk.id;
    modelName = chunk.model || modelName;
    // With include_usage the last chunk has no choices and the usage of the whole call.
    if (chunk.usage) progress.usage = normaliseOpenAIUsage(chunk.usage);
    for (const choice of chunk.choices) {
      if (choice.delta.content) {
        text += choice.delta.content;
        progress.outputCharacters += choice.delta.content.length;
      }
      for (const part of choice.delta.tool_calls ?? []) {
        const entry = toolParts.get(part.index) ?? { id: '', name: '', arguments: '' };
        entry.id ||= part.id ?? '';
        entry.name ||= part.function?.name ?? '';
        entry.arguments += part.function?.arguments ?? '';
        progress.outputCharacters += part.function?.arguments?.length ?? 0;
        toolParts.set(part.index, entry);
      }
      if (choice.finish_reason) finishReason = mapFinishReason(choice.finish_reason);
    }
  }
  if (finishReason === undefined) {
    throw new ProviderError({ kind: 'stream_cut', message: `${spec.name} (${modelId}): the stream ended before a finish_reason`, provider: spec.name, model: modelId, usage: progress.usage, outputCharacters: progress.outputCharacters });
  }
  const toolCalls = [...toolParts.entries()]
    .sort(([left], [right]) => left - right)
    .map(([, part]): ToolCall => ({ id: part.id, name: part.name, arguments: parseToolArguments(part.name, part.arguments) }));
  return {
    text,
    toolCalls,
    finishReason,
    usage: progress.usage ?? emptyUsage(),
    model: modelName,
    simulated: isSimulated(spec, response.headers, id),
  };
}

function fromChatCompletion(completion: ChatCompletion, simulated: boolean): ChatResponse {
  const choice = completion.choices[0];
  if (!choice) throw new Error('The provider answered with no choices');
  const toolCalls = (choice.message.tool_calls ?? []).map((call): ToolCall => {
    if (call.type !== 'function') throw new Error(`Unsupported tool call type from provider: ${call.type}`);
    return { id: call.id, name: call.function.name, arguments: parseToolArguments(call.function.name, call.function.arguments) };
  });
  return {
    text: choice.message.content ?? '',
    toolCalls,
    finishReason: mapFinishReason(choice.finish_reason),
    usage: completion.usage ? normaliseOpenAIUsage(completion.usage) : emptyUsage(),
    model: completion.model,
    simulated,
  };
}

/**
 * OpenAI counts cached tokens (and, on some compatible endpoints, cache writes) inside
 * `prompt_tokens`; Switchboard's `inputTokens` is the uncached rest.
 */
export function normaliseOpenAIUsage(usage: CompletionUsage): Usage {
  const cachedInputTokens = usage.prompt_tokens_details?.cached_tokens ?? 0;
  const cacheWriteTokens = usage.prompt_tokens_details?.cache_write_tokens ?? 0;
  return {
    inputTokens: Math.max(0, usage.prompt_tokens - cachedInputTokens - cacheWriteTokens),
    cachedInputTokens,
    cacheWriteTokens,
    outputTokens: usage.completion_tokens,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

function mapFinishReason(reason: ChatCompletion.Choice['finish_reason']): FinishReason {
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return unknownVendorValue('finish_reason', reason);
  }
}

function toChatCompletionBody(model: ModelSpec, request: ChatRequest, official: boolean): ChatCompletionCreateParamsBase {
  const maxTokens = request.maxOutputTokens ?? model.maxOutputTokens;
  return {
    model: model.apiModel,
    messages: request.messages.map(toOpenAIMessage),
    // The official API wants max_completion_tokens (reasoning models refuse max_tokens);
    // compatible servers mostly know only max_tokens.
    ...(official ? { max_completion_tokens: maxTokens } : { max_tokens: maxTokens }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.tools && request.tools.length > 0 ? { tools: request.tools.map(toOpenAITool) } : {}),
    ...(request.responseSchema
      ? { response_format: { type: 'json_schema', json_schema: { name: request.responseSchema.name, schema: request.responseSchema.schema, strict: true } } }
      : {}),
  };
}

function toOpenAITool(tool: NonNullable<ChatRequest['tools']>[number]): ChatCompletionTool {
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } };
}

function toOpenAIMessage(message: Message): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user':
      return { role: 'user', content: message.content };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content.length > 0 || !message.toolCalls?.length ? message.content : null,
        ...(message.toolCalls?.length
          ? { tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: JSON.stringify(call.arguments) } })) }
          : {}),
      };
    case 'tool':
      // Chat completions has no error flag on a tool result; the content says what failed.
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}
