/**
 * `doctor` checks every configured model for real: without `--live` the id must be in the
 * provider's full model list (every page), so a dead model fails the run; a model retiring
 * soon carries its replacement; `--live` prints the expected cost before it sends one minimal
 * request per model. The fake endpoints answer with bodies shaped after the public API
 * references (OpenAI "List models" / "Create chat completion", Anthropic "List Models" /
 * "Messages"), not after Switchboard's simulator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { doctorRows, runCliAsync } from '../helpers/doctor-cli.ts';

const OPENAI_KEY = 'sk-doctor-openai-0123456789';
const ANTHROPIC_KEY = 'sk-ant-doctor-0123456789';

interface Fake {
  url: string;
  chats: Array<{ path: string; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** OpenAI and Anthropic on one loopback port; Anthropic's list is served two ids per page. */
async function startProviders(openaiIds: string[], anthropicIds: string[], options: { rejectKeys?: boolean } = {}): Promise<Fake> {
  const chats: Fake['chats'] = [];
  const server: Server = createServer(async (request, response) => {
    const body = await readJson(request);
    const url = new URL(request.url ?? '/', 'http://fake');
    const send = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(payload));
    };
    const anthropic = request.headers['anthropic-version'] !== undefined;
    if (options.rejectKeys) {
      if (anthropic) return send(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
      return send(401, { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
    }
    if (request.method === 'GET' && url.pathname === '/v1/models' && !anthropic) {
      return send(200, { object: 'list', data: openaiIds.map((id) => ({ id, object: 'model', created: 1752019200, owned_by: 'openai' })) });
    }
    if (request.method === 'GET' && url.pathname === '/v1/models' && anthropic) {
      const after = url.searchParams.get('after_id');
      const start = after ? anthropicIds.indexOf(after) + 1 : 0;
      const page = anthropicIds.slice(start, start + 2);
      return send(200, {
        data: page.map((id) => ({ type: 'model', id, display_name: id, created_at: '2026-05-28T00:00:00Z' })),
        has_more: start + 2 < anthropicIds.length,
        first_id: page[0] ?? null,
        last_id: page.at(-1) ?? null,
      });
    }
    if (request.method === 'POST' && url.pathname === '/v1/chat/completions') {
      chats.push({ path: url.pathname, body });
      return send(200, {
        id: 'chatcmpl-doctor',
        object: 'chat.completion',
        created: 1764633600,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok', refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 14, completion_tokens: 2, total_tokens: 16, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
      });
    }
    if (request.method === 'POST' && url.pathname === '/v1/messages') {
      chats.push({ path: url.pathname, body });
      return send(200, {
        id: 'msg_doctor',
        type: 'message',
        role: 'assistant',
        model: body.model,
        content: [{ type: 'text', text: 'ok' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 14, output_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      });
    }
    send(404, { error: { message: `no route ${request.method} ${url.pathname}` } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, chats, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

const TIERS = {
  orchestration: ['gpt-5.6-luna', 'claude-haiku-4-5'],
  execution: ['gpt-5.6-terra', 'claude-sonnet-4-6'],
  reasoning: ['gpt-5.6-sol', 'claude-opus-4-8'],
};
const OPENAI_LIVE = ['gpt-5.6-sol', 'gpt-5.6-terra', 'gpt-5.6-luna', 'gpt-5-mini'];
const ANTHROPIC_LIVE = ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-opus-4-8', 'claude-sonnet-4-6', 'claude-haiku-4-5'];

async function doctor(fake: Fake, args: string[], orchestration = TIERS.orchestration) {
  const dir = mkdtempSync(join(tmpdir(), 'sb-doctor-models-'));
  const config = `
simulator: { mode: never }
providers:
  openai: { api: openai, baseURL: "${fake.url}/v1", apiKey: "\${OPENAI_KEY}" }
  anthropic: { api: anthropic, baseURL: "${fake.url}", apiKey: "\${ANTHROPIC_KEY}" }
tiers:
  orchestration: [${orchestration.join(', ')}]
  execution: [${TIERS.execution.join(', ')}]
  reasoning: [${TIERS.reasoning.join(', ')}]
  large-context: [gpt-5.6-terra, claude-sonnet-4-6]
flagship: gpt-5.6-sol
`;
  writeFileSync(join(dir, 'config.yaml'), config);
  return runCliAsync(['--config', join(dir, 'config.yaml'), '--data-dir', join(dir, 'data'), 'doctor', ...args], {
    HOME: dir,
    OPENAI_KEY,
    ANTHROPIC_KEY,
  });
}

test('every configured model listed by its provider (all pages read): one passing row each, exit 0', async () => {
  const fake = await startProviders(OPENAI_LIVE, ANTHROPIC_LIVE);
  try {
    const result = await doctor(fake, ['--json']);
    const { ok, rows } = doctorRows(result);
    assert.equal(result.status, 0, result.stdout);
    assert.equal(ok, true);
    for (const id of [...TIERS.orchestration, ...TIERS.execution, ...TIERS.reasoning]) {
      const row = rows.get(`model ${id}`);
      assert.ok(row?.ok, `${id}: ${JSON.stringify(row)}`);
      assert.match(row.detail, new RegExp(`^${id.replaceAll('.', '\\.')} listed by (openai|anthropic)`));
    }
    assert.equal(fake.chats.length, 0, 'without --live nothing is spent');
  } finally {
    await fake.close();
  }
});

test('a model the provider no longer lists makes doctor fail with the 404 it would meet', async () => {
  // claude-haiku-4-5 is the last id of the third page: a check of the first page only would miss it.
  const fake = await startProviders(OPENAI_LIVE.filter((id) => id !== 'gpt-5.6-luna'), ANTHROPIC_LIVE);
  try {
    const result = await doctor(fake, ['--json']);
    const { ok, rows } = doctorRows(result);
    assert.equal(result.status, 1);
    assert.equal(ok, false);
    const luna = rows.get('model gpt-5.6-luna');
    assert.equal(luna?.ok, false);
    assert.match(luna!.detail, /openai does not list gpt-5\.6-luna .*404/);
    assert.ok(luna!.fix);
    assert.equal(rows.get('model claude-haiku-4-5')?.ok, true, 'found on the last page');
  } finally {
    await fake.close();
  }
});

test('a model retiring within 30 days passes with its retirement date; on that day config loading refuses it', async () => {
  const fake = await startProviders(OPENAI_LIVE, ANTHROPIC_LIVE);
  try {
    const soon = await doctor(fake, ['--json', '--as-of', '2026-12-02'], ['gpt-5-mini', 'claude-haiku-4-5']);
    const { rows } = doctorRows(soon);
    assert.equal(soon.status, 0);
    const mini = rows.get('model gpt-5-mini');
    assert.equal(mini?.ok, true);
    assert.match(mini!.detail, /retires on 2026-12-11 \(in 9 days\)/);
    assert.match(mini!.fix ?? '', /live catalogue model/);
    assert.match(rows.get('config')!.detail, /1 model\(s\) retiring within 30 days/);

    const retired = await doctor(fake, ['--json', '--as-of', '2026-12-11'], ['gpt-5-mini', 'claude-haiku-4-5']);
    assert.equal(retired.status, 2);
    assert.match(retired.stderr, /tiers\.orchestration\.0: model "gpt-5-mini" was retired on 2026-12-11/);
  } finally {
    await fake.close();
  }
});

test('--live prints the expected cost first, then sends one minimal request per model', async () => {
  const fake = await startProviders(OPENAI_LIVE, ANTHROPIC_LIVE);
  try {
    const result = await doctor(fake, ['--live']);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const lines = result.stdout.trim().split('\n');
    const expected = /^doctor --live: one minimal request to each of 6 model\(s\); expected cost at most \$(\d+\.\d+)$/.exec(lines[0]);
    assert.ok(expected, lines[0]);
    assert.ok(Number(expected[1]) > 0 && Number(expected[1]) < 0.01, `well under a cent: ${expected[1]}`);
    assert.equal(fake.chats.length, 6);
    for (const chat of fake.chats) {
      const cap = Number(chat.body.max_tokens ?? chat.body.max_completion_tokens);
      assert.ok(cap > 0 && cap <= 256, `a minimal request: ${JSON.stringify(chat.body)}`);
    }
    assert.match(result.stdout, /✓ model gpt-5\.6-sol +gpt-5\.6-sol answered "ok"; cost \$0\.0000\d+/);
    assert.match(result.stdout, /all 9 checks passed/);
  } finally {
    await fake.close();
  }
});

test('a refused key fails each model row as auth, and the key appears nowhere', async () => {
  const fake = await startProviders(OPENAI_LIVE, ANTHROPIC_LIVE, { rejectKeys: true });
  try {
    const result = await doctor(fake, ['--json']);
    const { rows } = doctorRows(result);
    assert.equal(result.status, 1);
    const sol = rows.get('model gpt-5.6-sol');
    assert.equal(sol?.ok, false);
    assert.match(sol!.detail, /auth/);
    assert.match(sol!.fix ?? '', /API key of providers\.openai/);
    assert.equal(rows.get('model claude-opus-4-8')?.ok, false);
    for (const secret of [OPENAI_KEY, ANTHROPIC_KEY]) {
      assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), 'no key in the output');
    }
  } finally {
    await fake.close();
  }
});
