import OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { ReasoningEffort } from 'openai/resources/shared';
import type { ChatRequest, ChatResponse, Message, ModelCapabilities, ModelSpec, ProviderSpec, ToolCall, Usage } from '../../contracts/types.ts';
import { schemaProblems } from '../json-schema.ts';
import { acceptsSampling, capabilitiesOf, outputTokenLimit, reasoningEffortFor } from './capabilities.ts';
import { classifyProviderError } from './classify-error.ts';
import { profileRules, unwrappingArrayErrors, type ProfileRules } from './profiles.ts';
import { ProviderError } from '../../contracts/provider-error.ts';
import { emptyUsage, isSimulated, parseToolArguments, STREAM_ABOVE_OUTPUT_TOKENS, unknownVendorValue } from './response.ts';
import type { CallOptions } from '../../contracts/router.ts';
import type { ProviderClient } from './types.ts';

/**
 * A provider for OpenAI chat completions and every endpoint that speaks it (OpenRouter,
 * Ollama, Gemini's OpenAI endpoint, vLLM, ...) through `spec.baseURL`. The request is built
 * from the model's capabilities and the endpoint's profile, never from the base URL. The SDK
 * never retries; each call times out after `spec.timeoutMs` (until the response starts).
 * Long answers are streamed whatever the request says (see STREAM_ABOVE_OUTPUT_TOKENS).
 */
export function createOpenAIProvider(spec: ProviderSpec): ProviderClient {
  const profile = profileRules(spec.profile);
  const client = new OpenAI({
    // Local servers such as Ollama need no key, but the SDK refuses to start without one.
    apiKey: spec.apiKey ?? 'none',
    baseURL: spec.baseURL ?? 'https://api.openai.com/v1',
    maxRetries: 0,
    timeout: spec.timeoutMs,
    ...(profile.arrayErrorBodies ? { fetch: unwrappingArrayErrors() } : {}),
  });

  return {
    spec,
    async complete(model, request, signal, options: CallOptions = {}) {
      const capabilities = capabilitiesOf(model, 'openai');
      const built = toChatCompletionBody(model, request, capabilities, profile);
      const requestOptions = { signal, timeout: spec.timeoutMs, headers: options.headers };
      const progress: StreamProgress = { started: false, usage: undefined };
      const context = { provider: spec.name, model: model.id, apiKey: spec.apiKey, signal, profile: spec.profile };
      let response: ChatResponse;
      try {
        // Long answers are streamed, as with Anthropic: a long non-streamed call can outlive proxies and timeouts.
        if (request.stream || outputTokenLimit(model, capabilities, request) > STREAM_ABOVE_OUTPUT_TOKENS) {
          response = await completeStreaming(client, spec, model.id, built.body, requestOptions, progress);
        } else {
          const { data, response: http } = await client.chat.completions.create({ ...built.body, stream: false }, requestOptions).withResponse();
          response = fromChatCompletion(data, isSimulated(spec, http.headers, data.id), spec.name, model.id);
        }
      } catch (error) {
        throw classifyProviderError(error, { ...context, streamStarted: progress.started, usage: progress.usage });
      }
      return built.answerTool ? fromForcedTool(response, built.answerTool) : checkJsonAnswer(response, built.validateAgainst, spec.name, model.id);
    },
  };
}

interface StreamProgress {
  started: boolean;
  usage: Usage | undefined;
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
  let refusal: string | undefined;
  let finishReason: WireFinishReason | undefined;
  const toolParts = new Map<number, { id: string; name: string; arguments: string }>();

  // A chunk with an `error` field (OpenRouter's failure after the stream began) is thrown by the
  // SDK itself as an APIError without status; classifyProviderError reads it.
  for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
    id ??= chunk.id;
    modelName = chunk.model || modelName;
    // With include_usage the last chunk has no choices and the usage of the whole call.
    if (chunk.usage) progress.usage = normaliseOpenAIUsage(chunk.usage);
    for (const choice of chunk.choices) {
      if (choice.delta.content) text += choice.delta.content;
      if (choice.delta.refusal) refusal = (refusal ?? '') + choice.delta.refusal;
      for (const part of choice.delta.tool_calls ?? []) {
        const entry = toolParts.get(part.index) ?? { id: '', name: '', arguments: '' };
        entry.id ||= part.id ?? '';
        entry.name ||= part.function?.name ?? '';
        entry.arguments += part.function?.arguments ?? '';
        toolParts.set(part.index, entry);
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
  }
  if (finishReason === undefined) {
    throw new ProviderError({ kind: 'stream_cut', message: `${spec.name} (${modelId}): the stream ended before a finish_reason`, provider: spec.name, model: modelId, usage: progress.usage });
  }
  const toolCalls = [...toolParts.entries()]
    .sort(([left], [right]) => left - right)
    .map(([, part]): ToolCall => ({ id: part.id, name: part.name, arguments: parseToolArguments(part.name, part.arguments) }));
  const usage = progress.usage ?? emptyUsage();
  return {
    text,
    toolCalls,
    ...finishOf(finishReason, refusal, spec.name, modelId, usage),
    usage,
    model: modelName,
    simulated: isSimulated(spec, response.headers, id),
  };
}

function fromChatCompletion(completion: ChatCompletion, simulated: boolean, provider: string, modelId: string): ChatResponse {
  const choice = completion.choices[0];
  if (!choice) throw new Error('The provider answered with no choices');
  const toolCalls = (choice.message.tool_calls ?? []).map((call): ToolCall => {
    if (call.type !== 'function') throw new Error(`Unsupported tool call type from provider: ${call.type}`);
    return { id: call.id, name: call.function.name, arguments: parseToolArguments(call.function.name, call.function.arguments) };
  });
  const usage = completion.usage ? normaliseOpenAIUsage(completion.usage) : emptyUsage();
  return {
    text: choice.message.content ?? '',
    toolCalls,
    ...finishOf(choice.finish_reason, choice.message.refusal ?? undefined, provider, modelId, usage),
    usage,
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

/** finish_reason as sent: the SDK's values plus OpenRouter's `error`. */
type WireFinishReason = ChatCompletion.Choice['finish_reason'] | 'error';

/**
 * The finish of a choice. A `refusal` (OpenAI sends it with finish_reason "stop") becomes the
 * finish reason `refusal`; OpenRouter's `finish_reason: "error"` is a failure of the upstream
 * provider, thrown as `server` with the usage already spent.
 */
function finishOf(reason: WireFinishReason, refusal: string | undefined, provider: string, modelId: string, usage: Usage): Pick<ChatResponse, 'finishReason' | 'refusal'> {
  if (refusal !== undefined && refusal.length > 0) return { finishReason: 'refusal', refusal };
  switch (reason) {
    case 'stop':
      return { finishReason: 'stop' };
    case 'length':
      return { finishReason: 'length' };
    case 'tool_calls':
    case 'function_call':
      return { finishReason: 'tool_calls' };
    case 'content_filter':
      return { finishReason: 'content_filter' };
    case 'error':
      throw new ProviderError({ kind: 'server', message: `${provider} (${modelId}): the upstream model failed mid-answer (finish_reason "error")`, provider, model: modelId, usage });
    default:
      return unknownVendorValue('finish_reason', reason);
  }
}

/** What the request asks for beyond the body: how a JSON answer comes back and is checked. */
interface BuiltRequest {
  body: ChatCompletionCreateParamsBase;
  /** Structured output through a forced function: its arguments are the answer. */
  answerTool?: string;
  /** JSON mode: the answer is checked against this schema here, as the server does not. */
  validateAgainst?: Record<string, unknown>;
}

/** The tool name structured output is forced through when a model has no response format for it. */
const ANSWER_TOOL_PREFIX = 'answer_';

export function toChatCompletionBody(model: ModelSpec, request: ChatRequest, capabilities: ModelCapabilities, profile: ProfileRules): BuiltRequest {
  const systemRole = capabilities.systemRole === 'developer' && profile.developerRole ? 'developer' : 'system';
  const messages = request.messages.filter(isSendable).map((message) => toOpenAIMessage(message, systemRole));
  const limitParameter = profile.tokenLimitParameter ?? capabilities.tokenLimitParameter;
  const limit = outputTokenLimit(model, capabilities, request);
  const effort = reasoningEffortFor(model, capabilities);
  const strictTools = profile.strictTools && capabilities.structuredOutput === 'strict';
  const tools = (request.tools ?? []).map((tool) => toOpenAITool(tool, strictTools));
  const body: ChatCompletionCreateParamsBase = {
    model: model.apiModel,
    messages,
    ...(limitParameter === 'max_completion_tokens' ? { max_completion_tokens: limit } : { max_tokens: limit }),
    ...(request.temperature !== undefined && acceptsSampling(model, capabilities) ? { temperature: request.temperature } : {}),
    ...(effort === undefined ? {} : profile.reasoningEffort === 'reasoning_effort' ? { reasoning_effort: effort as ReasoningEffort } : { reasoning: { effort } }),
  };
  const built: BuiltRequest = { body };
  const schema = request.responseSchema;
  if (schema) {
    switch (capabilities.structuredOutput) {
      case 'strict':
        body.response_format = { type: 'json_schema', json_schema: { name: schema.name, schema: schema.schema, strict: true } };
        break;
      case 'json_mode':
        // JSON mode needs the word JSON in the messages; the schema goes with it, and the answer is checked here.
        body.response_format = { type: 'json_object' };
        messages.push({ role: systemRole, content: `Answer with one JSON object only, valid against this JSON Schema:\n${JSON.stringify(schema.schema)}` });
        built.validateAgainst = schema.schema;
        break;
      case 'tool': {
        const name = `${ANSWER_TOOL_PREFIX}${schema.name}`;
        tools.push({ type: 'function', function: { name, description: 'Give your answer by calling this function; its arguments are the answer.', parameters: schema.schema } });
        body.tool_choice = { type: 'function', function: { name } };
        built.answerTool = name;
        break;
      }
    }
  }
  if (tools.length > 0) body.tools = tools;
  return built;
}

/** An assistant turn with no text and no tool calls (an empty or refused answer) says nothing; it is never sent. */
function isSendable(message: Message): boolean {
  return !(message.role === 'assistant' && message.content.trim() === '' && !message.toolCalls?.length);
}

function toOpenAITool(tool: NonNullable<ChatRequest['tools']>[number], strict: boolean): ChatCompletionTool {
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters, ...(strict ? { strict: true } : {}) } };
}

function toOpenAIMessage(message: Message, systemRole: 'system' | 'developer'): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
      return { role: systemRole, content: message.content };
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

/** The forced answer function's arguments, as the JSON text of the answer. */
function fromForcedTool(response: ChatResponse, answerTool: string): ChatResponse {
  const call = response.toolCalls.find((toolCall) => toolCall.name === answerTool);
  if (!call) return response;
  return { ...response, text: JSON.stringify(call.arguments), toolCalls: [], finishReason: response.finishReason === 'tool_calls' ? 'stop' : response.finishReason };
}

/**
 * In JSON mode the server promises JSON, not the schema: an answer that is not JSON valid
 * against it is the provider's failure (`server`), as an unreadable body would be, so the
 * router may try again or elsewhere.
 */
function checkJsonAnswer(response: ChatResponse, schema: Record<string, unknown> | undefined, provider: string, modelId: string): ChatResponse {
  if (!schema || response.finishReason !== 'stop') return response;
  let value: unknown;
  try {
    value = JSON.parse(response.text);
  } catch {
    throw new ProviderError({ kind: 'server', message: `${provider} (${modelId}): JSON mode answer is not JSON`, provider, model: modelId, usage: response.usage });
  }
  const problem = schemaProblems(schema, value);
  if (problem) throw new ProviderError({ kind: 'server', message: `${provider} (${modelId}): JSON mode answer does not match the schema: ${problem}`, provider, model: modelId, usage: response.usage });
  return response;
}
