/**
 * A stream cut mid-answer is billed by the provider for the tokens it sent, so the ledger
 * prices them: from the provider's usage when it reported some, else estimated from the text
 * received (chars / 4), with the row marked estimated. The wire frames below follow the
 * public API references: OpenAI "The chat completion chunk object" (streaming, with
 * `stream_options.include_usage` the usage arrives only in the last chunk) and Anthropic
 * "Streaming Messages" (message_start carries the input usage, message_delta the output).
 * The real SDKs read them from a loopback server that cuts the connection mid-answer.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configSchema } from '../../config/schema.ts';
import { listCalls } from '../../memory/ledger.ts';
import { openStore } from '../../memory/store.ts';
import { createProviderRegistry } from '../../agent/providers/registry.ts';
import { resolveModels } from '../../agent/runtime.ts';
import { createRouter } from '../../agent/router/router.ts';
import { estimateInputTokens } from '../../agent/router/chain.ts';
import type { ChatRequest, ProviderApi } from '../../contracts/types.ts';
import { aProviderSpec } from '../helpers/builders.ts';

// 40 deltas of 10 characters: 400 characters, ~100 tokens, received before the cut.
const DELTAS = Array.from({ length: 40 }, (_, index) => `chunk ${String(index).padStart(3, '0')} `);

function openaiFrames(): string[] {
  const chunk = (delta: Record<string, unknown>) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-123', object: 'chat.completion.chunk', created: 1694268190, model: 'gpt-4o-mini', system_fingerprint: 'fp_44709d6fcb', choices: [{ index: 0, delta, logprobs: null, finish_reason: null }] })}\n\n`;
  return [chunk({ role: 'assistant', content: '' }), ...DELTAS.map((content) => chunk({ content }))];
}

function anthropicFrames(): string[] {
  const event = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  return [
    event('message_start', {
      message: { id: 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY', type: 'message', role: 'assistant', content: [], model: 'claude-sonnet-4-6', stop_reason: null, stop_sequence: null, usage: { input_tokens: 2_000, output_tokens: 1 } },
    }),
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    event('ping', {}),
    ...DELTAS.map((text) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } })),
  ];
}

/** Sends the frames, then destroys the socket: no finish_reason, no message_stop, no final usage. */
function cutStream(response: ServerResponse, frames: string[]): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  response.write(frames.join(''), () => response.socket?.destroy());
}

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => cutStream(response, request.url?.endsWith('/chat/completions') ? openaiFrames() : anthropicFrames()));
});
await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
after(() => new Promise<void>((closed) => server.close(() => closed())));

function aRouterAt(api: ProviderApi) {
  const config = configSchema.parse({
    providers: { cut: { api } },
    models: {
      cutter: { provider: 'cut', model: 'cutter-model', contextWindow: 100_000, maxOutputTokens: 1_000, prices: [{ input: 1, output: 10 }] },
    },
    tiers: { orchestration: ['cutter'], execution: ['cutter'], reasoning: ['cutter'], 'large-context': ['cutter'] },
    flagship: 'cutter',
    retry: { maxWait: 50, baseDelay: 1 },
  });
  const db = openStore(':memory:');
  const spec = aProviderSpec({ name: 'cut', api, baseURL: api === 'openai' ? `${base}/v1` : base });
  const router = createRouter({
    db,
    config,
    models: resolveModels(config),
    providers: createProviderRegistry([spec]),
    decideTier: async () => ({ tier: 'execution', reason: 'cut test' }),
    sleep: async () => {},
  });
  return { router, db };
}

const request: ChatRequest = { messages: [{ role: 'user', content: 'Tell me a long story.' }], maxOutputTokens: 500, stream: true };

test('openai: a stream cut before any usage is priced from the text received, input estimated, marked estimated', async () => {
  const { router, db } = aRouterAt('openai');
  const failure = await router.complete({ task: {}, request }).catch((error) => error);
  assert.equal(failure?.name, 'ChainError');
  const rows = listCalls(db);
  assert.ok(rows.length >= 1);
  const [first] = rows;
  assert.deepEqual([first.outcome, first.errorKind, first.usageEstimated], ['error', 'stream_cut', true]);
  assert.equal(first.outputTokens, 100, '400 characters received: 100 tokens');
  assert.equal(first.inputTokens, estimateInputTokens(request));
  // $1 per 1M input, $10 per 1M output.
  assert.ok(Math.abs(first.costUsd - (first.inputTokens * 1 + 100 * 10) / 1e6) < 1e-15);
  assert.ok(first.costUsd > 0, 'no longer recorded at $0');
  db.close();
});

test('anthropic: the input usage message_start reported is kept; the output is estimated from the text', async () => {
  const { router, db } = aRouterAt('anthropic');
  await router.complete({ task: {}, request }).catch(() => undefined);
  const [first] = listCalls(db);
  assert.deepEqual([first.outcome, first.errorKind, first.usageEstimated], ['error', 'stream_cut', true]);
  assert.equal(first.inputTokens, 2_000, 'as message_start reported');
  assert.equal(first.outputTokens, 100, 'message_start said 1; 400 characters arrived');
  assert.ok(Math.abs(first.costUsd - (2_000 * 1 + 100 * 10) / 1e6) < 1e-15);
  db.close();
});

test('a failure before any of the answer was read is not billed for output, nor marked estimated', async () => {
  const { router, db } = aRouterAt('openai');
  // A non-streaming request: the SDK reads no answer from the broken body, so nothing was received.
  await router.complete({ task: {}, request: { ...request, stream: false } }).catch(() => undefined);
  for (const row of listCalls(db)) {
    assert.equal(row.usageEstimated, false, 'nothing of the answer arrived, so nothing is estimated');
    assert.equal(row.outputTokens, 0);
  }
  db.close();
});
