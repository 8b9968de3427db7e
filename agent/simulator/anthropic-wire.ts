import { chunkText, type SimulatedAnswer, type SimulatedCall, type SimulatedOutcome } from './answer.ts';
import { asArray, asRecord, sseEvent, WireRequestError, type ErrorFault, type WireFormat } from './wire.ts';

/** Anthropic messages (`POST /v1/messages`), as served by the simulator. */
export const anthropicWire: WireFormat = {
  parse(body) {
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
      responseSchema: forcedSchema === undefined ? undefined : asRecord(forcedSchema),
      forcedTool,
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
      if (block.type === 'text') {
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
      sseEvent('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason(outcome, call), stop_sequence: null }, usage: { output_tokens: usage.output_tokens } }),
      sseEvent('message_stop', { type: 'message_stop' }),
    );
    return frames;
  },

  error(fault, apiKey) {
    const [status, type, message] = errorParts(fault, apiKey);
    return { status, body: { type: 'error', error: { type, message }, request_id: 'req_sim' } };
  },

  invalidRequest(message) {
    return { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message }, request_id: 'req_sim' } };
  },
};

function errorParts(fault: ErrorFault, apiKey: string): [number, string, string] {
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
  }
}

function contentBlocks(call: SimulatedCall, answer: SimulatedAnswer, id: string): Array<Record<string, unknown>> {
  switch (answer.kind) {
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
