import { chunkText, type SimulatedOutcome } from './answer.ts';
import { asArray, asRecord, sseData, WireRequestError, type ErrorFault, type WireError, type WireFormat } from './wire.ts';

/** OpenAI chat completions (`POST /v1/chat/completions`), as served by the simulator. */
export const openAIWire: WireFormat = {
  parse(body) {
    const model = body.model;
    if (typeof model !== 'string' || model.length === 0) throw new WireRequestError('you must provide a model parameter');
    const messages = asArray(body.messages).map(asRecord);
    if (messages.length === 0) throw new WireRequestError("'messages' must be a non-empty array");
    const tools = asArray(body.tools);
    const leadingSystem = messages.slice(0, firstIndexWhere(messages, (message) => message.role !== 'system'));
    const responseFormat = asRecord(body.response_format);
    const lastUser = [...messages].reverse().find((message) => message.role === 'user');
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    return {
      api: 'openai',
      model,
      stream: body.stream === true,
      maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
      promptText: JSON.stringify(tools) + messages.map(messageText).join('\n'),
      prefixText: tools.length > 0 || leadingSystem.length > 0 ? JSON.stringify(tools) + leadingSystem.map(messageText).join('\n') : '',
      caching: 'automatic',
      responseSchema: responseFormat.type === 'json_schema' ? asRecord(asRecord(responseFormat.json_schema).schema) : undefined,
      forcedTool: undefined,
      lastUserText: lastUser ? contentText(lastUser.content) : '',
      messageCount: messages.length,
    };
  },

  response(call, outcome, id) {
    return {
      id,
      object: 'chat.completion',
      created: 0,
      model: call.model,
      choices: [{ index: 0, message: { role: 'assistant', refusal: null, ...messageFields(outcome, id) }, logprobs: null, finish_reason: finishReason(outcome) }],
      usage: wireUsage(outcome),
      system_fingerprint: 'sim',
    };
  },

  streamFrames(call, outcome, id) {
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      sseData({ id, object: 'chat.completion.chunk', created: 0, model: call.model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
    const frames = [chunk({ role: 'assistant', content: '' })];
    const { answer } = outcome;
    if (answer.kind === 'tool_calls') {
      answer.calls.forEach((toolCall, index) => {
        frames.push(chunk({ tool_calls: [{ index, id: toolCallId(id, index), type: 'function', function: { name: toolCall.name, arguments: '' } }] }));
        for (const piece of chunkText(JSON.stringify(toolCall.arguments))) {
          frames.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
        }
      });
    } else {
      const text = answer.kind === 'text' ? answer.text : JSON.stringify(answer.value);
      for (const piece of chunkText(text)) frames.push(chunk({ content: piece }));
    }
    frames.push(chunk({}, finishReason(outcome)));
    // The SDK asks for usage with stream_options.include_usage; the simulator always sends it.
    frames.push(sseData({ id, object: 'chat.completion.chunk', created: 0, model: call.model, choices: [], usage: wireUsage(outcome) }));
    frames.push('data: [DONE]\n\n');
    return frames;
  },

  error(fault, apiKey) {
    return { status: errorStatus(fault), body: { error: errorObject(fault, apiKey) } };
  },

  invalidRequest(message) {
    return { status: 400, body: { error: { message, type: 'invalid_request_error', param: null, code: null } } };
  },
};

function errorStatus(fault: ErrorFault): number {
  switch (fault.fault) {
    case 'rate_limit':
      return 429;
    case 'server':
      return 500;
    case 'unavailable':
      return 503;
    case 'overloaded':
      return 529;
    case 'context_too_long':
      return 400;
    case 'auth':
      return 401;
  }
}

function errorObject(fault: ErrorFault, apiKey: string): WireError['body'] {
  switch (fault.fault) {
    case 'rate_limit':
      return { message: 'Rate limit reached for requests (simulated).', type: 'requests', param: null, code: 'rate_limit_exceeded' };
    case 'server':
      return { message: 'The server had an error while processing your request (simulated).', type: 'server_error', param: null, code: null };
    case 'unavailable':
      return { message: 'The engine is currently overloaded, please try again later (simulated).', type: 'server_error', param: null, code: null };
    case 'overloaded':
      return { message: 'Overloaded (simulated).', type: 'server_error', param: null, code: null };
    case 'context_too_long':
      return {
        message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens (simulated).",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      };
    case 'auth':
      return { message: `Incorrect API key provided: ${apiKey} (simulated).`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' };
  }
}

function messageFields(outcome: SimulatedOutcome, id: string): Record<string, unknown> {
  const { answer } = outcome;
  switch (answer.kind) {
    case 'text':
      return { content: answer.text };
    case 'json':
      return { content: JSON.stringify(answer.value) };
    case 'tool_calls':
      return {
        content: null,
        tool_calls: answer.calls.map((call, index) => ({
          id: toolCallId(id, index),
          type: 'function',
          function: { name: call.name, arguments: JSON.stringify(call.arguments) },
        })),
      };
  }
}

function finishReason(outcome: SimulatedOutcome): string {
  if (outcome.truncated) return 'length';
  return outcome.answer.kind === 'tool_calls' ? 'tool_calls' : 'stop';
}

/** OpenAI counts cached (and written) tokens inside `prompt_tokens`. */
function wireUsage({ usage }: SimulatedOutcome): Record<string, unknown> {
  const promptTokens = usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: promptTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens, ...(usage.cacheWriteTokens > 0 ? { cache_write_tokens: usage.cacheWriteTokens } : {}) },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

function toolCallId(responseId: string, index: number): string {
  return `call_${responseId.replace(/[^a-zA-Z0-9]/g, '')}_${index}`;
}

function messageText(message: Record<string, unknown>): string {
  const toolCalls = message.tool_calls === undefined ? '' : JSON.stringify(message.tool_calls);
  return `${String(message.role)}: ${contentText(message.content)}${toolCalls}`;
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  return asArray(content)
    .map((part) => asRecord(part).text)
    .filter((text): text is string => typeof text === 'string')
    .join('\n');
}

function firstIndexWhere<T>(items: T[], predicate: (item: T) => boolean): number {
  const index = items.findIndex(predicate);
  return index === -1 ? items.length : index;
}

