import { createHash } from 'node:crypto';
import { chunkText, type SimulatedAnswer, type SimulatedCall, type SimulatedOutcome } from './answer.ts';
import type { SimulatedModel } from './types.ts';
import { asArray, asRecord, sseEvent, WireRequestError, type ErrorFault, type WireFormat } from './wire.ts';

/**
 * Anthropic messages (`POST /v1/messages`), as served by the simulator: it refuses what the
 * real API refuses (messages reference, extended-thinking and structured-outputs guides), with
 * the real error bodies: sampling parameters the model deprecates, a `max_tokens` above the
 * model's, an empty text block or an empty turn, forced tool use on a model that always thinks,
 * a tool loop that drops the thinking block (or forges its signature), an output-format schema
 * the native format cannot take. A thinking model's answers start with a signed thinking block.
 */
export const anthropicWire: WireFormat = {
  parse(body, { model: spec, issuedSignatures }) {
    const model = body.model;
    if (typeof model !== 'string' || model.length === 0) throw new WireRequestError('model: Field required');
    if (typeof body.max_tokens !== 'number') throw new WireRequestError('max_tokens: Field required');
    const messages = asArray(body.messages).map(asRecord);
    if (messages.length === 0) throw new WireRequestError('messages: at least one message is required');
    const tools = asArray(body.tools).map(asRecord);
    const toolChoice = asRecord(body.tool_choice);
    const forcedTool = toolChoice.type === 'tool' && typeof toolChoice.name === 'string' ? toolChoice.name : undefined;
    const forcedSchema = tools.find((tool) => tool.name === forcedTool)?.input_schema;
    if (forcedTool && forcedSchema === undefined) throw new WireRequestError(`tool_choice: tool '${forcedTool}' not found in tools`);
    checkModelRules(body, spec, messages, issuedSignatures);
    const outputFormat = asRecord(asRecord(body.output_config).format);
    const nativeSchema = outputFormat.type === 'json_schema' ? asRecord(outputFormat.schema) : undefined;

    // Anthropic caches in the order tools, system, messages, up to the last cache_control.
    const segments: Array<{ text: string; breakpoint: boolean }> = [
      ...tools.map((tool) => ({ text: JSON.stringify({ ...tool, cache_control: undefined }), breakpoint: tool.cache_control !== undefined })),
      ...blocksOf(body.system).map((block) => ({ text: blockText(block), breakpoint: block.cache_control !== undefined })),
      ...messages.flatMap((message) =>
        blocksOf(message.content).map((block) => ({ text: `${String(message.role)}: ${blockText(block)}`, breakpoint: block.cache_control !== undefined })),
      ),
    ];
    const lastBreakpoint = segments.findLastIndex((segment) => segment.breakpoint);
    const lastUser = [...messages].reverse().find((message) => message.role === 'user' && typeof blocksOf(message.content)[0]?.text === 'string');
    return {
      api: 'anthropic',
      model,
      stream: body.stream === true,
      maxTokens: body.max_tokens,
      promptText: segments.map((segment) => segment.text).join('\n'),
      prefixText: segments.slice(0, lastBreakpoint + 1).map((segment) => segment.text).join('\n'),
      caching: lastBreakpoint === -1 ? 'none' : 'explicit',
      responseSchema: forcedSchema === undefined ? nativeSchema : asRecord(forcedSchema),
      forcedTool,
      thinking: spec.capabilities.thinking === 'always',
      lastUserText: lastUser ? blocksOf(lastUser.content).map(blockText).join('\n') : '',
      messageCount: messages.length,
    };
  },

  response(call, outcome, id) {
    return {
      id,
      type: 'message',
      role: 'assistant',
      model: call.model,
      content: contentBlocks(call, outcome.answer, id),
      stop_reason: stopReason(outcome, call),
      stop_sequence: null,
      stop_details: stopDetails(outcome),
      usage: wireUsage(outcome),
    };
  },

  streamFrames(call, outcome, id) {
    const usage = wireUsage(outcome);
    const frames = [
      sseEvent('message_start', {
        type: 'message_start',
        message: { id, type: 'message', role: 'assistant', model: call.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
      }),
    ];
    contentBlocks(call, outcome.answer, id).forEach((block, index) => {
      if (block.type === 'thinking') {
        frames.push(sseEvent('content_block_start', { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
        frames.push(sseEvent('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: block.thinking } }));
        frames.push(sseEvent('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } }));
      } else if (block.type === 'text') {
        frames.push(sseEvent('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
        for (const text of chunkText(String(block.text))) {
          frames.push(sseEvent('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } }));
        }
      } else {
        frames.push(sseEvent('content_block_start', { type: 'content_block_start', index, content_block: { ...block, input: {} } }));
        for (const partial_json of chunkText(JSON.stringify(block.input))) {
          frames.push(sseEvent('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } }));
        }
      }
      frames.push(sseEvent('content_block_stop', { type: 'content_block_stop', index }));
    });
    frames.push(
      sseEvent('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: stopReason(outcome, call), stop_sequence: null, stop_details: stopDetails(outcome) },
        usage: { output_tokens: usage.output_tokens },
      }),
      sseEvent('message_stop', { type: 'message_stop' }),
    );
    return frames;
  },

  error(fault, apiKey, model) {
    const [status, type, message] = errorParts(fault, apiKey, model);
    return { status, body: { type: 'error', error: { type, message }, request_id: 'req_sim' } };
  },

  invalidRequest(message) {
    return { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message }, request_id: 'req_sim' } };
  },
};

/** The signature a thinking block of answer `id` carries; opaque to clients, checked when it comes back. */
export function thinkingSignature(id: string): string {
  return createHash('sha256').update(`switchboard-simulator-thinking:${id}`).digest('base64');
}

function checkModelRules(body: Record<string, unknown>, spec: SimulatedModel, messages: Array<Record<string, unknown>>, issuedSignatures: ReadonlySet<string>): void {
  const capabilities = spec.capabilities;
  if (!capabilities.samplingParameters) {
    for (const param of ['temperature', 'top_p', 'top_k']) {
      if (body[param] !== undefined) throw new WireRequestError(`${param}: is deprecated for this model. Remove it from the request.`);
    }
  }
  const maxTokens = body.max_tokens as number;
  if (maxTokens > spec.maxOutputTokens) {
    throw new WireRequestError(`max_tokens: ${maxTokens} > ${spec.maxOutputTokens}, which is the maximum allowed number of output tokens for ${spec.apiModel}`);
  }
  const choice = asRecord(body.tool_choice);
  if (capabilities.thinking === 'always' && (choice.type === 'tool' || choice.type === 'any')) {
    throw new WireRequestError('Thinking may not be enabled when tool_choice forces tool use.');
  }
  blocksOf(body.system).forEach((block, index) => checkTextBlock(block, `system.${index}`));
  messages.forEach((message, index) => {
    const blocks = blocksOf(message.content);
    const isFinalAssistant = index === messages.length - 1 && message.role === 'assistant';
    if (blocks.length === 0 && !isFinalAssistant) {
      throw new WireRequestError(`messages.${index}: all messages must have non-empty content except for the optional final assistant message`);
    }
    blocks.forEach((block, blockIndex) => {
      checkTextBlock(block, `messages.${index}.content.${blockIndex}`);
      if (block.type === 'thinking' && (typeof block.signature !== 'string' || !issuedSignatures.has(block.signature))) {
        throw new WireRequestError(`messages.${index}.content.${blockIndex}: Invalid \`signature\` in \`thinking\` block`);
      }
    });
  });
  if (capabilities.thinking === 'always') checkThinkingInToolLoop(messages);
  const format = asRecord(asRecord(body.output_config).format);
  if (format.type === 'json_schema') checkOutputSchema(format.schema, 'output_config.format.schema');
}

function checkTextBlock(block: Record<string, unknown>, at: string): void {
  if (block.type !== 'text') return;
  if (typeof block.text !== 'string' || block.text.length === 0) throw new WireRequestError(`${at}: text content blocks must be non-empty`);
  if (block.text.trim() === '') throw new WireRequestError(`${at}: text content blocks must contain non-whitespace text`);
}

/** In a tool loop on a thinking model, the assistant turn whose tool_use is being answered must start with its thinking block. */
function checkThinkingInToolLoop(messages: Array<Record<string, unknown>>): void {
  const last = messages.at(-1);
  if (!last || last.role !== 'user' || !blocksOf(last.content).some((block) => block.type === 'tool_result')) return;
  const index = messages.findLastIndex((message) => message.role === 'assistant');
  if (index === -1) return;
  const first = blocksOf(messages[index].content)[0];
  if (first?.type === 'thinking' || first?.type === 'redacted_thinking') return;
  throw new WireRequestError(
    `messages.${index}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(first?.type)}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking`,
  );
}

const OUTPUT_SCHEMA_UNSUPPORTED = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'maxItems'];

/** The native output format's documented limits: closed objects, no numeric or length bounds, minItems 0 or 1. */
function checkOutputSchema(schema: unknown, at: string): void {
  const node = asRecord(schema);
  const types = Array.isArray(node.type) ? node.type : [node.type];
  if ((types.includes('object') || node.properties !== undefined) && node.additionalProperties !== false) {
    throw new WireRequestError(`${at}: For 'object' type, 'additionalProperties' must be explicitly set to false`);
  }
  for (const keyword of OUTPUT_SCHEMA_UNSUPPORTED) {
    if (node[keyword] !== undefined) throw new WireRequestError(`${at}: '${keyword}' is not supported in output_config.format schemas`);
  }
  if (typeof node.minItems === 'number' && node.minItems > 1) throw new WireRequestError(`${at}: 'minItems' values other than 0 or 1 are not supported`);
  for (const [key, child] of Object.entries(asRecord(node.properties))) checkOutputSchema(child, `${at}.properties.${key}`);
  if (node.items !== undefined) checkOutputSchema(node.items, `${at}.items`);
  asArray(node.anyOf).forEach((child, index) => checkOutputSchema(child, `${at}.anyOf.${index}`));
}

function stopDetails(outcome: SimulatedOutcome): Record<string, unknown> | null {
  return outcome.answer.kind === 'refusal' ? { type: 'refusal', category: null, explanation: outcome.answer.text } : null;
}

function errorParts(fault: ErrorFault, apiKey: string, model: string): [number, string, string] {
  switch (fault.fault) {
    case 'rate_limit':
      return [429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit (simulated).'];
    case 'server':
      return [500, 'api_error', 'Internal server error (simulated).'];
    case 'unavailable':
      return [503, 'api_error', 'Service unavailable (simulated).'];
    case 'overloaded':
      return [529, 'overloaded_error', 'Overloaded (simulated).'];
    case 'context_too_long':
      return [400, 'invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum (simulated)'];
    case 'auth':
      return [401, 'authentication_error', `invalid x-api-key: ${apiKey} (simulated)`];
    case 'model_not_found':
      return [404, 'not_found_error', `model: ${model}`];
    case 'quota':
      return [400, 'invalid_request_error', 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.'];
  }
}

function contentBlocks(call: SimulatedCall, answer: SimulatedAnswer, id: string): Array<Record<string, unknown>> {
  const answerBlocks = answerContent(call, answer, id);
  if (!call.thinking || answer.kind === 'refusal') return answerBlocks;
  return [{ type: 'thinking', thinking: `[simulated reasoning of ${call.model}]`, signature: thinkingSignature(id) }, ...answerBlocks];
}

function answerContent(call: SimulatedCall, answer: SimulatedAnswer, id: string): Array<Record<string, unknown>> {
  switch (answer.kind) {
    case 'refusal':
      return [];
    case 'text':
      return [{ type: 'text', text: answer.text }];
    case 'tool_calls':
      return answer.calls.map((toolCall, index) => ({ type: 'tool_use', id: toolUseId(id, index), name: toolCall.name, input: toolCall.arguments }));
    case 'json':
      return call.forcedTool
        ? [{ type: 'tool_use', id: toolUseId(id, 0), name: call.forcedTool, input: answer.value }]
        : [{ type: 'text', text: JSON.stringify(answer.value) }];
  }
}

function stopReason(outcome: SimulatedOutcome, call: SimulatedCall): string {
  if (outcome.truncated) return 'max_tokens';
  if (outcome.answer.kind === 'refusal') return 'refusal';
  const { kind } = outcome.answer;
  return kind === 'tool_calls' || (kind === 'json' && call.forcedTool !== undefined) ? 'tool_use' : 'end_turn';
}

/** Anthropic reports input, cache reads and cache writes as three disjoint counts. */
function wireUsage({ usage }: SimulatedOutcome) {
  return {
    input_tokens: usage.inputTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cachedInputTokens,
    output_tokens: usage.outputTokens,
    service_tier: 'standard',
  };
}

function toolUseId(responseId: string, index: number): string {
  return `toolu_${responseId.replace(/[^a-zA-Z0-9]/g, '')}_${index}`;
}

function blocksOf(content: unknown): Array<Record<string, unknown>> {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return asArray(content).map(asRecord);
}

function blockText(block: Record<string, unknown>): string {
  if (typeof block.text === 'string') return block.text;
  if (block.type === 'tool_result') {
    return typeof block.content === 'string' ? block.content : blocksOf(block.content).map(blockText).join('\n');
  }
  return JSON.stringify({ ...block, cache_control: undefined });
}
