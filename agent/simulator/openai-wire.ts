import { strictSchemaProblems } from '../providers/strict-schema.ts';
import { chunkText, schemaStatedIn, type SimulatedOutcome } from './answer.ts';
import type { SimulatedModel } from './types.ts';
import { asArray, asRecord, sseData, WireRequestError, type ErrorFault, type WireError, type WireFormat } from './wire.ts';

/**
 * OpenAI chat completions (`POST /v1/chat/completions`), as served by the simulator: it
 * refuses what the real API refuses, with the real error bodies (chat completions reference,
 * reasoning and structured-outputs guides): sampling parameters and `max_tokens` on a
 * reasoning model, `reasoning_effort` on a model without reasoning, a limit above the model's,
 * a strict schema that breaks the strict rules, JSON mode without the word "json".
 */
export const openAIWire: WireFormat = {
  parse(body, { model: spec }) {
    const model = body.model;
    if (typeof model !== 'string' || model.length === 0) throw new WireRequestError('you must provide a model parameter');
    const messages = asArray(body.messages).map(asRecord);
    if (messages.length === 0) throw new WireRequestError("'messages' must be a non-empty array");
    checkModelRules(body, spec, messages);
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
      jsonMode: responseFormat.type === 'json_object' ? { schemaInMessages: schemaStatedIn(messages.map((message) => contentText(message.content))) } : undefined,
      forcedTool: undefined,
      thinking: false,
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
    } else if (answer.kind === 'refusal') {
      for (const piece of chunkText(answer.text)) frames.push(chunk({ refusal: piece }));
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

  error(fault, apiKey, model) {
    return { status: errorStatus(fault), body: { error: errorObject(fault, apiKey, model) } };
  },

  invalidRequest(message, details = {}) {
    return { status: 400, body: { error: { message, type: 'invalid_request_error', param: details.param ?? null, code: details.code ?? null } } };
  },
};

const unsupported = (param: string) =>
  new WireRequestError(`Unsupported parameter: '${param}' is not supported with this model.`, { param, code: 'unsupported_parameter' });

function checkModelRules(body: Record<string, unknown>, spec: SimulatedModel, messages: Array<Record<string, unknown>>): void {
  const capabilities = spec.capabilities;
  const effort = body.reasoning_effort;
  const official = spec.profile === undefined || spec.profile === 'openai';
  if (capabilities.reasoning) {
    if (official && body.max_tokens !== undefined) {
      throw new WireRequestError("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", { param: 'max_tokens', code: 'unsupported_parameter' });
    }
    const samplingAllowed = capabilities.samplingParameters || (effort === 'none' && (capabilities.reasoningEfforts?.includes('none') ?? false));
    for (const param of ['temperature', 'top_p']) if (body[param] !== undefined && !samplingAllowed) throw unsupported(param);
  } else if (effort !== undefined) {
    throw unsupported('reasoning_effort');
  }
  if (typeof effort === 'string' && capabilities.reasoningEfforts && !capabilities.reasoningEfforts.includes(effort)) {
    throw new WireRequestError(
      `Unsupported value: 'reasoning_effort' does not support '${effort}' with this model. Supported values are: ${capabilities.reasoningEfforts.map((value) => `'${value}'`).join(', ')}.`,
      { param: 'reasoning_effort', code: 'unsupported_value' },
    );
  }
  for (const param of ['max_completion_tokens', 'max_tokens']) {
    const limit = body[param];
    if (typeof limit === 'number' && limit > spec.maxOutputTokens) {
      throw new WireRequestError(
        `${param} is too large: ${limit}. This model supports at most ${spec.maxOutputTokens} completion tokens, whereas you provided ${limit}.`,
        { param, code: 'invalid_value' },
      );
    }
  }
  const format = asRecord(body.response_format);
  if (format.type === 'json_schema') {
    const jsonSchema = asRecord(format.json_schema);
    if (capabilities.structuredOutput !== 'strict') {
      throw new WireRequestError("Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.", { param: 'response_format' });
    }
    if (jsonSchema.strict === true) {
      const problems = strictSchemaProblems(jsonSchema.schema);
      if (problems.length > 0) {
        throw new WireRequestError(`Invalid schema for response_format '${String(jsonSchema.name)}': ${problems[0]}.`, { param: 'response_format', code: 'invalid_json_schema' });
      }
    }
  }
  if (format.type === 'json_object' && !messages.some((message) => /json/i.test(contentText(message.content)))) {
    throw new WireRequestError("'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", { param: 'messages' });
  }
  asArray(body.tools).forEach((tool, index) => {
    const fn = asRecord(asRecord(tool).function);
    if (fn.strict !== true) return;
    const problems = strictSchemaProblems(fn.parameters);
    if (problems.length > 0) {
      throw new WireRequestError(`Invalid schema for function '${String(fn.name)}': ${problems[0]}.`, { param: `tools[${index}].function.parameters`, code: 'invalid_function_parameters' });
    }
  });
}

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
    case 'model_not_found':
      return 404;
    case 'quota':
      return 429;
  }
}

function errorObject(fault: ErrorFault, apiKey: string, model: string): WireError['body'] {
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
    case 'model_not_found':
      return { message: `The model \`${model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' };
    case 'quota':
      return {
        message: 'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
        type: 'insufficient_quota',
        param: null,
        code: 'insufficient_quota',
      };
  }
}

function messageFields(outcome: SimulatedOutcome, id: string): Record<string, unknown> {
  const { answer } = outcome;
  switch (answer.kind) {
    case 'text':
      return { content: answer.text };
    case 'json':
      return { content: JSON.stringify(answer.value) };
    case 'refusal':
      return { content: null, refusal: answer.text };
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

